"""Case-work pages. Public ids only: UUIDs for people and cases, integer ids for entries within a case."""

from django.urls import path

from cases import import_views, views

urlpatterns = [
    path("import/", import_views.cases_import_page, name="cases_import"),
    path("import/mall.xlsx", import_views.cases_import_template, name="cases_import_template"),
    path("sok/", views.person_search, name="person_search"),
    path("personer/ny/", views.person_register, name="person_register"),
    path("personer/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("personer/<uuid:person_id>/andra/", views.person_edit, name="person_edit"),
    path("personer/<uuid:person_id>/be-om-behorighet/", views.person_identity_request, name="person_identity_request"),
    path("personer/<uuid:person_id>/vardnadshavare/ny/", views.custodian_add, name="custodian_add"),
    path(
        "personer/<uuid:person_id>/vardnadshavare/<int:custodian_id>/andra/",
        views.custodian_edit,
        name="custodian_edit",
    ),
    path(
        "personer/<uuid:person_id>/vardnadshavare/<int:custodian_id>/avsluta/",
        views.custodian_end,
        name="custodian_end",
    ),
    path("personer/<uuid:person_id>/nytt-arende/", views.case_open, name="case_open"),
    path("arenden/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("arenden/<uuid:case_id>/anteckningar/", views.entry_create, name="entry_create"),
    path("arenden/<uuid:case_id>/anteckningar/<int:entry_id>/andra/", views.entry_edit, name="entry_edit"),
    path("arenden/<uuid:case_id>/anteckningar/<int:entry_id>/signera/", views.entry_sign, name="entry_sign"),
    path("arenden/<uuid:case_id>/anteckningar/<int:entry_id>/ta-bort/", views.entry_delete, name="entry_delete"),
    path("arenden/<uuid:case_id>/anteckningar/<int:entry_id>/ratta/", views.entry_correct, name="entry_correct"),
    path("arenden/<uuid:case_id>/uppfoljning/", views.case_follow_up, name="case_follow_up"),
    path("arenden/<uuid:case_id>/avsluta/", views.case_close, name="case_close"),
    path("arenden/<uuid:case_id>/handlaggare/", views.case_reassign, name="case_reassign"),
]
