"""Beslut pages under the case (UUIDs of case and beslut), and the enhetschef's list under uppföljning."""

from django.urls import path

from decisions import views

urlpatterns = [
    path("arenden/<uuid:case_id>/beslut/nytt/", views.decision_create, name="decision_create"),
    path(
        "arenden/<uuid:case_id>/beslut/<uuid:decision_id>/verkstallighet/",
        views.decision_action,
        {"action": "execute"},
        name="decision_execute",
    ),
    path(
        "arenden/<uuid:case_id>/beslut/<uuid:decision_id>/avsluta/",
        views.decision_action,
        {"action": "end"},
        name="decision_end",
    ),
    path(
        "arenden/<uuid:case_id>/beslut/<uuid:decision_id>/drojsmal/",
        views.decision_action,
        {"action": "delay"},
        name="decision_delay",
    ),
    path(
        "arenden/<uuid:case_id>/beslut/<uuid:decision_id>/beslutsbrev/", views.decision_letter, name="decision_letter"
    ),
    path("uppfoljning/ej-verkstallda-beslut/", views.unexecuted_list, name="unexecuted_decisions"),
    path("uppfoljning/ej-verkstallda-beslut/ivo.csv", views.unexecuted_ivo_csv, name="unexecuted_decisions_ivo"),
    path("uppfoljning/ej-verkstallda-beslut/namnd.pdf", views.unexecuted_namnd_pdf, name="unexecuted_decisions_namnd"),
]
