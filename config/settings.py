"""One settings module, read from the environment (see README "Environment variables").

Development defaults are safe to run locally; production sets DEBUG=0 and the rest.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Generic Django classes (ModelAdmin[Case], ModelForm[Person]) subscriptable at run time, as the type checker wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY måste sättas när DEBUG inte är på.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    "core",
    "cases",
    "consent",
    "decisions",
    "documents",
    "interventions",
    "reporting",
    "jobs",
    "api",
    "records",
    "devdata",  # seed_demo, generate_data: on top of every app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.cache_control.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.session_idle.SessionIdleRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.session_idle.session_timing",
            ],
        },
    },
]

# Database: SQLite file in the project folder unless DATABASE_URL is set (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast while PostgreSQL is away (restart, failover) instead of hanging a worker process.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    # No JIT compilation of queries (PostgreSQL's default turns it on above a planner cost of 100 000): the to-do
    # union of Planering at scale M is estimated above that and spent ~3 s of CPU per request compiling, for a
    # query that runs in ~0.2 s without (docs/performance.md, 2026-12-07). Short queries on many connections
    # gain nothing from it; DB_JIT=1 gives the server's setting back.
    if not env_bool("DB_JIT", False):
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
    # Prepared statements: with server-side binding psycopg prepares a statement once a connection has run it
    # DB_PREPARE_THRESHOLD times, and PostgreSQL then skips parsing and planning it. A page's statements are the same
    # text for every user (the values travel apart), and planning was a large part of PostgreSQL's CPU a request
    # (the to-do union: 9–20 ms planned, ≈ 2 ms run; docs/performance.md). DB_PREPARED_STATEMENTS=0 turns it off,
    # for a pooler in transaction mode (PgBouncer without max_prepared_statements) that cannot keep them.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5)
# Every request is one transaction: the access-log row and the read it records commit together,
# and a failed log write means the page is not shown (fail closed).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 4.0.3 V2.1: at least 12 characters, checked against common and breached passwords (offline:
    # Django's list of 20 000, then zxcvbn's breach-derived lists plus Swedish seasons, months and names
    # in core.passwords, which refuses "Sommar2024!"-style guesses). Messages in Swedish.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES without activity: core.session_idle renews the expiry at most
# once per SESSION_RENEW_SECONDS instead of writing the session row on every request. Pages warn
# SESSION_WARNING_SECONDS before the end and offer "Fortsätt arbeta" (WCAG 2.2.1). Whatever the activity, a
# session ends SESSION_ABSOLUTE_HOURS after sign-in (ASVS 3.3.2).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 10) * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The client's address (core.client_ip): X-Forwarded-For is believed only for this many reverse proxies in
# front of the app (0: the header is ignored). The access log, login lockout and API throttles all use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login throttling: failures lock the username+IP pair, so an attacker behind the municipality's proxy
# neither locks out everyone (IP alone) nor a named colleague from her own desk (username alone).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True

# --- Sign-in (accounts): OpenID Connect SSO, a second factor for local accounts (README "Inloggning") ---------
# All from the environment; SSO is off unless OIDC_ISSUER (or OIDC_DISCOVERY_URL) and OIDC_CLIENT_ID are set.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "accounts"]
_AFTER_AUTH = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_AFTER_AUTH:_AFTER_AUTH] = [
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() after a second factor
    "accounts.middleware.OidcSessionRefresh",  # silent re-authentication at the IdP (no-op without SSO)
    "accounts.middleware.SecondFactorRequired",  # MFA_REQUIRED: nothing but the code pages until verified
    "accounts.middleware.PasswordChangeRequired",  # an administrator-set password is changed before anything else
]
AUTHENTICATION_BACKENDS.insert(1, "accounts.oidc.SsoBackend")
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_exempt"  # refused SSO answers are not password guesses
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL")  # default: <issuer>/.well-known/openid-configuration
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_ENABLED = bool((OIDC_ISSUER or OIDC_DISCOVERY_URL) and OIDC_RP_CLIENT_ID)
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
# Endpoints come from the discovery document at run time (accounts.oidc.provider_metadata).
OIDC_OP_AUTHORIZATION_ENDPOINT = OIDC_OP_TOKEN_ENDPOINT = OIDC_OP_USER_ENDPOINT = OIDC_OP_JWKS_ENDPOINT = ""
OIDC_USER_CLAIM = env_str("OIDC_USER_CLAIM", "sub")  # stable identifier: sub, an HSA-id or employee number
OIDC_REQUIRED_ACR = env_list("OIDC_REQUIRED_ACR")  # e.g. http://id.elegnamnden.se/loa/1.0/loa3; any one of
OIDC_REQUIRED_AMR = env_list("OIDC_REQUIRED_AMR")  # e.g. mfa; all of
OIDC_MFA_ACR = env_list("OIDC_MFA_ACR")  # acr values that count as two factors (no local code asked)
OIDC_MFA_AMR = env_list("OIDC_MFA_AMR", "mfa")  # amr values that do (RFC 8176)
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_PROVISION_GROUP = env_str("OIDC_PROVISION_GROUP")  # unknown users in this group get an account
OIDC_ROLE_MAP = env_str("OIDC_ROLE_MAP")  # "<group>=<role>,...", roles as in core.models.Role
OIDC_UNIT_CLAIM = env_str("OIDC_UNIT_CLAIM")
OIDC_UNIT_MAP = env_str("OIDC_UNIT_MAP")  # "<claim value>=<unit id>,..."
OIDC_AUTH_REQUEST_EXTRA_PARAMS: dict[str, str] = {}  # e.g. {"prompt": "login"}; acr_values are added
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # accounts.oidc decides (OIDC_PROVISION_GROUP)
OIDC_STORE_ID_TOKEN = True  # id_token_hint for RP-initiated logout
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("OIDC_REFRESH_SECONDS", 15 * 60)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", default=True)
OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG
# A second factor for every local account (TOTP + recovery codes); off only where DEBUG is on (make demo).
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Ungdomsinsats")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin resets a factor (deletes the device) but never sees its key
# --- end of sign-in ------------------------------------------------------------------------------------------

# Shared state for limits: with Redis, every gunicorn process and host counts API throttles in one place
# (axes keeps its failures in PostgreSQL, also shared). Without Redis (demo) each process counts alone.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ui"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska"))]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers are grouped explicitly by the sv_format filters; automatic grouping would also hit ids in links.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Generated PDFs and exports; never served directly, only through permission-checking views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Documents of the akt (documents app) go to the default storage: local disk under MEDIA_ROOT, or an
# S3-compatible bucket through django-storages when DOCUMENT_S3_BUCKET is set (README "Dokument i akten").
# Never served by the web server: only through documents.views, which checks permission and logs the read.
if env_str("DOCUMENT_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DOCUMENT_S3_BUCKET"),
            "endpoint_url": env_str("DOCUMENT_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DOCUMENT_S3_REGION") or None,
            "access_key": env_str("DOCUMENT_S3_ACCESS_KEY") or None,
            "secret_key": env_str("DOCUMENT_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
# ClamAV: every upload is scanned when CLAMD_HOST is set (INSTREAM over TCP); refused when clamd cannot answer.
CLAMD_HOST = env_str("CLAMD_HOST")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)

# Celery: without REDIS_URL tasks run eagerly in-process (demo and unit tests).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Eager (no broker): run the job in a background thread after the commit, so the request answers at once
# (jobs.outbox). Unit tests switch it off to see a job's result right after the call that queued it.
JOBS_EAGER_IN_BACKGROUND = env_bool("JOBS_EAGER_IN_BACKGROUND", True)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False  # set per task: only idempotent tasks ack late
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task whose whole worker died is redelivered after visibility_timeout: it must stay above the longest
    # hard time limit of any task (the nightly retention run allows an hour), or a slow task runs twice.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * max(CELERY_TASK_TIME_LIMIT, 3600)),
    # Look for such abandoned messages every 10 s (kombu's default sweeps only every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # Publishing while Redis is down fails within seconds; jobs.outbox keeps the message and resends it.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task interrupted by a killed worker goes back to the queue (effective on acks_late tasks).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Workers recycle their child processes so a leaking PDF render cannot grow without bound.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000)  # KiB
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100)
# Two queues: heavy reports never hold up the small interactive jobs (docker-compose runs a worker each).
CELERY_TASK_DEFAULT_QUEUE = "interactive"
# A failed report is retried 3 times, waiting this many seconds, then twice and four times that.
REPORT_RETRY_BACKOFF_SECONDS = env_int("REPORT_RETRY_BACKOFF_SECONDS", 10)
# A report still queued or running after this long is failed with a reason (longer than 4 tries, each
# possibly redelivered after the visibility timeout).
REPORT_STALE_HOURS = env_int("REPORT_STALE_HOURS", 12)
# Heavy work (reports, PDFs, gallring) on its own queue so interactive jobs never wait behind it.
CELERY_TASK_ROUTES = {"reporting.*": {"queue": "reports"}, "core.tasks.retention_*": {"queue": "reports"}}
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE = {
    # Resend messages stored while Redis was unreachable (jobs.outbox).
    "jobs-outbox-drain": {"task": "jobs.outbox_drain", "schedule": env_int("OUTBOX_DRAIN_SECONDS", 30)},
    # Gallring (records.retention; the task keeps its old name): nightly; a killed run is finished by the next.
    "core-retention-run": {
        "task": "core.tasks.retention_run_task",
        "schedule": crontab(hour=env_int("RETENTION_HOUR", 3), minute=15),
        "kwargs": {"limit": env_int("RETENTION_RUN_LIMIT", 20000)},
    },
    # Follow-up: the draft for each half-year on the first day after it ends (reporting.tasks; idempotent).
    "reporting-watchdog": {"task": "reporting.tasks.report_watchdog", "schedule": crontab(minute=45)},
    "reporting-half-year-drafts": {
        "task": "reporting.tasks.report_half_year_drafts",
        "schedule": crontab(day_of_month=1, month_of_year="1,7", hour=2, minute=30),
    },
    # Statistics API summary (reporting.statistics_summary): consume the marks the triggers wrote.
    "reporting-statistics-refresh": {
        "task": "reporting.tasks.statistics_refresh",
        "schedule": env_int("STATISTICS_REFRESH_SECONDS", 60),
    },
    # Plans lacking needed consent get a dated trace (pages compute the flag live; interventions.tasks).
    "interventions-plan-consent-flags": {
        "task": "interventions.plans_flag_consent_lapses",
        "schedule": crontab(hour=env_int("PLAN_FLAG_HOUR", 4), minute=0),
    },
}
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # api/: one JSON error shape for every 4xx ({"error": {"code", "message", "fields"}}), 409 on edit conflicts
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Anonymous throttling by address believes X-Forwarded-For only for the trusted proxies (core.client_ip).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Requests per client (token, user or IP) for the API; a token may carry its own rate.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Ungdomsinsats API",
    "DESCRIPTION": (
        "Läs-API för statistik (aggregerat, små tal dolda) och för behöriga integrationer på ärendenivå. "
        "Autentisering med API-nyckel (Authorization: Bearer <nyckel>) eller inloggad session. "
        'Fel har alltid formen {"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # deep links put a link inside each operation's toggle button (a nested interactive control, WCAG 4.1.2)
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Domain settings (docs/domain.md): municipal practice, not statute, so configurable.
CONSENT_OWN_AGE = env_int("CONSENT_OWN_AGE", 15)
# Medling must be done promptly (lag 2002:445 § 6): remind when a case has waited this many days.
MEDIATION_REMINDER_DAYS = env_int("MEDIATION_REMINDER_DAYS", 30)
# Samordnarens planering: follow-ups due within this many days.
PLAN_FOLLOW_UP_HORIZON_DAYS = env_int("PLAN_FOLLOW_UP_HORIZON_DAYS", 14)
# To-do lists: a SIG or avhopp case should have a genomförandeplan this many days after aktualisering,
# and a consent is flagged this many days before it runs out.
PLAN_DUE_DAYS = env_int("PLAN_DUE_DAYS", 14)
CONSENT_EXPIRY_NOTICE_DAYS = env_int("CONSENT_EXPIRY_NOTICE_DAYS", 30)
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Linköpings kommun")
# Loggkontroll: flag a user who opened more distinct people than this within one hour; stickprov size.
LOGGKONTROLL_BURST_LIMIT = env_int("LOGGKONTROLL_BURST_LIMIT", 30)
LOGGKONTROLL_SAMPLE_SIZE = env_int("LOGGKONTROLL_SAMPLE_SIZE", 25)

# Security headers; the production values are on unless DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Container healthchecks call these over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own files, no
# inline code, no eval. htmx is told not to inject its indicator style (meta htmx-config in base.html) and
# the API docs page loads its start-up script as a file (api.views.ApiDocsView). form-action is left open:
# signing in with SSO posts to us and is redirected on to the identity provider.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# JSON lines without personal data in production (config/logging.py); LOG_FORMAT=plain for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter in operation.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
