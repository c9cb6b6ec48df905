"""Only worked polare nights count in the field section's nights, polare and fees (issue 19 point 2): a night
planned for later in the period, or cancelled, is neither worked nor paid."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from interventions.models import Polare, PolareNight
from reporting.figures import Period, Scope, field_section


@pytest.mark.django_db
def test_planned_and_cancelled_nights_do_not_count(unit):
    today = timezone.localdate()
    period = Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    worked, planned, cancelled = (
        Polare.objects.create(
            unit=unit, name=name, birth_date=datetime.date(today.year - 16, 1, 1), service_started_on=today
        )
        for name in ("Arbetad", "Planerad", "Inställd")
    )
    PolareNight.objects.create(polare=worked, worked_on=today, fee=Decimal("400"), status="arbetad")
    PolareNight.objects.create(polare=planned, worked_on=today, fee=Decimal("400"), status="planerad")
    PolareNight.objects.create(polare=cancelled, worked_on=today, fee=Decimal("400"), status="installd")
    section = field_section(period, Scope(provider_id=unit.provider_id), period.previous_year())
    figures = {row.key: row.current for row in section.figures}
    assert (figures["nights"], figures["fees"]) == (1, 400)  # was 3 nights and 1 200 kr
