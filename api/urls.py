"""API routes: /api/v1/... (read-only), the OpenAPI schema and its docs page (Swagger UI, served locally
from drf-spectacular-sidecar), and a JSON 404 for anything else under /api/."""

from django.urls import path, re_path

from api import statistics, views
from api.exceptions import api_not_found

urlpatterns = [
    path("v1/people/", views.PersonListApi.as_view(), name="api_person_list"),
    path("v1/people/<uuid:person_id>/", views.PersonDetailApi.as_view(), name="api_person_detail"),
    path("v1/cases/", views.CaseListApi.as_view(), name="api_case_list"),
    path("v1/cases/<uuid:case_id>/", views.CaseDetailApi.as_view(), name="api_case_detail"),
    path("v1/statistics/cases/", statistics.CaseStatisticsApi.as_view(), name="api_statistics_cases"),
    path("v1/statistics/agreements/", statistics.AgreementStatisticsApi.as_view(), name="api_statistics_agreements"),
    path("v1/statistics/field-work/", statistics.FieldWorkStatisticsApi.as_view(), name="api_statistics_field_work"),
    path("schema/", views.ApiSchemaView.as_view(), name="api_schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^[\s\S]*$", api_not_found, name="api_not_found"),  # any character, a line break (%0A) too
]
