"""Rules of beslut and verkställighet: the three-month limit, the reporting quarters, and that an insats on a
bistånd case cannot start before a granting beslut (the one read here is that beslut)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Basis, Case
from decisions.models import GRANTING_OUTCOMES, Decision

# A granted beslut not verkställt within three months of the beslut is reported to IVO and the nämnd
# (16 kap. 6 f § SoL 2001:453, carried over into the socialtjänstlag 2025:400).
EXECUTION_LIMIT = relativedelta(months=3)


def execution_deadline(decided_on: datetime.date) -> datetime.date:
    """The last day the beslut can be verkställt without being reported (three months after the beslut)."""
    deadline: datetime.date = decided_on + EXECUTION_LIMIT  # dateutil's relativedelta is untyped here
    return deadline


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = datetime.date(year, 3 * quarter - 2, 1)
    return start, start + relativedelta(months=3) - datetime.timedelta(days=1)


def reported_in_quarter(
    *,
    decided_on: datetime.date,
    executed_on: datetime.date | None,
    ended_on: datetime.date | None,
    start: datetime.date,
    end: datetime.date,
) -> bool:
    """Whether a granted beslut belongs in the report of the quarter start–end: three months passed by the end of
    the quarter without verkställighet, and it was still waiting when the quarter began (verkställt or ended in
    the quarter is reported once more, with that date). The same rule as selectors.unexecuted_in_quarter."""
    deadline = execution_deadline(decided_on)
    if deadline >= end:
        return False
    if executed_on is not None and executed_on <= deadline:
        return False
    if ended_on is not None and ended_on <= deadline:
        return False
    return not ((executed_on and executed_on < start) or (ended_on and ended_on < start))


def insats_start_problem(*, case: Case, on_date: datetime.date) -> str | None:
    """Why an insats on this case cannot start on `on_date`, or None when it can: on a bistånd case a granting
    beslut must have been made on or before that day (and its period, when given, must have begun)."""
    if case.basis != Basis.ASSISTANCE:
        return None
    decisions = Decision.objects.filter(case_id=case.pk, outcome__in=GRANTING_OUTCOMES)
    if decisions.filter(decided_on__lte=on_date).exclude(period_from__gt=on_date).exists():
        return None
    first = decisions.order_by("decided_on").values_list("decided_on", flat=True).first()
    if first is None:
        return _("Ärendet gäller bistånd: insatsen kan inte påbörjas förrän ett beslut om bifall är registrerat.")
    return _("Insatsen kan inte påbörjas före beslutet och den beviljade perioden (beslut %(date)s).") % {
        "date": first.isoformat()
    }


def insats_start_allowed(case: Case, on_date: datetime.date) -> bool:
    return insats_start_problem(case=case, on_date=on_date) is None


def insats_start_check(*, case: Case, on_date: datetime.date | None, field: str = "__all__") -> None:
    """Raise a Swedish ValidationError on `field` when the insats may not start on `on_date` (see above)."""
    if on_date is None:
        return
    problem = insats_start_problem(case=case, on_date=on_date)
    if problem:
        raise ValidationError({field: problem}, code="no_decision")
