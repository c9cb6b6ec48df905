"""Start background jobs through the database outbox (see jobs.models.OutboxMessage).

    from jobs.outbox import enqueue
    message = enqueue("reporting.tasks.report_generate", args=[str(report.pk)], key=f"report:{report.pk}")

`enqueue` must run inside the caller's transaction (every request does: ATOMIC_REQUESTS). The task is
published only after the commit; a rollback leaves neither the row nor a job. When Redis is down the
page still succeeds: the row stays unsent and `outbox_pending(key)` tells the page to say "i kö".
Tasks started this way must be idempotent: a message may be published twice (sent, then the worker
marking it sent lost its connection), never zero times.
"""

import contextlib
import datetime
import importlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from config.logging import scrub
from jobs.models import OutboxMessage

logger = logging.getLogger(__name__)

# A row younger than this is still being published by the request that wrote it; the drain leaves it alone.
DRAIN_GRACE = datetime.timedelta(seconds=10)
# Sent rows are kept this long for troubleshooting, then removed by the drain.
KEEP_SENT = datetime.timedelta(days=7)


def enqueue(
    task_name: str,
    *,
    args: list[object] | None = None,
    kwargs: dict[str, object] | None = None,
    queue: str = "",
    key: str = "",
) -> OutboxMessage:
    """Record a job in the caller's transaction and publish it to Celery after commit."""
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args or []), kwargs=dict(kwargs or {}), queue=queue, key=key[:100]
    )
    transaction.on_commit(lambda: _publish_after_commit(message.pk))
    return message


# Without a broker (the demo) Celery runs a task eagerly, inside publish(): called from the request's on_commit
# that would hold the response until the job is done (seconds for a report). One background thread runs those
# jobs instead, one at a time in the order they were committed, so the page answers at once and shows progress.
# (The executor starts its thread on the first submit; a job still running when the process exits is waited for.)
_eager_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eager-jobs")


def _publish_after_commit(message_id: int) -> None:
    if not (current_app.conf.task_always_eager and settings.JOBS_EAGER_IN_BACKGROUND):
        publish(message_id)
        return
    _eager_runner.submit(_publish_in_background, message_id)


def _publish_in_background(message_id: int) -> None:
    try:
        publish(message_id)
    except Exception:  # the task records its own failure (e.g. the report version); nothing must escape the thread
        logger.exception("eager background job failed", extra={"outbox_id": message_id})
    finally:
        connections.close_all()  # this thread's connections only: Django keeps one per thread


def _task_or_none(task_name: str) -> Any:  # a celery Task (celery ships no type hints)
    """The registered task, importing its module first where the name says which it is."""
    if task_name not in current_app.tasks:
        for module in (task_name.rpartition(".")[0], f"{task_name.partition('.')[0]}.tasks"):
            with contextlib.suppress(ImportError):
                importlib.import_module(module)
    return current_app.tasks.get(task_name)


def publish(message_id: int) -> bool:
    """Send one outbox row to the broker; mark it sent. False (row kept) when the broker is unreachable."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return True  # already sent (by the drain, or an earlier attempt)
    options = {"queue": message.queue} if message.queue else {}
    try:
        task = _task_or_none(message.task_name)
        if task is not None:
            # apply_async keeps the task's own routing, and runs eagerly in the demo (no REDIS_URL).
            task.apply_async(args=message.args, kwargs=message.kwargs, retry=False, **options)
        else:
            current_app.send_task(message.task_name, args=message.args, kwargs=message.kwargs, retry=False, **options)
    except Exception as error:  # the broker library raises many kinds (kombu, redis, OSError): keep the row
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=scrub(f"{type(error).__name__}: {error}")[:200]
        )
        logger.warning(
            "outbox publish failed; kept for retry", extra={"outbox_id": message.pk, "error": type(error).__name__}
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def outbox_drain(*, limit: int = 200, grace: datetime.timedelta = DRAIN_GRACE) -> int:
    """Publish waiting rows, oldest first; stop at the first failure (the broker is still away).

    Returns how many were sent. Safe to run from several processes at once (rows are locked, skipped
    by the others).
    """
    sent = 0
    cutoff = timezone.now() - grace
    while sent < limit:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, created_at__lte=cutoff)
                .order_by("id")
                .values_list("pk", flat=True)[:20]
            )
            if not batch:
                break
            for message_id in batch:
                if not publish(message_id):
                    return sent
                sent += 1
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent


def outbox_pending(key: str) -> bool:
    """True while a job for `key` is stored but not yet handed to Redis (the page says it is queued)."""
    return OutboxMessage.objects.filter(key=key, sent_at__isnull=True).exists()


def broker_reachable() -> bool:
    """A quick check a page can make before promising that a job starts now."""
    if current_app.conf.task_always_eager:
        return True
    try:
        with current_app.connection_for_write() as connection:
            # one retry at once, not after kombu's default 2 s pause: a page waiting on this answers in a moment
            # when the broker is down (a refused connection fails at once; timeout bounds one that hangs)
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:  # any transport error means "not now"
        return False
