from django.urls import path

from cases import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("import/", import_views.cases_import_page, name="cases_import"),
    path("sok/", views.person_search, name="person_search"),
    path("personer/ny/", views.person_register, name="person_register"),
    path("arenden/<uuid:case_id>/", views.case_detail, name="case_detail"),
]
