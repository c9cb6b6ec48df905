"""Who may call which part of the API, and which data a caller's statistics cover.

- Statistics: a token with the statistics scope, or a logged-in enhetschef / statistik user.
- Case level: a token with the case scope whose user may see cases, or a logged-in user who may see cases.
  Rows then come from cases.selectors for that user (404 for anything not visible), further limited to
  the token's municipality or provider.
A token of one scope never reaches the other scope's endpoints (403).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from api.models import ApiToken, TokenScope
from cases.models import Case, Person
from core.models import Role
from reporting.figures import Scope

STATISTICS_ROLES = (Role.STATISTICS, Role.MANAGER)


def request_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class StatisticsAccess(BasePermission):
    message = _("Du har inte behörighet att hämta statistik.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        token = request_token(request)
        if token is not None:
            return token.scope == TokenScope.STATISTICS
        return user.is_superuser or any(user.has_role(role) for role in STATISTICS_ROLES)


class CaseAccess(BasePermission):
    message = _("Du har inte behörighet att läsa personer och ärenden via API:t.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        token = request_token(request)
        if token is not None and token.scope != TokenScope.CASES:
            return False
        return user.has_perm("cases.view_case") and user.has_perm("cases.view_person")


def statistics_scope(request) -> Scope:
    """The cases a statistics caller's figures cover: the token's municipality/provider; for staff the
    provider of their unit; for a superuser or a statistik user without unit, every case."""
    token = request_token(request)
    if token is not None:
        return Scope(provider_id=token.provider_id, municipality_id=token.municipality_id)
    user = request.user
    if user.is_superuser or user.unit_id is None:
        return Scope()
    return Scope(provider_id=user.unit.provider_id)


def limit_cases(queryset: QuerySet[Case], request) -> QuerySet[Case]:
    """Cases already visible to the user, limited to the token's municipality or provider."""
    token = request_token(request)
    if token is None:
        return queryset
    if token.provider_id:
        queryset = queryset.filter(unit__provider_id=token.provider_id)
    if token.municipality_id:
        queryset = queryset.filter(unit__provider__municipality_id=token.municipality_id)
    return queryset


def limit_people(queryset: QuerySet[Person], visible_cases: QuerySet[Case], request) -> QuerySet[Person]:
    """People already visible to the user, limited to those registered by a unit of the token's
    municipality/provider or with a visible case there."""
    token = request_token(request)
    if token is None:
        return queryset
    registered = Q()
    if token.provider_id:
        registered &= Q(unit__provider_id=token.provider_id)
    if token.municipality_id:
        registered &= Q(unit__provider__municipality_id=token.municipality_id)
    cases_there = limit_cases(visible_cases, request).filter(person_id=OuterRef("pk"))
    return queryset.filter(registered | Exists(cases_there))
