"""Reads for fältverksamhet of the user's unit: shifts, totals, polare with their fees, områdesinsatser."""

import datetime
import functools
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from core.models import District, User
from interventions.models import (
    AreaEffort,
    FieldEvent,
    FieldEventKind,
    FieldShift,
    Polare,
    PolareFeeRate,
    PolareNight,
    PolareNightStatus,
)
from interventions.rules import years_between


def polare_fee_for(*, polare: Polare, on: datetime.date) -> Decimal | None:
    """Fee per night from the fee table: the band covering the polare's age with the most years of service
    the polare has reached. None when no band covers the age."""
    age = years_between(polare.birth_date, on)
    service = years_between(polare.service_started_on, on)
    rate = (
        PolareFeeRate.objects.filter(min_age__lte=age, max_age__gte=age, min_years_of_service__lte=service)
        .order_by("-min_years_of_service")
        .first()
    )
    return rate.fee_per_night if rate else None


def field_shifts_for_user(*, user: User, since: datetime.date | None = None) -> QuerySet[FieldShift]:
    """Field shifts of the user's unit (no personal data about youths)."""
    if user.unit_id is None or not user.has_perm("interventions.view_fieldshift"):
        return FieldShift.objects.none()
    rows = FieldShift.objects.filter(unit_id=user.unit_id).select_related("district").prefetch_related("staff")
    if since:
        rows = rows.filter(worked_on__gte=since)
    return rows


def field_totals(*, user: User, year: int) -> dict:
    return (
        field_shifts_for_user(user=user)
        .filter(worked_on__year=year)
        .aggregate(shifts=Count("id"), met=Sum("youths_met"), talked=Sum("youths_talked"))
    )


def polare_roster_for_user(*, user: User) -> QuerySet[Polare]:
    """Polare of the user's unit with worked nights and their fees summed (in SQL); planned and cancelled
    nights are paid nothing."""
    if user.unit_id is None or not user.has_perm("interventions.view_polare"):
        return Polare.objects.none()
    worked = Q(nights__status=PolareNightStatus.WORKED)
    return (
        Polare.objects.filter(unit_id=user.unit_id)
        .annotate(nights_count=Count("nights", filter=worked), fees_total=Sum("nights__fee", filter=worked))
        .order_by("-active", "name")
    )


def polare_nights_for_user(*, user: User, since: datetime.date):
    return PolareNight.objects.filter(
        polare__in=polare_roster_for_user(user=user), worked_on__gte=since
    ).select_related("polare")


def area_efforts_for_user(*, user: User) -> QuerySet[AreaEffort]:
    if user.unit_id is None or not user.has_perm("interventions.view_areaeffort"):
        return AreaEffort.objects.none()
    return AreaEffort.objects.filter(unit_id=user.unit_id).select_related("district").prefetch_related("extensions")


def field_shift_get_for_user(*, user: User, shift_id: int) -> FieldShift:
    """A field shift of the user's unit (else 404)."""
    shift = field_shifts_for_user(user=user).filter(pk=shift_id).first()
    if shift is None:
        raise Http404
    return shift


def polare_night_get_for_user(*, user: User, night_id: int) -> PolareNight:
    """A night on the roster of a polare of the user's unit (else 404)."""
    if user.unit_id is None or not user.has_perm("interventions.view_polare"):
        raise Http404
    night = PolareNight.objects.select_related("polare").filter(polare__unit_id=user.unit_id, pk=night_id).first()
    if night is None:
        raise Http404
    return night


def area_effort_get_for_user(*, user: User, effort_id: int) -> AreaEffort:
    """An områdesinsats of the user's unit (else 404)."""
    effort = area_efforts_for_user(user=user).filter(pk=effort_id).first()
    if effort is None:
        raise Http404
    return effort


DISTRICT_CENTRES = Path(__file__).resolve().parent.parent / "data" / "district_centres.json"


@functools.cache
def _district_centres() -> dict[str, list[float]]:
    return {name: point for name, point in json.loads(DISTRICT_CENTRES.read_text()).items() if name[0] != "_"}


def field_app_data(*, user: User) -> dict:
    """What the phone's field log needs to work offline: districts (with a centre point where one is known,
    only for suggesting the nearest on the phone), the unit's active polare, running områdesinsatser and the
    kinds of event. Empty lists for a user without the field log."""
    if user.unit_id is None or not user.has_perm("interventions.add_fieldshift"):
        return {"districts": [], "polare": [], "efforts": [], "kinds": []}
    centres = _district_centres()
    today = timezone.localdate()
    return {
        "districts": [
            {"id": district.pk, "name": district.name, "centre": centres.get(district.name)}
            for district in District.objects.of_unit(user.unit_id).order_by("name")
        ],
        "polare": [
            {"id": polare.pk, "name": polare.name}
            for polare in Polare.objects.filter(unit_id=user.unit_id, active=True).order_by("name")
        ],
        "efforts": [
            {
                "id": effort.pk,
                "name": f"{effort.district.name} ({effort.starts_on.isoformat()}–{effort.ends_on.isoformat()})",
            }
            for effort in area_efforts_for_user(user=user).filter(ends_on__gte=today)
        ],
        "kinds": [{"id": value, "name": str(label)} for value, label in FieldEventKind.choices],
    }


def _shift_duration():
    """Length of a shift in SQL; a shift ending before it starts ran past midnight. None without times."""
    span = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    return Case(
        When(ends_at__gte=F("starts_at"), then=span),
        default=ExpressionWrapper(span + Value(datetime.timedelta(hours=24)), output_field=DurationField()),
        output_field=DurationField(),
    )


def _hours(duration: datetime.timedelta | None) -> Decimal:
    """Hours to one decimal, halves up as people round (2.25 h is 2.3)."""
    if not duration:
        return Decimal(0)
    return (Decimal(int(duration.total_seconds())) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def field_shift_figures(shifts: QuerySet[FieldShift]) -> dict:
    """The field figures of a set of shifts, the same for the unit's month page and the nämnd report: shifts,
    hours (of shifts with times), youths met and talked with. Shift rows logged per district slot from the
    phone count as one shift per slot."""
    totals = shifts.aggregate(
        shifts=Count("pk"), met=Sum("youths_met"), talked=Sum("youths_talked"), duration=Sum(_shift_duration())
    )
    duration = totals.pop("duration")
    totals["hours"] = _hours(duration)
    return totals


def field_month_for_user(*, user: User, month: datetime.date) -> dict:
    """The unit's month of field work: totals, per district (shifts, hours, met, talked) and the events."""
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    shifts = field_shifts_for_user(user=user).filter(worked_on__gte=start, worked_on__lte=end)
    rows = (
        shifts.order_by()
        .values("district__name")
        .annotate(
            shifts=Count("pk"), met=Sum("youths_met"), talked=Sum("youths_talked"), duration=Sum(_shift_duration())
        )
        .order_by("district__name")
    )
    per_district = [
        {
            "district__name": row["district__name"],
            "shifts": row["shifts"],
            "met": row["met"],
            "talked": row["talked"],
            "hours": _hours(row["duration"]),
        }
        for row in rows
    ]
    events = (
        FieldEvent.objects.filter(shift__in=shifts.values("pk"))
        .select_related("shift__district")
        .order_by("shift__worked_on", "occurred_at", "pk")
    )
    return {
        "start": start,
        "end": end,
        "totals": field_shift_figures(shifts),
        "districts": per_district,
        "events": list(events),
    }
