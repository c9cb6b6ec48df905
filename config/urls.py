from django.contrib import admin
from django.urls import include, path

from config import health
from interventions.views import home

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("core.urls")),
    path("", include("records.urls")),
    # Mina ärenden: the cases app's home page, served by interventions because it shows the to-do list
    # (plans, medlingar, consents), which the cases app may not import
    path("", home, name="home"),
    path("", include("cases.urls")),
    path("", include("decisions.urls")),
    path("insatser/", include("interventions.urls")),
    path("uppfoljning/", include("reporting.urls")),
    path("akt/", include("documents.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
