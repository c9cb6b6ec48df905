"""Hand-built datasets for the follow-up figures, bulk-created (hundreds of rows in a few queries)."""

import datetime
import random
from dataclasses import dataclass

from cases.models import Case, InsatsType, Person
from core.models import District, Unit, User


@dataclass
class CaseSpec:
    insats: str
    opened_on: datetime.date
    closed_on: datetime.date | None = None
    closure_reason: str = ""
    basis: str = "bistand"
    district: str | None = "Skäggetorp"
    gender: str = "pojke"
    birth_date: datetime.date = datetime.date(2001, 6, 15)


_serial = iter(range(10**6))


def build_cases(*, unit: Unit, handler: User, specs: list[CaseSpec], prefix: str = "T") -> list[Case]:
    """One person per case; districts created on demand in the unit's municipality."""
    municipality = unit.provider.municipality
    district_names = {spec.district for spec in specs if spec.district}
    districts = {
        name: District.objects.get_or_create(municipality=municipality, name=name)[0] for name in district_names
    }
    insatser = {insats.code: insats for insats in InsatsType.objects.all()}
    people = []
    for spec in specs:
        serial = next(_serial)
        people.append(
            Person(
                id_kind="personnummer",
                id_number=f"{spec.birth_date:%Y%m%d}{serial % 10000:04d}",
                first_name="Test",
                last_name=f"Person{serial}",
                birth_date=spec.birth_date,
                gender=spec.gender,
                district=districts.get(spec.district) if spec.district is not None else None,
                unit=unit,
            )
        )
    people = Person.objects.bulk_create(people)
    cases = [
        Case(
            number=f"{prefix}{spec.opened_on.year}-{index:05d}-{next(_serial)}",
            person=person,
            insats_type=insatser[spec.insats],
            unit=unit,
            handler=handler,
            referral_source="polis",
            basis=spec.basis,
            opened_on=spec.opened_on,
            closed_on=spec.closed_on,
            closure_reason=spec.closure_reason if spec.closed_on else "",
        )
        for index, (spec, person) in enumerate(zip(specs, people, strict=True))
    ]
    return Case.objects.bulk_create(cases)


def _day(year: int, index: int) -> datetime.date:
    """Spread rows over the year deterministically."""
    return datetime.date(year, 1, 1) + datetime.timedelta(days=(index * 7) % 360)


# Seed 000: "Jan-dec 2016 ... 353 nya ärenden (bistånd och service) ... avslutade 268 st och 4 st ärenden
# avslutades oplanerat ... Ca 30 % av de aktuella ungdomarna var från Skäggetorp, åtföljt av Berga och Ryd."
SEED_2016_NEW_BY_INSATS = {"stod_brottsutsatta": 290, "ungdomstjanst": 25, "medling": 18, "skk": 10, "aslan": 10}
SEED_2016_DISTRICTS = [  # persons with a case active in 2016: 383 (353 new + 30 carried over from 2015)
    ("Skäggetorp", 115),
    ("Berga", 80),
    ("Ryd", 60),
    ("Vidingsjö", 45),
    ("Lambohov", 40),
    ("Tannefors", 38),
    ("Johannelund", 3),  # a small cell: shown as "<5"
    (None, 2),  # district not recorded
]


def seed_2016_specs() -> list[CaseSpec]:
    """353 cases opened in 2016 and 30 opened in 2015 and closed in 2016: 268 closed, 4 unplanned."""
    districts = [name for name, count in SEED_2016_DISTRICTS for _ in range(count)]
    specs: list[CaseSpec] = []
    index = 0
    for insats, count in SEED_2016_NEW_BY_INSATS.items():
        for _ in range(count):
            specs.append(
                CaseSpec(
                    insats=insats,
                    opened_on=_day(2016, index),
                    basis="service" if insats == "stod_brottsutsatta" and index % 3 == 0 else "bistand",
                    gender="flicka" if index % 5 in (0, 1) else "pojke",
                    birth_date=datetime.date(2000 + index % 5, 1 + index % 12, 10),
                )
            )
            index += 1
    # close 238 of the 2016 cases within 2016 (a closure 20 days after opening; cases opened late stay open)
    closable = [spec for spec in specs if spec.opened_on <= datetime.date(2016, 12, 10)]
    for spec in closable[:238]:
        spec.closed_on = spec.opened_on + datetime.timedelta(days=20)
        spec.closure_reason = "planerat"
    for spec in closable[:4]:
        spec.closure_reason = "oplanerat"
    # 30 cases carried over from 2015, closed in spring 2016 as planned
    for number in range(30):
        specs.append(
            CaseSpec(
                insats="stod_brottsutsatta",
                opened_on=datetime.date(2015, 6, 1) + datetime.timedelta(days=number * 5),
                closed_on=datetime.date(2016, 2, 1) + datetime.timedelta(days=number),
                closure_reason="planerat",
                basis="service",
                birth_date=datetime.date(2001, 3, 3),
            )
        )
    random.Random(2016).shuffle(districts)  # deterministic, and the 2015 carry-overs get a realistic mix
    for spec, district in zip(specs, districts, strict=True):
        spec.district = district
    return specs
