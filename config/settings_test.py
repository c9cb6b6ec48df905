"""Test overrides: the only place tests differ from config.settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "artifacts" / "test-media"  # noqa: F405
REPORT_RETRY_BACKOFF_SECONDS = 0  # retries at once in tests; the backoff arithmetic is tested on its own
if "CACHES" in globals():  # Redis (REDIS_URL set): each test process counts its throttles under its own prefix
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
