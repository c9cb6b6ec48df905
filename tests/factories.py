"""factory_boy factories shared by every app's tests.

Each factory names its model (DjangoModelFactory[Model]), so `XFactory.create(...)` is typed as the model; the
shorter `XFactory(...)` is the same call to the tests but mypy reads it as the factory class."""

import datetime

import factory
from django.contrib.auth.models import Group

from cases.identity import IdKind
from cases.models import Case, Custodian, InsatsType, JournalEntry, Person
from cases.rules import case_number_format
from core.models import District, Municipality, Provider, Role, Unit, User
from devdata.identity import personnummer as personnummer_for  # the tests' name for it


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    name = "Linköpings kommun"
    code = "0580"


class ProviderFactory(factory.django.DjangoModelFactory[Provider]):
    class Meta:
        model = Provider
        django_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Råd och stöd"


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District
        django_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    name = "Skäggetorp"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Handläggare{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password("demo-losen-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        role = extracted or Role.SOCIAL_WORKER
        if create and role:
            self.groups.add(Group.objects.get(name=role))


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    id_kind = IdKind.PERSONNUMMER
    birth_date = datetime.date(2009, 4, 12)
    # serials 200–999: tests pick numbers of their own on this birth date with serials below 200 (an import
    # row, a registration), which a factory person made earlier in the run must never already hold
    id_number = factory.Sequence(lambda n: personnummer_for(datetime.date(2009, 4, 12), 200 + n % 800))
    first_name = "Elin"
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    gender = "flicka"
    unit = factory.SubFactory(UnitFactory)


class CustodianFactory(factory.django.DjangoModelFactory[Custodian]):
    class Meta:
        model = Custodian

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Vårdnadshavare {n}")
    relation = "förälder"


class CaseFactory(factory.django.DjangoModelFactory[Case]):
    class Meta:
        model = Case

    # far above what case_open hands out in tests, so factory cases and opened cases never share a number
    number = factory.Sequence(lambda n: case_number_format(year=2025, serial=90000 + n))
    person = factory.SubFactory(PersonFactory)
    insats_type = factory.LazyFunction(lambda: InsatsType.objects.get(code="ungdomstjanst"))
    handler = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("handler.unit")
    referral_source = "polis"
    basis = "bistand"
    opened_on = datetime.date(2025, 3, 1)


class JournalEntryFactory(factory.django.DjangoModelFactory[JournalEntry]):
    class Meta:
        model = JournalEntry

    case = factory.SubFactory(CaseFactory)
    kind = "samtal"
    occurred_on = datetime.date(2025, 3, 5)
    text = "Samtal med ungdomen om upplägget."
    author = factory.SelfAttribute("case.handler")
