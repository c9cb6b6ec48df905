"""Daily job: keep a dated trace of plans lacking needed consent (the pages compute the flag live)."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from interventions.selectors import plans_flag_scan
from interventions.services import plan_consent_flags_record


@shared_task(name="interventions.plans_flag_consent_lapses", acks_late=True, soft_time_limit=240, time_limit=300)
def plans_flag_consent_lapses() -> int:
    """Idempotent: sets consent_flagged_on on newly flagged plans and clears it where consent is back."""
    today = timezone.localdate()
    with transaction.atomic():
        flagged, all_ids = plans_flag_scan(on=today)
        return plan_consent_flags_record(on=today, flagged_plan_ids=flagged, all_plan_ids=all_ids)
