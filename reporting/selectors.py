"""Reads of agreements and reports with the manager's scope applied.

Scope rule: an enhetschef sees the agreements and reports of their own provider that are either
provider-wide (no unit) or for their own unit. Anything outside the scope is a 404. These records hold
aggregated figures only, never named persons, so no access-log rows are written.
"""

import datetime
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.models import Provider, Unit, User
from reporting.figures import Period, Scope, agreement_decision_due
from reporting.models import AgreedVolume, Agreement, Report, ReportCommentary, ReportVersion


def _scope_filter(user: User) -> Q | None:
    """The Q restricting provider/unit rows to the user's scope; None means no restriction (superuser)."""
    if user.is_superuser:
        return None
    if user.unit is None:
        return Q(pk__in=[])
    return Q(provider_id=user.unit.provider_id) & (Q(unit__isnull=True) | Q(unit_id=user.unit_id))


def _scoped(queryset: QuerySet, user: User, permission: str) -> QuerySet:
    if not user.is_authenticated or not user.is_active or not user.has_perm(permission):
        return queryset.none()
    condition = _scope_filter(user)
    return queryset if condition is None else queryset.filter(condition)


def scope_choices_for_user(user: User) -> list[tuple[str, str, Scope]]:
    """The scopes a manager may report on: the whole provider and their own unit (key, label, Scope)."""
    if user.unit_id is None:
        return []
    unit = Unit.objects.select_related("provider").get(pk=user.unit_id)
    return [
        (f"provider-{unit.provider_id}", f"{unit.provider.name} (hela utföraren)", Scope(provider_id=unit.provider_id)),
        (
            f"unit-{unit.pk}",
            f"{unit.provider.name} – {unit.name}",
            Scope(provider_id=unit.provider_id, unit_id=unit.pk),
        ),
    ]


def scope_models(scope: Scope) -> tuple[Provider, Unit | None]:
    """The provider and unit rows of a scope the caller took from scope_choices_for_user."""
    if scope.provider_id is None:
        raise ValueError("scope_choices_for_user gives only scopes with a provider")
    provider = Provider.objects.get(pk=scope.provider_id)
    unit = Unit.objects.get(pk=scope.unit_id) if scope.unit_id else None
    return provider, unit


# Agreements ------------------------------------------------------------------------------------------------


def agreement_list_for_user(*, user: User) -> QuerySet[Agreement]:
    """Agreements in the manager's scope with their volumes (2 queries)."""
    return (
        _scoped(Agreement.objects.all(), user, "reporting.view_agreement")
        .select_related("provider", "unit")
        .prefetch_related(
            Prefetch("volumes", queryset=AgreedVolume.objects.select_related("insats_type").order_by("insats_type"))
        )
        .order_by("-ends_on", "name")
    )


def agreement_get_for_user(*, user: User, agreement_id: int) -> Agreement:
    """One agreement in the manager's scope, or 404."""
    agreement = agreement_list_for_user(user=user).filter(pk=agreement_id).first()
    if agreement is None:
        raise Http404
    return agreement


def agreement_reminders_for_user(*, user: User, today: datetime.date | None = None) -> list[Agreement]:
    """Agreements in scope whose renewal decision is due (from 12 months before the end) and not yet made."""
    today = today or timezone.localdate()
    candidates = (
        _scoped(Agreement.objects.all(), user, "reporting.view_agreement")
        .filter(renewal_decided_on__isnull=True, ends_on__gte=today)
        .select_related("provider", "unit")
        .order_by("ends_on")
    )
    # decision_on is derived from ends_on (months arithmetic), so the final check is on the few candidates
    return [agreement for agreement in candidates if agreement_decision_due(agreement, today)]


def agreement_for_period(*, scope: Scope, period: Period) -> Agreement | None:
    """The agreement that governs a scope in a period: the unit's own, else the provider-wide one."""
    if scope.provider_id is None:
        return None  # agreements are made with a provider
    overlapping = Agreement.objects.filter(
        provider_id=scope.provider_id, starts_on__lte=period.end, ends_on__gte=period.start
    ).prefetch_related("volumes")
    if scope.unit_id is not None:
        own = overlapping.filter(unit_id=scope.unit_id).order_by("-starts_on").first()
        if own is not None:
            return own
    return overlapping.filter(unit__isnull=True).order_by("-starts_on").first()


# Reports ---------------------------------------------------------------------------------------------------


def report_list_for_user(*, user: User) -> QuerySet[Report]:
    """Reports in the manager's scope with their versions (2 queries)."""
    return (
        _scoped(Report.objects.all(), user, "reporting.view_report")
        .select_related("provider", "unit")
        .prefetch_related(Prefetch("versions", queryset=ReportVersion.objects.order_by("-number")))
        .order_by("-period_end", "-period_start", "provider__name")
    )


def report_get_for_user(*, user: User, report_id: UUID) -> Report:
    """One report in scope with versions and commentary loaded, or 404."""
    report = (
        _scoped(Report.objects.all(), user, "reporting.view_report")
        .select_related("provider", "provider__municipality", "unit", "created_by")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ReportVersion.objects.select_related("finalised_by").order_by("-number"),
            ),
            Prefetch("versions__commentary", queryset=ReportCommentary.objects.order_by("section")),
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_version_get_for_user(*, user: User, report_id: UUID, number: int) -> ReportVersion:
    """One version of a report in scope, or 404."""
    version = (
        ReportVersion.objects.filter(report__in=_scoped(Report.objects.all(), user, "reporting.view_report"))
        .select_related("report", "report__provider", "report__unit")
        .filter(report_id=report_id, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def report_version_status(*, user: User, report_id: UUID) -> ReportVersion | None:
    """The newest version of a report in scope (for the progress display, 1 query), or 404."""
    if not _scoped(Report.objects.filter(pk=report_id), user, "reporting.view_report").exists():
        raise Http404
    return ReportVersion.objects.filter(report_id=report_id).select_related("report").order_by("-number").first()
