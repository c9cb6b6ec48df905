"""Settings for `make bench` and `make loadtest`: production settings (DEBUG off, cached templates,
ATOMIC_REQUESTS, the access log) with only what a loopback benchmark needs changed."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ungdomsinsats_bench")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on loopback
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The bench's clients sign in with force_login, without a second factor; with MFA_REQUIRED (the production
# default) every page answered 302 to the code page and the loud bench (23.5) reported them all as broken.
os.environ.setdefault("MFA_REQUIRED", "0")
# The benchmark repeats one client's requests hundreds of times: the per-client throttle stays on
# (its cache lookup is part of every API request) but with a budget the benchmark cannot exhaust.
os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")

from config.settings import *  # noqa: E402,F403

# What each request cost the server (CPU, time in SQL) as a Server-Timing header, which `make loadtest` attributes
# per request type; first, so all other middleware and the request's transaction are counted. Not in production.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405

# No collectstatic needed for a benchmark: templates resolve {% static %} without the manifest.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
warnings.filterwarnings("ignore", message="No directory at")
