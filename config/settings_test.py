"""Test overrides: the only place tests differ from config.settings."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")


def _redis_url_for_xdist_worker(url: str, worker: str) -> str:
    """Each pytest-xdist worker (gw0, gw1, ...) gets a Redis database of its own, so a Celery worker started by
    one test process never takes a task queued by another (each has its own test database)."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    own = (db + 9 + int(worker.removeprefix("gw"))) % 16
    return urlunsplit(parts._replace(path=f"/{own}"))


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_url_for_xdist_worker(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "artifacts" / "test-media"  # noqa: F405
# test-only assets (axe-core for the accessibility scans) are served to the browser tests, never in production
STATICFILES_DIRS = [*STATICFILES_DIRS, BASE_DIR / "tests" / "static"]  # noqa: F405
REPORT_RETRY_BACKOFF_SECONDS = 0  # retries at once in tests; the backoff arithmetic is tested on its own
MFA_REQUIRED = False  # the second-factor tests switch it on (accounts/tests); other tests sign in with a password
if "CACHES" in globals():  # Redis (REDIS_URL set): each test process counts its throttles under its own prefix
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
JOBS_EAGER_IN_BACKGROUND = False  # eager jobs run inside the call that queued them; the browser test turns it on
