"""Forms for insatser and plans, one module per insats: they parse input only; the rules live in the services.
Consent and utlämnande forms, and the case-bound form base, are consent.forms.
"""

from interventions.forms.aslan import (
    AslanGroupForm,
    AslanMeetingForm,
    AslanParticipantForm,
)
from interventions.forms.avhopp import (
    DefectorAssessmentForm,
    PurchaseCorrectForm,
    PurchaseForm,
    ReoffenceForm,
)
from interventions.forms.common import (
    CorrectionForm,
    DuplicateConfirmForm,
    RemoveForm,
)
from interventions.forms.community_service import (
    CommunityServiceAssessmentForm,
    CommunityServiceEndForm,
    CommunityServiceForm,
    SessionCorrectForm,
    SessionForm,
    WorkplaceForm,
)
from interventions.forms.field_work import (
    AreaEffortCorrectForm,
    AreaEffortExtendForm,
    AreaEffortForm,
    FieldShiftCorrectForm,
    FieldShiftForm,
    PolareForm,
    PolareNightCorrectForm,
    PolareNightForm,
    PolareNightStatusForm,
    area_effort_extend_form,
)
from interventions.forms.mediation import (
    ChecksForm,
    ConsultationForm,
    MediationEndForm,
    MediationForm,
    MediationMeetingForm,
    PartyForm,
    StartForm,
)
from interventions.forms.plans import (
    ActivityDoneForm,
    ActivityForm,
    AgreementForm,
    FollowUpRecordForm,
    FollowUpScheduleForm,
    GoalForm,
    ParticipantForm,
    PlanBuildForm,
    PlanCreateForm,
    PlanEditForm,
    ReviseForm,
    TrainerForm,
)
from interventions.forms.reports import (
    ReportForm,
)
from interventions.forms.skk import (
    SkkForm,
)
from interventions.forms.victim_support import (
    ShortCaseForm,
    VictimSupportForm,
)

__all__ = [
    "ActivityDoneForm",
    "ActivityForm",
    "AgreementForm",
    "AreaEffortCorrectForm",
    "AreaEffortExtendForm",
    "AreaEffortForm",
    "AslanGroupForm",
    "AslanMeetingForm",
    "AslanParticipantForm",
    "ChecksForm",
    "CommunityServiceAssessmentForm",
    "CommunityServiceEndForm",
    "CommunityServiceForm",
    "ConsultationForm",
    "CorrectionForm",
    "DefectorAssessmentForm",
    "DuplicateConfirmForm",
    "FieldShiftCorrectForm",
    "FieldShiftForm",
    "FollowUpRecordForm",
    "FollowUpScheduleForm",
    "GoalForm",
    "MediationEndForm",
    "MediationForm",
    "MediationMeetingForm",
    "ParticipantForm",
    "PartyForm",
    "PlanBuildForm",
    "PlanCreateForm",
    "PlanEditForm",
    "PolareForm",
    "PolareNightCorrectForm",
    "PolareNightForm",
    "PolareNightStatusForm",
    "PurchaseCorrectForm",
    "PurchaseForm",
    "RemoveForm",
    "ReoffenceForm",
    "ReportForm",
    "ReviseForm",
    "SessionCorrectForm",
    "SessionForm",
    "ShortCaseForm",
    "SkkForm",
    "StartForm",
    "TrainerForm",
    "VictimSupportForm",
    "WorkplaceForm",
    "area_effort_extend_form",
]
