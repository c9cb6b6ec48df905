"""Celery tasks of gallring. Tasks take ids, call a service, and are safe to run again.

The names are the ones the tasks had in core (beat schedule, queue routes and queued messages use them)."""

import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from core.models import User
from records.retention import retention_run


@shared_task(name="core.tasks.retention_run_task", acks_late=True)
def retention_run_task(as_of: str | None = None, limit: int | None = None) -> int | None:
    """The celery beat job: remove what is due today. Idempotent: a killed run is finished by the next one.

    Runs within the default task time limits (below the broker's visibility timeout, so a running job is never
    delivered twice); a backlog bigger than one slice goes on in a new task from where this one stopped.
    """
    day = datetime.date.fromisoformat(as_of) if as_of else None
    try:
        return retention_run(as_of=day, dry_run=False, limit=limit).pk
    except SoftTimeLimitExceeded:
        retention_run_task.apply_async(kwargs={"as_of": as_of, "limit": limit}, countdown=5)
        return None


@shared_task(name="core.tasks.retention_dry_run_task", acks_late=True)
def retention_dry_run_task(user_id: int | None = None, as_of: str | None = None) -> int:
    """A dry run started from the gallring page: records what a real run would remove, removes nothing."""
    day = datetime.date.fromisoformat(as_of) if as_of else None
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return retention_run(as_of=day, dry_run=True, started_by=user).pk
