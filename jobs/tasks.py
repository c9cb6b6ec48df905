"""Jobs of the jobs app: drain the outbox (celery beat, and each worker as it starts)."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from jobs.outbox import outbox_drain


@shared_task(  # type: ignore[untyped-decorator]  # celery ships no type hints
    name="jobs.outbox_drain", ignore_result=True, acks_late=True, soft_time_limit=60, time_limit=90
)
def outbox_drain_task() -> int:
    """Idempotent: publishing an already-sent row is a no-op."""
    return outbox_drain()


@worker_ready.connect  # type: ignore[untyped-decorator]  # celery ships no type hints
def drain_when_worker_starts(sender: object | None = None, **kwargs: Any) -> None:
    """A worker that (re)connects to Redis resends what piled up while it was away."""
    outbox_drain_task.apply_async(queue="interactive")
