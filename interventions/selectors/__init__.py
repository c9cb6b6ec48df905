"""Reads for insatser and plans, one module per insats (as interventions/models/). Cases and people are reached
only through cases.selectors, which apply the user's permissions (404 when not visible) and write the access log.

A read that a form's action needs (a case's ungdomstjänst or medling, the person of a short case) raises
ValidationError when it finds nothing, with the Swedish message the form shows."""

from interventions.selectors.aslan import (
    AslanGroupPage,
    aslan_cases_available,
    aslan_group_get_for_user,
    aslan_groups_for_user,
    aslan_parents_for,
)
from interventions.selectors.avhopp import (
    purchase_get,
    purchased_costs_per_year,
    reoffences_for_case,
)
from interventions.selectors.common import (
    case_for_insats,
    case_for_print,
    plan_get_for_user,
)
from interventions.selectors.community_service import (
    community_service_order_for_case,
    community_service_performed_hours,
    session_get,
)
from interventions.selectors.field_work import (
    area_effort_get_for_user,
    area_efforts_for_user,
    field_app_data,
    field_month_for_user,
    field_shift_figures,
    field_shift_get_for_user,
    field_shifts_for_user,
    field_totals,
    polare_fee_for,
    polare_night_get_for_user,
    polare_nights_for_user,
    polare_roster_for_user,
)
from interventions.selectors.insats_page import (
    CaseInsatsPanel,
    case_insats_panel,
)
from interventions.selectors.mediation import (
    mediation_for_case,
)
from interventions.selectors.my_cases import (
    HOME_PAGE_SIZE,
    HOME_TODO_LIMIT,
    KnownCountPaginator,
    MyCaseRow,
    MyCases,
    my_cases_for_user,
)
from interventions.selectors.planning import (
    OwnerPlanning,
    planning_for_user,
)
from interventions.selectors.plans import (
    ConsentProblem,
    PlanState,
    plan_detail,
    plan_states,
    plan_states_for_versions,
    plan_versions,
    plans_flag_scan,
)
from interventions.selectors.victim_support import (
    short_case_person,
)

__all__ = [
    "AslanGroupPage",
    "CaseInsatsPanel",
    "ConsentProblem",
    "HOME_PAGE_SIZE",
    "HOME_TODO_LIMIT",
    "KnownCountPaginator",
    "MyCaseRow",
    "MyCases",
    "OwnerPlanning",
    "PlanState",
    "area_effort_get_for_user",
    "area_efforts_for_user",
    "aslan_cases_available",
    "aslan_group_get_for_user",
    "aslan_groups_for_user",
    "aslan_parents_for",
    "case_for_insats",
    "case_for_print",
    "case_insats_panel",
    "community_service_order_for_case",
    "community_service_performed_hours",
    "field_shift_get_for_user",
    "field_shifts_for_user",
    "field_totals",
    "mediation_for_case",
    "my_cases_for_user",
    "plan_detail",
    "plan_get_for_user",
    "plan_states",
    "plan_states_for_versions",
    "plan_versions",
    "planning_for_user",
    "plans_flag_scan",
    "polare_fee_for",
    "field_app_data",
    "field_month_for_user",
    "field_shift_figures",
    "polare_night_get_for_user",
    "polare_nights_for_user",
    "polare_roster_for_user",
    "purchase_get",
    "purchased_costs_per_year",
    "reoffences_for_case",
    "session_get",
    "short_case_person",
]
