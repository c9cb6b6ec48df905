"""Insatser, plans and field work. Public ids only: UUIDs for cases and plans; integer ids for unit-level
records (ASLAN groups) that are looked up within the user's unit."""

from django.urls import path

from interventions import views

app_name = "interventions"

urlpatterns = [
    path("arende/<uuid:case_id>/", views.case_insats, name="case"),
    path("arende/<uuid:case_id>/ungdomstjanst.pdf", views.community_service_pdf, name="community_service_pdf"),
    path("arende/<uuid:case_id>/medling.pdf", views.mediation_pdf, name="mediation_pdf"),
    path("arende/<uuid:case_id>/<slug:action>/", views.case_action, name="case_action"),
    path("arende/<uuid:case_id>/rad/<slug:kind>/<int:row_id>/", views.case_row, name="case_row"),
    path("plan/<uuid:plan_id>/", views.plan_detail, name="plan"),
    path("plan/<uuid:plan_id>/version/<int:number>/", views.plan_detail, name="plan_version"),
    path("plan/<uuid:plan_id>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plan/<uuid:plan_id>/<slug:action>/", views.plan_action, name="plan_action"),
    path("planering/", views.planning, name="planning"),
    path("arendebelastning/", views.caseload, name="caseload"),
    path("stod/kort-arende/", views.short_case, name="short_case"),
    path("avhopp/kostnader/", views.avhopp_costs, name="avhopp_costs"),
    path("aslan/", views.aslan_groups, name="aslan_groups"),
    path("aslan/<int:group_id>/", views.aslan_group, name="aslan_group"),
    path("falt/", views.field_shifts, name="field_shifts"),
    path("falt/polare/", views.polare_roster, name="polare"),
    path("falt/omradesinsatser/", views.area_efforts, name="area_efforts"),
    path("falt/rad/<slug:kind>/<int:row_id>/", views.unit_row, name="unit_row"),
]
