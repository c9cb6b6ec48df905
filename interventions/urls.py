"""Insatser, plans and field work. Public ids only: UUIDs for cases and plans; integer ids for unit-level
records (ASLAN groups) that are looked up within the user's unit."""

from django.urls import path

from interventions.views import aslan, avhopp, field_work, insats_page, planning, plans, reports, rows, victim_support

app_name = "interventions"

urlpatterns = [
    path("arende/<uuid:case_id>/", insats_page.insats_page, name="case"),
    path("arende/<uuid:case_id>/ungdomstjanst.pdf", reports.community_service_pdf, name="community_service_pdf"),
    path("arende/<uuid:case_id>/medling.pdf", reports.mediation_pdf, name="mediation_pdf"),
    path("arende/<uuid:case_id>/<slug:action>/", insats_page.insats_page_action, name="case_action"),
    path("arende/<uuid:case_id>/rad/<slug:kind>/<int:row_id>/", rows.case_row, name="case_row"),
    path("plan/<uuid:plan_id>/", plans.plan_detail, name="plan"),
    path("plan/<uuid:plan_id>/version/<int:number>/", plans.plan_detail, name="plan_version"),
    path("plan/<uuid:plan_id>/plan.pdf", plans.plan_pdf, name="plan_pdf"),
    path("plan/<uuid:plan_id>/<slug:action>/", plans.plan_action, name="plan_action"),
    path("planering/", planning.planning, name="planning"),
    path("arendebelastning/", planning.caseload, name="caseload"),
    path("stod/kort-arende/", victim_support.short_case, name="short_case"),
    path("avhopp/kostnader/", avhopp.avhopp_costs, name="avhopp_costs"),
    path("aslan/", aslan.aslan_groups, name="aslan_groups"),
    path("aslan/<int:group_id>/", aslan.aslan_group, name="aslan_group"),
    path("falt/", field_work.field_shifts, name="field_shifts"),
    path("falt/polare/", field_work.polare_roster, name="polare"),
    path("falt/manad/", field_work.field_month, name="field_month"),
    path("falt/omradesinsatser/", field_work.area_efforts, name="area_efforts"),
    path("falt/rad/<slug:kind>/<int:row_id>/", rows.unit_row, name="unit_row"),
    path("falt/app/", field_work.field_app, name="field_app"),
    path("falt/app/skicka/", field_work.field_app_sync, name="field_app_sync"),
    path("falt/app/sw.js", field_work.field_app_service_worker, name="field_app_sw"),
]
