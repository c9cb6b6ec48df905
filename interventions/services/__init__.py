"""Writes for insatser and genomförandeplaner, one module per insats (as interventions/models/): one entry point per
action, atomic and validated, with its change-history row in the same transaction.

Callers have fetched the case (or plan) through a selector that applies the user's permissions.
Errors are django.core.exceptions.ValidationError with Swedish messages keyed by form field.
Consent is enforced with consent.selectors.sharing_decision, the one consent rule. Helpers shared by the
modules are in services/common.py (not re-exported here); pure rules in interventions/rules.py.
"""

from interventions.services.aslan import (
    ASLAN_MAX_AGE,
    ASLAN_MIN_AGE,
    aslan_group_create,
    aslan_meeting_record,
    aslan_participant_add,
)
from interventions.services.avhopp import (
    defector_assess,
    purchased_service_add,
    purchased_service_correct,
    purchased_service_remove,
    reoffence_record,
)
from interventions.services.community_service import (
    community_service_assessment_set,
    community_service_end,
    community_service_session_add,
    community_service_session_correct,
    community_service_session_remove,
    community_service_set,
    community_service_workplace_add,
)
from interventions.services.field_work import (
    AREA_EFFORT_MAX_WEEKS,
    area_effort_correct,
    area_effort_extend,
    area_effort_remove,
    area_effort_start,
    field_log_sync,
    field_shift_correct,
    field_shift_record,
    field_shift_remove,
    polare_add,
    polare_night_book,
    polare_night_correct,
    polare_night_remove,
    polare_night_set_status,
)
from interventions.services.mediation import (
    mediation_checks_record,
    mediation_consultation_add,
    mediation_end,
    mediation_meeting_add,
    mediation_party_add,
    mediation_set,
    mediation_start,
)
from interventions.services.plans import (
    consent_block_message,
    plan_activity_add,
    plan_activity_done,
    plan_agreement_record,
    plan_build,
    plan_consent_flags_record,
    plan_create,
    plan_follow_up_record,
    plan_follow_up_schedule,
    plan_goal_add,
    plan_participant_add,
    plan_revise,
    plan_trainer_assign,
    plan_update,
)
from interventions.services.reports import (
    REPORT_DEFAULT_BASIS,
    REPORT_RECIPIENTS,
    insats_report_disclose,
)
from interventions.services.skk import (
    skk_set,
)
from interventions.services.victim_support import (
    ContactData,
    NewPersonData,
    victim_support_set,
    victim_support_short_case,
)

__all__ = [
    "AREA_EFFORT_MAX_WEEKS",
    "ASLAN_MAX_AGE",
    "ASLAN_MIN_AGE",
    "ContactData",
    "NewPersonData",
    "REPORT_DEFAULT_BASIS",
    "REPORT_RECIPIENTS",
    "area_effort_correct",
    "area_effort_extend",
    "area_effort_remove",
    "area_effort_start",
    "aslan_group_create",
    "aslan_meeting_record",
    "aslan_participant_add",
    "community_service_assessment_set",
    "community_service_end",
    "community_service_session_add",
    "community_service_session_correct",
    "community_service_session_remove",
    "community_service_set",
    "community_service_workplace_add",
    "consent_block_message",
    "defector_assess",
    "field_shift_correct",
    "field_shift_record",
    "field_shift_remove",
    "insats_report_disclose",
    "mediation_checks_record",
    "mediation_consultation_add",
    "mediation_end",
    "mediation_meeting_add",
    "mediation_party_add",
    "mediation_set",
    "mediation_start",
    "plan_activity_add",
    "plan_activity_done",
    "plan_agreement_record",
    "plan_consent_flags_record",
    "plan_create",
    "plan_follow_up_record",
    "plan_follow_up_schedule",
    "plan_build",
    "plan_goal_add",
    "plan_participant_add",
    "plan_revise",
    "plan_trainer_assign",
    "plan_update",
    "polare_add",
    "polare_night_book",
    "polare_night_correct",
    "polare_night_remove",
    "polare_night_set_status",
    "field_log_sync",
    "purchased_service_add",
    "purchased_service_correct",
    "purchased_service_remove",
    "reoffence_record",
    "skk_set",
    "victim_support_set",
    "victim_support_short_case",
]
