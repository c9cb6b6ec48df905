"""factory_boy factories for the insatser and plans: records in a valid state, written straight to the
database. For setup only: a test about a write goes through its service (and its history row)."""

import datetime
from decimal import Decimal

import factory

from cases.models import InsatsCode, InsatsType
from consent.models import Actor
from interventions.models import (
    Activity,
    AreaEffort,
    AslanGroup,
    AslanMeeting,
    AslanParticipant,
    CommunityServiceOrder,
    CommunityServiceSession,
    CommunityServiceWorkplace,
    DefectorAssessment,
    FieldShift,
    FollowUp,
    Goal,
    Mediation,
    MediationMeeting,
    MediationParty,
    MeetingKind,
    PartyRole,
    Plan,
    PlanParticipant,
    PlanVersion,
    Polare,
    PolareNight,
    PurchasedService,
    PurchaseKind,
    Reoffence,
    ReoffenceKind,
    SkkAssignment,
    SkkOrderedBy,
    ThreatLevel,
    VictimSupport,
)
from tests.factories import CaseFactory, DistrictFactory, UnitFactory, UserFactory


def insats(code: InsatsCode) -> factory.LazyFunction:
    # the catalogue is reference data (data migration), so the factory looks it up instead of making one
    return factory.LazyFunction(lambda: InsatsType.objects.get(code=code))


def actor(code: str) -> factory.LazyFunction:
    return factory.LazyFunction(lambda: Actor.objects.get(code=code))


class InsatsCaseFactory(CaseFactory):
    """A case of the insats the record needs; service basis (a bistånd case needs a beslut before its insats)."""

    basis = "service"


# ---------------------------------------------------------------- ungdomstjänst


class CommunityServiceOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityServiceOrder

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.COMMUNITY_SERVICE))
    ordered_hours = 30
    judgment_on = datetime.date(2025, 3, 1)
    issued_by = "Linköpings tingsrätt"
    report_to = "Åklagarkammaren i Linköping"


class CommunityServiceWorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityServiceWorkplace

    order = factory.SubFactory(CommunityServiceOrderFactory)
    name = factory.Sequence(lambda n: f"Arbetsplats {n}")


class CommunityServiceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityServiceSession

    order = factory.SubFactory(CommunityServiceOrderFactory)
    workplace = factory.SubFactory(CommunityServiceWorkplaceFactory, order=factory.SelfAttribute("..order"))
    performed_on = datetime.date(2025, 3, 10)
    hours = Decimal("4.0")
    recorded_by = factory.SelfAttribute("order.case.handler")


# ---------------------------------------------------------------- medling


class MediationFactory(factory.django.DjangoModelFactory):
    """A mediation in preparation (no § 5 checks recorded, not started)."""

    class Meta:
        model = Mediation

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.MEDIATION))
    offence = "Skadegörelse"


class MediationPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediationParty

    mediation = factory.SubFactory(MediationFactory)
    role = PartyRole.VICTIM
    name = factory.Sequence(lambda n: f"Brottsoffer {n}")


class MediationMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediationMeeting

    mediation = factory.SubFactory(MediationFactory)
    kind = MeetingKind.MEDIATION
    held_on = datetime.date(2025, 4, 1)


# ---------------------------------------------------------------- stöd, SKK, ASLAN, avhopp


class VictimSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VictimSupport

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.VICTIM_SUPPORT))
    crime_type = "ran"
    crime_on = datetime.date(2025, 2, 20)
    reported_to_police = True


class SkkAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkkAssignment

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.SKK))
    contact_person = "Karin Kontakt"
    hours_per_month = Decimal("10.0")
    ordered_by = SkkOrderedBy.SOL
    decided_on = datetime.date(2025, 3, 1)


class AslanGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AslanGroup

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"ASLAN-grupp {n}")
    starts_on = datetime.date(2025, 9, 1)


class AslanParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AslanParticipant

    group = factory.SubFactory(AslanGroupFactory)
    case = factory.SubFactory(
        InsatsCaseFactory,
        insats_type=insats(InsatsCode.ASLAN),
        person__birth_date=datetime.date(2013, 6, 1),  # ASLAN takes children of 10–14
    )


class AslanMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AslanMeeting

    group = factory.SubFactory(AslanGroupFactory)
    held_on = datetime.date(2025, 9, 8)


class DefectorAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefectorAssessment

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.AVHOPP))
    assessed_on = datetime.date(2025, 3, 2)
    threat_level = ThreatLevel.LATENT
    motivated = True
    assessed_by = factory.SelfAttribute("case.handler")


class PurchasedServiceFactory(factory.django.DjangoModelFactory):
    """A placement priced for the whole period (`cost` equals `price`, as the service derives it)."""

    class Meta:
        model = PurchasedService

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.AVHOPP))
    kind = PurchaseKind.SHELTER
    provider = "Skyddat boende AB"
    starts_on = datetime.date(2025, 3, 10)
    price = Decimal("45000.00")
    cost = factory.SelfAttribute("price")
    recorded_by = factory.SelfAttribute("case.handler")


class ReoffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reoffence

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.SIG))
    noted_on = datetime.date(2025, 5, 1)
    kind = ReoffenceKind.POLICE_REPORT
    recorded_by = factory.SelfAttribute("case.handler")


# ---------------------------------------------------------------- genomförandeplan


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan on a SIG case with its current version 1 (`plan.versions.get()`), as plan_create leaves it."""

    class Meta:
        model = Plan
        skip_postgeneration_save = True  # the version row points at the plan; the plan itself is unchanged

    case = factory.SubFactory(InsatsCaseFactory, insats_type=insats(InsatsCode.SIG))
    coordinator = factory.SelfAttribute("case.handler")
    current_version = factory.RelatedFactory(
        "interventions.tests.factories.PlanVersionFactory",
        factory_related_name="plan",
        created_by=factory.SelfAttribute("..coordinator"),
    )


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory, current_version=None)
    number = 1
    created_by = factory.SelfAttribute("plan.coordinator")


class PlanParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanParticipant

    version = factory.SubFactory(PlanVersionFactory)
    actor = actor("skola")
    added_on = datetime.date(2025, 3, 5)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    version = factory.SubFactory(PlanVersionFactory)
    text = factory.Sequence(lambda n: f"Mål {n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    version = factory.SubFactory(PlanVersionFactory)
    what = "Besöka skolan"
    actor = actor("ungdomen")
    when = "i veckan"
    created_by = factory.SelfAttribute("version.created_by")


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A planned follow-up, not yet held."""

    class Meta:
        model = FollowUp

    version = factory.SubFactory(PlanVersionFactory)
    due_on = datetime.date(2025, 6, 1)


# ---------------------------------------------------------------- fältverksamhet


class FieldShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldShift
        skip_postgeneration_save = True

    recorded_by = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("recorded_by.unit")
    worked_on = datetime.date(2025, 3, 7)
    area = "Centrum"
    youths_met = 12
    youths_talked = 5

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create:
            self.staff.set(extracted or [self.recorded_by])


class PolareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Polare

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Polare {n}")
    birth_date = datetime.date(2008, 5, 1)
    service_started_on = datetime.date(2024, 9, 1)


class PolareNightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolareNight

    polare = factory.SubFactory(PolareFactory)
    worked_on = factory.Sequence(lambda n: datetime.date(2025, 3, 1) + datetime.timedelta(days=n))
    fee = Decimal("350.00")


class AreaEffortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaEffort

    created_by = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("created_by.unit")
    district = factory.SubFactory(DistrictFactory)
    reason = "Oro i området efter bränder"
    starts_on = datetime.date(2025, 4, 1)
    weeks = 4
    ends_on = factory.LazyAttribute(lambda effort: effort.starts_on + datetime.timedelta(weeks=effort.weeks))
