from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("", include("core.urls")),
    path("", include("records.urls")),
    path("", include("cases.urls")),
    path("insatser/", include("interventions.urls")),
    path("uppfoljning/", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
