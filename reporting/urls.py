from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("siffror/", views.figures, name="figures"),
    path("rapporter/ny/", views.report_create, name="report_create"),
    path("rapporter/<uuid:report_id>/", views.report_detail, name="report_detail"),
    path("rapporter/<uuid:report_id>/status/", views.report_status, name="report_status"),
    path("rapporter/<uuid:report_id>/skapa/", views.report_generate, name="report_generate"),
    path("rapporter/<uuid:report_id>/kommentarer/", views.report_commentary, name="report_commentary"),
    path("rapporter/<uuid:report_id>/faststall/", views.report_finalise, name="report_finalise"),
    path("rapporter/<uuid:report_id>/ny-version/", views.report_new_version, name="report_new_version"),
    path("rapporter/<uuid:report_id>/v<int:number>/<str:kind>/", views.report_file, name="report_file"),
    path("overenskommelser/", views.agreement_list, name="agreement_list"),
    path("overenskommelser/ny/", views.agreement_create, name="agreement_create"),
    path("overenskommelser/<int:agreement_id>/", views.agreement_edit, name="agreement_edit"),
]
