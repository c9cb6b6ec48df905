"""Query filters of the case-level endpoints (django-filter). Typed and bounded so that a bad value is a
400 with a Swedish message, never a database error."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cases.identity import Gender
from cases.models import Basis, Case, InsatsCode, Person
from cases.selectors import identity_visible_q

MAX_ID = 2**31 - 1
# The insats catalogue (data migration cases 0002); api/tests check that it matches the database.
INSATS_CODES = tuple(InsatsCode.values)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.DATE)
class DayFilter(django_filters.DateFilter):
    pass


class PersonFilter(django_filters.FilterSet):
    district = IdFilter(method="filter_district", help_text=_("Område (id)."))
    unit = IdFilter(field_name="unit_id", help_text=_("Registrerad av enhet (id)."))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, help_text=_("Kön."))

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_district(self, queryset, name, value):
        # the district is masked with a protected identity: such a person never matches a district filter
        return queryset.filter(identity_visible_q(self.request.user), district_id=value)


class CaseFilter(django_filters.FilterSet):
    insats = django_filters.ChoiceFilter(
        field_name="insats_type__code", choices=[(code, code) for code in INSATS_CODES], help_text=_("Insats (kod).")
    )
    unit = IdFilter(field_name="unit_id", help_text=_("Enhet (id)."))
    basis = django_filters.ChoiceFilter(choices=Basis.choices, help_text=_("Grund: bistånd eller service."))
    status = django_filters.ChoiceFilter(
        method="filter_status",
        choices=[("open", _("Pågående")), ("closed", _("Avslutade"))],
        help_text=_("Pågående eller avslutade ärenden."),
    )
    opened_from = DayFilter(field_name="opened_on", lookup_expr="gte", help_text=_("Aktualiserat tidigast."))
    opened_to = DayFilter(field_name="opened_on", lookup_expr="lte", help_text=_("Aktualiserat senast."))
    closed_from = DayFilter(field_name="closed_on", lookup_expr="gte", help_text=_("Avslutat tidigast."))
    closed_to = DayFilter(field_name="closed_on", lookup_expr="lte", help_text=_("Avslutat senast."))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset
