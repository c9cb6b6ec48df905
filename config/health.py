"""Health endpoints for the load balancer and the container orchestrator.

/healthz: the process is alive (touches nothing else). /readyz: PostgreSQL and Redis answer, so the
instance can take traffic. Both are outside the per-request transaction (a dead database must give a
clean 503, not an error page) and reveal nothing but up/down.
"""

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.policy import access_policy

REDIS_TIMEOUT_SECONDS = 2


def database_ready() -> bool:
    try:
        # CONN_HEALTH_CHECKS replaces a connection the server closed (restart, failover) before this query.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        connection.close()
        return False


def redis_ready() -> bool | None:
    """True/False, or None when no Redis is configured (tasks run in-process)."""
    if not settings.REDIS_URL:
        return None
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


@access_policy("public")
@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    return JsonResponse({"status": "ok"})


@access_policy("public")
@never_cache
@require_GET
@transaction.non_atomic_requests
def readyz(request):
    checks = {"database": database_ready(), "redis": redis_ready()}
    ready = all(value is not False for value in checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: {True: "ok", False: "fel", None: "ej konfigurerad"}[value] for name, value in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
