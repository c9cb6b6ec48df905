from django.urls import path

from records import views

urlpatterns = [
    # loggkontroll (enhetschef)
    path("loggkontroll/", views.accesslog_review, name="accesslog_review"),
    path("loggkontroll/export.csv", views.accesslog_export, name="accesslog_export"),
    path("loggkontroll/personer/<uuid:person_id>/", views.accesslog_person_extract, name="accesslog_person_extract"),
    # change history
    path("personer/<uuid:person_id>/historik/", views.person_history, name="person_history"),
    path("arenden/<uuid:case_id>/historik/", views.case_history, name="case_history"),
    # journalutskrift (aktinsyn, domstol)
    path("arenden/<uuid:case_id>/journalutskrift/", views.case_journal_print_view, name="case_journal_print"),
    # registerutdrag
    path(
        "personer/<uuid:person_id>/registerutdrag.json",
        views.person_extract,
        {"output": "json"},
        name="person_extract_json",
    ),
    path(
        "personer/<uuid:person_id>/registerutdrag.pdf",
        views.person_extract,
        {"output": "pdf"},
        name="person_extract_pdf",
    ),
    # sharing across units and skyddad identitet (enhetschef)
    path("arenden/<uuid:case_id>/delning/", views.case_sharing, name="case_sharing"),
    path(
        "personer/<uuid:person_id>/skyddad-identitet/",
        views.protected_identity_access,
        name="protected_identity_access",
    ),
    # gallring
    path("gallring/", views.retention_overview, name="retention_overview"),
    path("gallring/<int:run_id>/", views.retention_run_detail, name="retention_run_detail"),
]
