from django.urls import path

from cases import views

urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.person_search, name="person_search"),
    path("personer/ny/", views.person_register, name="person_register"),
    path("arenden/<uuid:case_id>/", views.case_detail, name="case_detail"),
]
