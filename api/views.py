"""Case-level endpoints for authorised staff integrations: people and cases the caller may see.

Every read goes through cases.selectors (the caller's permissions), is limited to the token's
municipality/provider, masks skyddad identitet through Person.display_*, and writes one access-log row
per person shown (action "api"). Anything not visible is a 404.
"""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.authentication import ApiTokenAuthentication
from api.filters import CaseFilter, PersonFilter
from api.pagination import ApiPagination
from api.permissions import CaseAccess, limit_cases, limit_people
from api.schema import ApiAutoSchema
from api.serializers import ApiCaseSerializer, ApiPersonDetailSerializer, ApiPersonSerializer
from api.throttling import ApiClientThrottle
from cases.selectors import case_queryset_for_user, mark_identity_visibility, person_queryset_for_user
from core.access_log import Seen, access_log_record
from core.models import AccessAction


class ApiView(GenericAPIView):
    """Read-only API view: token or session authentication, per-client throttling, the error schema."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    throttle_classes = [ApiClientThrottle]
    http_method_names = ["get", "head", "options"]
    schema = ApiAutoSchema()

    def reject_blank_parameters(self, names) -> None:
        """`?basis=` is an error, not "no filter": a parameter is either left out or given a value."""
        blank = {
            name: [_("Ange ett värde eller utelämna parametern.")]
            for name in names
            if name in self.request.query_params and self.request.query_params.get(name, "").strip() == ""
        }
        if blank:
            raise ValidationError(blank)

    def filter_queryset(self, queryset):
        self.reject_blank_parameters([*self.filterset_class.base_filters, "page", "page_size"])
        return super().filter_queryset(queryset)


def _log(request, rows, what: str) -> None:
    access_log_record(
        user=request.user,
        request=request,
        action=AccessAction.API,
        what=what,
        seen=[
            Seen(
                person_id=person.pk,
                case_id=case.pk if case is not None else None,
                protected_identity=person.is_protected and person.identity_visible,
            )
            for person, case in rows
        ],
    )


class CaseApiView(ApiView):
    access_policy = "api_token"
    permission_classes = [CaseAccess]

    def visible_cases(self):
        return limit_cases(case_queryset_for_user(self.request.user), self.request)

    def visible_people(self):
        user = self.request.user
        return limit_people(person_queryset_for_user(user), case_queryset_for_user(user), self.request)


class PersonListApi(CaseApiView):
    serializer_class = ApiPersonSerializer
    filterset_class = PersonFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = ApiPagination

    def get_queryset(self):
        # ordered by registration, not by name, so a masked row's position reveals nothing about the name
        return self.visible_people().select_related("district", "unit").order_by("created_at", "id")

    @extend_schema(
        summary="Personer som anroparen får se",
        operation_id="people_list",
        responses=ApiPersonSerializer(many=True),
        tags=["ärendenivå"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        mark_identity_visibility(request.user, page)
        _log(request, [(person, None) for person in page], "api_person_list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PersonDetailApi(CaseApiView):
    serializer_class = ApiPersonDetailSerializer

    @extend_schema(summary="En person", operation_id="people_detail", tags=["ärendenivå"])
    def get(self, request, person_id: UUID):
        person = self.visible_people().select_related("district", "unit").filter(pk=person_id).first()
        if person is None:
            raise Http404
        person.api_cases = list(self.visible_cases().filter(person=person).only("id", "number").order_by("number"))
        mark_identity_visibility(request.user, [person])
        _log(request, [(person, None)], "api_person")
        return Response(self.get_serializer(person).data)


class CaseListApi(CaseApiView):
    serializer_class = ApiCaseSerializer
    filterset_class = CaseFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = ApiPagination

    def get_queryset(self):
        return (
            self.visible_cases()
            .select_related("person", "insats_type", "unit", "handler")
            .order_by("-opened_on", "-number")
        )

    @extend_schema(
        summary="Ärenden som anroparen får se",
        operation_id="cases_list",
        responses=ApiCaseSerializer(many=True),
        tags=["ärendenivå"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        mark_identity_visibility(request.user, [case.person for case in page])
        _log(request, [(case.person, case) for case in page], "api_case_list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CaseDetailApi(CaseApiView):
    serializer_class = ApiCaseSerializer

    @extend_schema(summary="Ett ärende", operation_id="cases_detail", tags=["ärendenivå"])
    def get(self, request, case_id: UUID):
        case = (
            self.visible_cases().select_related("person", "insats_type", "unit", "handler").filter(pk=case_id).first()
        )
        if case is None:
            raise Http404
        mark_identity_visibility(request.user, [case.person])
        _log(request, [(case.person, case)], "api_case")
        return Response(self.get_serializer(case).data)


class ApiSchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ?format=json for JSON). Describes the API, holds no data."""

    access_policy = "public"


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files (no CDN). The split view serves the start-up
    script as its own same-origin file (?script) and our template has no inline style, so the page runs
    under the strict Content-Security-Policy."""

    access_policy = "public"
    template_name = "api/swagger_ui.html"
