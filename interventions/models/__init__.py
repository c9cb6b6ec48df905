"""Insatser: the details each intervention type needs, genomförandeplaner, and field work.

Per-insats details hang off cases.Case (one-to-one where a case has one order, many-to-one for
repeated records). Field work (fältverksamhet) has no individual cases and hangs off a unit.
Records that belong to a case cascade with it so that gallring of a case removes them too.
Writes go through interventions.services; reads through interventions.selectors.

One module per insats (and one for plans, one for field work); this package imports them all so that
`interventions.models.X` and the app registry see every model.
"""

from interventions.models.aslan import (
    AslanAttendance,
    AslanGroup,
    AslanMeeting,
    AslanParticipant,
)
from interventions.models.avhopp import (
    DefectorAssessment,
    PriceUnit,
    PurchasedService,
    PurchaseKind,
    ThreatLevel,
)
from interventions.models.community_service import (
    CS_MAX_HOURS,
    CS_MIN_HOURS,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceStatus,
    CommunityServiceWorkplace,
)
from interventions.models.field_work import (
    AreaEffort,
    AreaEffortExtension,
    FieldEvent,
    FieldEventKind,
    FieldLogEntry,
    FieldShift,
    Polare,
    PolareFeeRate,
    PolareNight,
    PolareNightStatus,
)
from interventions.models.mediation import (
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationOutcome,
    MediationParty,
    MediationStatus,
    MeetingKind,
    PartyRole,
)
from interventions.models.plans import (
    Activity,
    Attainment,
    FollowUp,
    Goal,
    GoalAttainment,
    Plan,
    PlanAgreement,
    PlanParticipant,
    PlanVersion,
)
from interventions.models.reoffence import (
    Reoffence,
    ReoffenceKind,
)
from interventions.models.skk import (
    SkkAssignment,
    SkkOrderedBy,
)
from interventions.models.victim_support import (
    CrimeType,
    VictimSupport,
)

__all__ = [
    "CommunityServiceStatus",
    "CommunityServiceOrder",
    "CommunityServiceWorkplace",
    "CommunityServiceSession",
    "CS_MIN_HOURS",
    "CS_MAX_HOURS",
    "MediationStatus",
    "MediationOutcome",
    "Mediation",
    "PartyRole",
    "MediationParty",
    "MediationConsultation",
    "MeetingKind",
    "MediationMeeting",
    "CrimeType",
    "VictimSupport",
    "SkkOrderedBy",
    "SkkAssignment",
    "AslanGroup",
    "AslanParticipant",
    "AslanMeeting",
    "AslanAttendance",
    "ThreatLevel",
    "DefectorAssessment",
    "PriceUnit",
    "PurchaseKind",
    "PurchasedService",
    "ReoffenceKind",
    "Reoffence",
    "FieldShift",
    "PolareFeeRate",
    "Polare",
    "PolareNight",
    "PolareNightStatus",
    "FieldEvent",
    "FieldEventKind",
    "FieldLogEntry",
    "AreaEffort",
    "AreaEffortExtension",
    "Plan",
    "PlanVersion",
    "PlanParticipant",
    "Goal",
    "Activity",
    "PlanAgreement",
    "FollowUp",
    "Attainment",
    "GoalAttainment",
]
