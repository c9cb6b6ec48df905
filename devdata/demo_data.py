"""Deterministic demo data for a Linköping-sized municipality (`manage.py seed_demo`).

Two full calendar years before today and this year up to today (so "the last half-year" always has data),
with volumes close to the board papers (docs/domain.md): about 350 new
cases a year, about 700 contacts a year in stöd till unga brottsutsatta, a handful of unplanned closures,
Skäggetorp the largest district. Everything comes from one random.Random with a fixed seed, so two runs on
the same day produce the same data; a second run on a database that already has the demo cases only
refreshes the organisation, users and agreement and creates nothing new.

Volume rows are bulk-inserted (seconds, also on SQLite); consents go through consent.services.
"""

import calendar
import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases.identity import Gender, IdKind, age_on
from cases.models import (
    Basis,
    Case,
    CaseNumberSequence,
    ClosureReason,
    Custodian,
    EntryKind,
    InsatsCode,
    InsatsType,
    JournalEntry,
    Person,
    ProtectionLevel,
)
from cases.rules import case_number_format
from consent.models import Actor
from consent.services import consent_record, consent_revoke, maturity_assess
from core.models import District, Municipality, Provider, Role, Unit, User
from core.roles import roles_sync
from decisions.models import Lagrum
from decisions.services import decision_delay_reason_record, decision_execute, decision_record
from devdata.identity import personnummer
from interventions.models import (
    Activity,
    AreaEffort,
    DefectorAssessment,
    FieldShift,
    FollowUp,
    Goal,
    GoalAttainment,
    Plan,
    PlanVersion,
    Polare,
    PolareFeeRate,
    PolareNight,
    PurchasedService,
    Reoffence,
)
from records.services import protected_identity_grant
from reporting.models import AgreedVolume, Agreement

SEED = 580  # Linköping's kommunkod
MUNICIPALITY_NAME = "Linköpings kommun"
MUNICIPALITY_CODE = "0580"
PROVIDER_NAME = "Råd och stöd"
CITY = "Linköping"

BFG = "Brottsförebyggande gruppen"
FALT = "Fältverksamheten"
INSATSTEAMET = "Insatsteamet"
FENIX = "Fenix"
VUXEN = "Avdelning vuxen"
UNITS = [BFG, FALT, INSATSTEAMET, FENIX, VUXEN]

# name, weight (share of young people, %), postal code prefix, streets
DISTRICTS = [
    ("Skäggetorp", 30, "586 6", ["Stensätragatan", "Kvinnebygatan", "Skäggetorps allé"]),
    ("Berga", 11, "582 6", ["Bergavägen", "Gamla Tanneforsvägen"]),
    ("Ryd", 10, "584 3", ["Björnkärrsgatan", "Rydsvägen", "Ryds allé"]),
    ("Vidingsjö", 7, "589 5", ["Vidingsjövägen", "Slestadsgatan"]),
    ("Innerstaden", 6, "582 2", ["Storgatan", "Ågatan", "Drottninggatan"]),
    ("Johannelund", 6, "587 5", ["Johannelundsgatan", "Nygårdsvägen"]),
    ("Lambohov", 6, "583 3", ["Lambohovsleden", "Slaka kyrkväg"]),
    ("Ekholmen", 6, "589 2", ["Ekholmsvägen", "Höstvägen"]),
    ("Gottfridsberg", 5, "582 1", ["Västra vägen", "Snickaregatan"]),
    ("Tornby", 4, "582 7", ["Tornbyvägen", "Roxtorpsgatan"]),
    ("Hjulsbro", 3, "589 3", ["Hjulsbrovägen", "Bäckfallsvägen"]),
    ("Malmslätt", 3, "590 7", ["Hantverksvägen", "Malmslätts allé"]),
    ("Tannefors", 3, "582 7", ["Tanneforsgatan", "Nya Tanneforsvägen"]),
]


@dataclass(frozen=True)
class InsatsProfile:
    per_year: tuple[int, int]  # new cases a year (min, max)
    age: tuple[int, int]  # age at opening
    duration_days: tuple[int, int]
    entries: tuple[int, int]  # journal entries per case (stöd: distributed to ~700 a year instead)
    boy_share: float
    basis_service_share: float
    sources: tuple[str, ...]
    kinds: tuple[str, ...]


# fmt: off
INSATSER: dict[str, InsatsProfile] = {
    InsatsCode.VICTIM_SUPPORT: InsatsProfile(
        (232, 246), (11, 20), (7, 70), (1, 5), 0.55, 0.9,
        ("polis", "polis", "polis", "skola", "egen_kontakt", "socialtjanst"),
        ("samtal", "samtal", "telefon", "samtal", "mote"),
    ),
    InsatsCode.COMMUNITY_SERVICE: InsatsProfile(
        (32, 38), (15, 20), (60, 180), (4, 8), 0.85, 0.0,
        ("aklagare_domstol",), ("mote", "telefon", "anteckning", "samtal"),
    ),
    InsatsCode.MEDIATION: InsatsProfile(
        (28, 32), (12, 20), (20, 100), (3, 6), 0.7, 1.0,
        ("polis", "polis", "aklagare_domstol"), ("samtal", "telefon", "mote"),
    ),
    InsatsCode.SKK: InsatsProfile(
        (9, 11), (13, 19), (180, 540), (6, 14), 0.75, 0.0,
        ("aklagare_domstol", "socialtjanst"), ("samtal", "mote", "hembesok", "telefon"),
    ),
    InsatsCode.ASLAN: InsatsProfile(
        (14, 18), (10, 14), (90, 300), (4, 10), 0.6, 1.0,
        ("skola", "socialtjanst", "polis"), ("samtal", "mote", "hembesok"),
    ),
    InsatsCode.SIG: InsatsProfile(
        (10, 14), (14, 22), (180, 720), (8, 18), 0.85, 0.0,
        ("socialtjanst", "polis", "sis"), ("natverksmote", "samtal", "mote", "telefon"),
    ),
    InsatsCode.AVHOPP: InsatsProfile(
        (5, 7), (16, 27), (90, 540), (6, 14), 0.9, 0.0,
        ("egen_kontakt", "polis", "kriminalvard", "sis"), ("samtal", "mote", "telefon", "anteckning"),
    ),
}
# fmt: on
STOD_CONTACTS_PER_YEAR = (690, 710)
UNPLANNED_PER_YEAR = (3, 6)
UNPLANNED_INSATSER = (
    InsatsCode.COMMUNITY_SERVICE,
    InsatsCode.SKK,
    InsatsCode.SIG,
    InsatsCode.ASLAN,
    InsatsCode.MEDIATION,
    InsatsCode.AVHOPP,
)

AGREEMENT_BUDGET = 3_854_000
# Agreed yearly volumes as in the board papers' agreement (min, max)
AGREED_VOLUMES = {
    InsatsCode.COMMUNITY_SERVICE: (30, 40),
    InsatsCode.VICTIM_SUPPORT: (700, 700),
    InsatsCode.MEDIATION: (30, 30),
    InsatsCode.SKK: (10, 10),
}

GIRL_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Ella",
    "Wilma",
    "Ebba",
    "Saga",
    "Alice",
    "Nora",
    "Vera",
    "Olivia",
    "Lilly",
    "Amira",
    "Leila",
    "Hanna",
    "Emma",
    "Julia",
    "Tilde",
    "Sara",
    "Fatima",
    "Meja",
    "Agnes",
    "Ronja",
    "Nova",
]
BOY_NAMES = [
    "William",
    "Liam",
    "Noah",
    "Hugo",
    "Lucas",
    "Oliver",
    "Elias",
    "Adam",
    "Ali",
    "Omar",
    "Viktor",
    "Leo",
    "Anton",
    "Melvin",
    "Isak",
    "Theo",
    "Mohammed",
    "Ibrahim",
    "Filip",
    "Emil",
    "Albin",
    "Kevin",
    "Dennis",
    "Milo",
]
PARENT_NAMES = {
    "mamma": ["Anna", "Maria", "Sofia", "Sara", "Fatima", "Jenny", "Linda", "Amal", "Karin", "Petra", "Leyla"],
    "pappa": ["Johan", "Mikael", "Ahmed", "Daniel", "Peter", "Mohamed", "Andreas", "Stefan", "Hassan", "Fredrik"],
}
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Axelsson",
    "Berg",
    "Holm",
    "Ali",
    "Hassan",
    "Mohammed",
    "Yusuf",
    "Ahmadi",
    "Hosseini",
    "Abdullahi",
    "Kovač",
    "Nguyen",
    "Rodríguez",
    "Öberg",
    "Åkesson",
    "Sandberg",
    "Lundgren",
    "Ekström",
    "Sjöberg",
    "Wallin",
    "Forsberg",
    "Engström",
    "Hussein",
    "Osman",
]
ENTRY_TEXTS: dict[str, list[str]] = {  # by EntryKind, looked up with the codes as stored
    EntryKind.CONVERSATION: [
        "Samtal med ungdomen om händelsen och hur hen mår nu.",
        "Uppföljande samtal. Ungdomen berättar att skolgången fungerar bättre.",
        "Samtal om trygghet, sömn och stöd i vardagen.",
    ],
    EntryKind.PHONE: [
        "Telefonsamtal med vårdnadshavare om upplägget.",
        "Ringde ungdomen för att boka nästa träff.",
        "Telefonkontakt med polisen om ärendets status.",
    ],
    EntryKind.MEETING: [
        "Möte med ungdomen och vårdnadshavare. Planen gicks igenom.",
        "Möte på arbetsplatsen med handledaren.",
        "Trepartsmöte inför medlingen.",
    ],
    EntryKind.HOME_VISIT: ["Hembesök. Familjen var hemma och samtalet gick bra."],
    EntryKind.NETWORK_MEETING: [
        "Nätverksmöte med skola, polis och BUP. Genomförandeplanen följdes upp.",
        "Nätverksmöte: uppföljning av mål och aktiviteter.",
    ],
    EntryKind.DECISION: ["Beslut om insats enligt SoL."],
    EntryKind.NOTE: ["Anteckning: dokumentation av genomförda timmar.", "Anteckning om kontakt med åklagaren."],
}

DEMO_PASSWORD = "demo-losen-123"
ADMIN_PASSWORD = "admin-losen-123"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None
    unit: str | None
    title: str = ""
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("socialsekreterare", "Sofia", "Lind", Role.SOCIAL_WORKER, BFG, "Socialsekreterare"),
    DemoUser("samordnare", "Sara", "Nyberg", Role.COORDINATOR, INSATSTEAMET, "Samordnare SIG"),
    DemoUser("enhetschef", "Maria", "Ek", Role.MANAGER, BFG, "Enhetschef", is_staff=True),
    DemoUser("statistik", "Stina", "Hallberg", Role.STATISTICS, None, "Statistiker"),
    DemoUser("sysadmin", "Sam", "Ström", Role.ADMINISTRATOR, None, "Systemadministratör", is_staff=True),
    DemoUser("admin", "Admin", "Demo", None, None, "Superanvändare", is_staff=True, is_superuser=True),
    # more handläggare so cases spread over realistic caseloads (same demo password)
    DemoUser("erik.holm", "Erik", "Holm", Role.SOCIAL_WORKER, BFG, "Socialsekreterare"),
    DemoUser("amina.yusuf", "Amina", "Yusuf", Role.SOCIAL_WORKER, BFG, "Socialsekreterare"),
    DemoUser("jonas.berg", "Jonas", "Berg", Role.SOCIAL_WORKER, BFG, "Medlare"),
    DemoUser("ali.hassan", "Ali", "Hassan", Role.SOCIAL_WORKER, INSATSTEAMET, "Socialsekreterare"),
    DemoUser("linnea.strom", "Linnéa", "Ström", Role.COORDINATOR, INSATSTEAMET, "Samordnare"),
    DemoUser("petra.falk", "Petra", "Falk", Role.SOCIAL_WORKER, FALT, "Fältsekreterare"),
    DemoUser("david.sjoberg", "David", "Sjöberg", Role.SOCIAL_WORKER, FENIX, "Socialsekreterare"),
    DemoUser("karin.dahl", "Karin", "Dahl", Role.SOCIAL_WORKER, VUXEN, "Socialsekreterare"),
]
ROLE_USERNAMES = ["socialsekreterare", "samordnare", "enhetschef", "statistik", "sysadmin", "admin"]

# which unit runs each insats; avhopp by age (under 21 with threat: Fenix; 21 and over: avdelning vuxen)
UNIT_FOR_INSATS: dict[str, str] = {  # by InsatsCode, looked up with the codes as stored
    InsatsCode.VICTIM_SUPPORT: BFG,
    InsatsCode.COMMUNITY_SERVICE: BFG,
    InsatsCode.MEDIATION: BFG,
    InsatsCode.SKK: INSATSTEAMET,
    InsatsCode.SIG: INSATSTEAMET,
    InsatsCode.ASLAN: FALT,
}


@dataclass
class DemoSummary:
    years: tuple[int, int]
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role label, password


def _with_year(day: datetime.date, year: int) -> datetime.date:
    return day.replace(year=year) if not (day.month == 2 and day.day == 29) else datetime.date(year, 2, 28)


class _Generator:
    def __init__(self, *, today: datetime.date, units: dict[str, Unit], districts: list[District], staff):
        self.rng = random.Random(SEED)
        self.today = today
        self.years = (today.year - 2, today.year - 1, today.year)  # the last one up to today
        self.window_end = today
        self.units = units
        self.districts = districts
        self.district_weights = [row[1] for row in DISTRICTS]
        self.staff = staff  # unit name -> [User]
        self.insatser = {insats.code: insats for insats in InsatsType.objects.all()}
        self.used_numbers = set(Person.objects.values_list("id_number", flat=True))
        self.people: list[Person] = []
        self.custodians: list[Custodian] = []
        self.cases: list[Case] = []
        self.entries: list[JournalEntry] = []

    def year_share(self, year: int) -> float:
        """1 for a past year; the part of this year up to today (volumes grow through the year)."""
        end = min(datetime.date(year, 12, 31), self.window_end)
        return ((end - datetime.date(year, 1, 1)).days + 1) / (366 if calendar.isleap(year) else 365)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day_in(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def birth_for_age(self, opened_on: datetime.date, age: int) -> datetime.date:
        latest = _with_year(opened_on, opened_on.year - age)
        earliest = _with_year(opened_on, opened_on.year - age - 1) + datetime.timedelta(days=1)
        return self.day_in(earliest, latest)

    def id_number(self, birth: datetime.date, gender: str, kind: str) -> str:
        if kind == IdKind.RESERVE:
            number = f"RN{birth:%y%m%d}{self.rng.randint(10, 99)}"
        else:
            for _attempt in range(1000):
                gender_digit = self.rng.choice([1, 3, 5, 7, 9] if gender == Gender.BOY else [0, 2, 4, 6, 8])
                serial = self.rng.randint(0, 99) * 10 + gender_digit
                number = personnummer(birth, serial, coordination=kind == IdKind.COORDINATION)
                if number not in self.used_numbers:
                    break
        self.used_numbers.add(number)
        return number

    def phone(self) -> str:
        rng = self.rng
        return f"07{rng.choice('02369')}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"

    def person(self, *, opened_on: datetime.date, profile: InsatsProfile, unit: Unit) -> Person:
        rng = self.rng
        age = rng.randint(*profile.age)
        birth = self.birth_for_age(opened_on, age)
        gender = Gender.BOY if rng.random() < profile.boy_share else Gender.GIRL
        roll = rng.random()
        kind = IdKind.COORDINATION if roll < 0.03 else IdKind.RESERVE if roll < 0.035 else IdKind.PERSONNUMMER
        district_index = rng.choices(range(len(DISTRICTS)), weights=self.district_weights)[0]
        district_name, _weight, postal_prefix, streets = DISTRICTS[district_index]
        person = Person(
            id=self.uuid(),
            id_kind=kind,
            id_number=self.id_number(birth, gender, kind),
            first_name=rng.choice(BOY_NAMES if gender == Gender.BOY else GIRL_NAMES),
            last_name=rng.choice(LAST_NAMES),
            birth_date=birth,
            gender=gender,
            street_address=f"{rng.choice(streets)} {rng.randint(1, 60)}",
            postal_code=f"{postal_prefix}{rng.randint(0, 9)} {rng.randint(10, 99)}",
            city=CITY,
            district=self.districts[district_index],
            unit=unit,
        )
        self.people.append(person)
        if age_on(birth, opened_on) < 18:
            relations = ["mamma", "pappa"] if rng.random() < 0.75 else [rng.choice(["mamma", "pappa"])]
            for relation in relations:
                parent_birth = self.birth_for_age(opened_on, rng.randint(33, 55))
                self.custodians.append(
                    Custodian(
                        person=person,
                        name=f"{rng.choice(PARENT_NAMES[relation])} {person.last_name}",
                        id_number=self.id_number(
                            parent_birth, Gender.GIRL if relation == "mamma" else Gender.BOY, IdKind.PERSONNUMMER
                        ),
                        relation=relation,
                        phone=self.phone(),
                    )
                )
        return person

    def unit_for(self, code: str, age: int) -> Unit:
        if code == InsatsCode.AVHOPP:
            return self.units[FENIX if age < 21 else VUXEN]
        return self.units[UNIT_FOR_INSATS[code]]

    def generate_cases(self) -> None:
        rng = self.rng
        specs = []
        for year in self.years:
            start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), self.window_end)
            share = self.year_share(year)
            for code, profile in INSATSER.items():
                for _index in range(round(rng.randint(*profile.per_year) * share)):
                    specs.append((self.day_in(start, end), code))
        specs.sort()
        previous: dict[str, list[Person]] = {}  # people who had another insats, for a few repeat cases
        for opened_on, code in specs:
            profile = INSATSER[code]
            insats = self.insatser[code]
            person = None
            earlier = [p for other, people in previous.items() if other != code for p in people[-40:]]
            if earlier and rng.random() < 0.06:
                candidate = rng.choice(earlier)
                age = age_on(candidate.birth_date, opened_on)
                if insats.min_age <= age <= insats.max_age:
                    person = candidate
            age_guess = rng.randint(*profile.age) if person is None else age_on(person.birth_date, opened_on)
            unit = self.unit_for(code, age_guess)
            if person is None:
                person = self.person(opened_on=opened_on, profile=profile, unit=unit)
                age = age_on(person.birth_date, opened_on)
                unit = self.unit_for(code, age)
                person.unit = unit
            previous.setdefault(code, []).append(person)
            closed_on = opened_on + datetime.timedelta(days=rng.randint(*profile.duration_days))
            is_closed = closed_on <= self.window_end
            roll = rng.random()
            reason = (
                ClosureReason.MOVED if roll < 0.02 else ClosureReason.OTHER if roll < 0.04 else ClosureReason.PLANNED
            )
            self.cases.append(
                Case(
                    id=self.uuid(),
                    number="",  # numbered per year below, in date order
                    person=person,
                    insats_type=insats,
                    unit=unit,
                    handler=rng.choice(self.staff[unit.name]),
                    referral_source=rng.choice(profile.sources),
                    basis=Basis.SERVICE if rng.random() < profile.basis_service_share else Basis.ASSISTANCE,
                    opened_on=opened_on,
                    closed_on=closed_on if is_closed else None,
                    closure_reason=reason if is_closed else "",
                    next_follow_up_on=None if is_closed else self.today + datetime.timedelta(days=rng.randint(-14, 60)),
                )
            )
        for year in self.years:
            closed = [
                c
                for c in self.cases
                if c.closed_on and c.closed_on.year == year and c.insats_type.code in UNPLANNED_INSATSER
            ]
            for case in rng.sample(closed, min(len(closed), rng.randint(*UNPLANNED_PER_YEAR))):
                case.closure_reason = ClosureReason.UNPLANNED
                case.closure_note = "Ungdomen avbröt insatsen och gick inte att nå."

    def number_cases(self) -> None:
        last = dict(CaseNumberSequence.objects.filter(year__in=self.years).values_list("year", "last_number"))
        for case in self.cases:  # already in date order
            year = case.opened_on.year
            last[year] = last.get(year, 0) + 1
            case.number = case_number_format(year=year, serial=last[year])
        for year, number in last.items():
            CaseNumberSequence.objects.update_or_create(year=year, defaults={"last_number": number})

    def generate_entries(self) -> None:
        rng = self.rng
        stod: dict[int, list[Case]] = {year: [] for year in self.years}
        for case in self.cases:
            if case.insats_type.code == InsatsCode.VICTIM_SUPPORT:
                stod[case.opened_on.year].append(case)
            else:
                self.add_entries(case, rng.randint(*INSATSER[case.insats_type.code].entries))
        for year, cases in stod.items():
            counts = [1] * len(cases)
            contacts = round(rng.randint(*STOD_CONTACTS_PER_YEAR) * self.year_share(year)) if cases else 0
            for _extra in range(contacts - len(cases)):
                counts[rng.randrange(len(cases))] += 1
            for case, count in zip(cases, counts, strict=True):
                self.add_entries(case, min(count, 8))
        corrected = [(e, e.signed_at) for e in self.entries if e.case.closed_on is None and e.signed_at][:2]
        for original, signed_at in corrected:
            self.entries.append(
                JournalEntry(
                    case=original.case,
                    kind=original.kind,
                    occurred_on=original.occurred_on,
                    text="Rättelse: fel datum för nästa möte angavs i anteckningen. Rätt datum är en vecka senare.",
                    author=original.author,
                    signed_at=signed_at + datetime.timedelta(days=1),
                    corrects=original,
                )
            )

    def add_entries(self, case: Case, count: int) -> None:
        rng = self.rng
        kinds = INSATSER[case.insats_type.code].kinds
        end = min(case.closed_on or self.window_end, self.window_end)
        days = sorted(self.day_in(case.opened_on, end) for _index in range(count))
        for index, day in enumerate(days):
            kind = EntryKind.DECISION if index == 0 and case.basis == Basis.ASSISTANCE else rng.choice(kinds)
            draft = case.closed_on is None and index == len(days) - 1 and rng.random() < 0.3
            signed = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 16), 0)))
            self.entries.append(
                JournalEntry(
                    case=case,
                    kind=kind,
                    occurred_on=day,
                    text=rng.choice(ENTRY_TEXTS[kind]),
                    author=case.handler,
                    signed_at=None if draft else signed,
                )
            )

    def protect_some(self) -> None:
        """Two people at each protection level, chosen among those with an open case (visible in lists)."""
        open_people = list({c.person.pk: c.person for c in self.cases if c.closed_on is None}.values())
        chosen = self.rng.sample(open_people, 6)
        levels = [ProtectionLevel.CONFIDENTIALITY, ProtectionLevel.PROTECTED_REGISTRATION, ProtectionLevel.FICTITIOUS]
        for index, person in enumerate(chosen):
            person.protection = levels[index % 3]

    def save(self) -> None:
        Person.objects.bulk_create(self.people, batch_size=500)
        Custodian.objects.bulk_create(self.custodians, batch_size=500)
        Case.objects.bulk_create(self.cases, batch_size=500)
        # corrections point at entries saved in the first batch
        originals = [e for e in self.entries if e.corrects is None]
        JournalEntry.objects.bulk_create(originals, batch_size=1000)
        corrections = [(e, e.corrects) for e in self.entries if e.corrects is not None]
        for correction, original in corrections:
            correction.corrects_id = original.pk  # saved above, so it has its id now
        JournalEntry.objects.bulk_create([correction for correction, _original in corrections])


def _consents(generator: _Generator, recorder_for) -> None:
    """Consents for SIG: the young person (15+) and every custodian, to polis, skola and BUP; one revoked,
    one expired, and a maturity assessment for a 14-year-old who consents themself."""
    rng = random.Random(SEED + 1)
    actors = {actor.code: actor for actor in Actor.objects.filter(code__in=["polis", "skola", "bup", "kriminalvard"])}
    custodians: dict[uuid.UUID, list[Custodian]] = {}
    for custodian in Custodian.objects.filter(person_id__in=[c.person_id for c in generator.cases]).order_by("pk"):
        custodians.setdefault(custodian.person_id, []).append(custodian)
    sig_cases = [c for c in generator.cases if c.insats_type.code == InsatsCode.SIG]
    consents = []
    matured = False
    for case in sig_cases:
        given_on = case.opened_on + datetime.timedelta(days=rng.randint(2, 14))
        if given_on > generator.window_end:
            continue
        person = case.person
        recorder = recorder_for(case)
        age = age_on(person.birth_date, given_on)
        chosen = [actors["polis"], actors["skola"], actors["bup"]] + ([actors["kriminalvard"]] if age >= 18 else [])
        valid_until = given_on + datetime.timedelta(days=365)
        if age < 15 and not matured:
            maturity_assess(
                actor=recorder,
                person=person,
                assessed_on=given_on,
                mature=True,
                reasoning="Ungdomen förstår vad samtycket innebär och kan ta ställning själv.",
            )
            matured = True
        if age >= 15 or matured:
            consents.append(
                consent_record(
                    actor=recorder,
                    person=person,
                    custodian=None,
                    actors=chosen,
                    given_on=given_on,
                    form="skriftligt",
                    valid_until=valid_until,
                )
            )
        if age < 18:
            for custodian in custodians.get(person.pk, []):
                consent_record(
                    actor=recorder,
                    person=person,
                    custodian=custodian,
                    actors=chosen,
                    given_on=given_on,
                    form=rng.choice(["skriftligt", "skriftligt", "muntligt"]),
                    valid_until=valid_until,
                )
    # one revoked (a young person withdraws consent to the school) and one that has expired
    revoked = consents[len(consents) // 2]
    consent_revoke(
        actor=revoked.recorded_by,
        consent=revoked,
        revoked_on=revoked.given_on + datetime.timedelta(days=40),
        reason="Ungdomen vill inte längre att skolan får information.",
    )
    first = sig_cases[0]
    consent_record(
        actor=recorder_for(first),
        person=first.person,
        custodian=None,
        actors=[actors["polis"]],
        given_on=first.opened_on,
        form="muntligt",
        valid_until=first.opened_on + datetime.timedelta(days=30),
        note="Muntligt samtycke inför ett enskilt möte; gällde en månad.",
    )


PLAN_GOALS = [
    ("Gå i skolan varje dag", "Skolan rapporterar närvaro varje vecka", "skola"),
    ("Inga nya brott", "Avstämning med polisen varje månad", "polis"),
    ("Regelbunden fritidssysselsättning", "Träning med personlig tränare två gånger i veckan", "socialtjanst"),
]
PURCHASES = [("skyddat_boende", "Skyddat boende Öst AB", 95_000), ("behandling", "Behandlingshemmet Ljusåsen", 60_000)]
FIELD_AREAS = ["Centrum och resecentrum", "Skäggetorps centrum", "Ryds centrum", "Berga torg", "Stångån"]
POLARE = [("Amir Haddad", 17), ("Elin Sjöström", 18), ("Noah Berg", 16), ("Sara Mohammed", 17), ("Leo Wikström", 19)]


def _insats_records(generator: _Generator) -> None:
    """What the insats pages and the follow-up count, dated relative to today: SIG plans with goals, activities,
    follow-ups and återfall; threat assessments and purchased insatser for avhopp; the field unit's shifts,
    polare nights and an områdesinsats in the last twelve months."""
    rng = random.Random(SEED + 2)
    today = generator.today
    actors = {actor.code: actor for actor in Actor.objects.filter(code__in=["polis", "skola", "socialtjanst", "bup"])}
    coordinators = list(
        User.objects.filter(groups__name=Role.COORDINATOR, unit=generator.units[INSATSTEAMET]).order_by("username")
    )
    for case in (c for c in generator.cases if c.insats_type.code == "sig"):
        end = min(case.closed_on or today, today)
        coordinator = rng.choice(coordinators)
        plan = Plan.objects.create(
            case=case,
            coordinator=coordinator,
            trainer_name=f"{rng.choice(BOY_NAMES + GIRL_NAMES)} {rng.choice(LAST_NAMES)}",
            trainer_assigned_on=min(case.opened_on + datetime.timedelta(days=rng.randint(7, 30)), end),
        )
        version = PlanVersion.objects.create(
            plan=plan,
            number=1,
            overall_goal="Ungdomen lämnar den kriminella miljön och har en fungerande vardag.",
            follow_up_method="Nätverksmöte var tredje månad med alla aktörer.",
            created_by=coordinator,
        )
        goals = []
        for position, (text, what, actor_code) in enumerate(rng.sample(PLAN_GOALS, 2), start=1):
            goal = Goal.objects.create(version=version, position=position, text=text)
            goals.append(goal)
            Activity.objects.create(
                version=version,
                goal=goal,
                what=what,
                actor=actors.get(actor_code) or actors["socialtjanst"],
                when="Löpande",
                due_on=case.opened_on + datetime.timedelta(days=rng.randint(30, 120)),
                created_by=coordinator,
            )
        meeting = case.opened_on + datetime.timedelta(days=90)
        while meeting <= end:
            follow_up = FollowUp.objects.create(
                version=version, due_on=meeting, held_on=meeting, note="Planen följdes upp.", recorded_by=coordinator
            )
            for goal in goals:
                level = rng.choice(["uppnatt", "delvis", "delvis", "ej_uppnatt"])
                GoalAttainment.objects.create(follow_up=follow_up, goal=goal, level=level)
            meeting += datetime.timedelta(days=90)
        if case.closed_on is None:  # the next one is coming up (or a little late) on the to-do lists
            FollowUp.objects.create(version=version, due_on=today + datetime.timedelta(days=rng.randint(-7, 45)))
        if rng.random() < 0.3 and end > case.opened_on + datetime.timedelta(days=30):
            noted = generator.day_in(case.opened_on + datetime.timedelta(days=30), end)
            Reoffence.objects.create(
                case=case, noted_on=noted, kind=rng.choice(["misstankt_brott", "polisanmalan", "dom"]),
                note="Uppgift från polisen.", recorded_by=case.handler,
            )  # fmt: skip
    for case in (c for c in generator.cases if c.insats_type.code == "avhopp"):
        end = min(case.closed_on or today, today)
        DefectorAssessment.objects.create(
            case=case,
            assessed_on=case.opened_on,
            threat_level=rng.choice(["latent", "konkret"]),
            motivated=True,
            note="Bedömning tillsammans med polisen.",
            assessed_by=case.handler,
        )
        kind, provider, monthly = rng.choice(PURCHASES)
        starts = min(case.opened_on + datetime.timedelta(days=rng.randint(3, 20)), end)
        months = rng.randint(2, 6)
        PurchasedService.objects.create(
            case=case, kind=kind, provider=provider, starts_on=starts,
            ends_on=starts + datetime.timedelta(days=30 * months), price_unit="period", price=monthly * months,
            cost=monthly * months, recorded_by=case.handler,
        )  # fmt: skip
    _field_work(generator, rng)


def _field_work(generator: _Generator, rng: random.Random) -> None:
    today = generator.today
    unit = generator.units[FALT]
    staff = list(User.objects.filter(unit=unit).order_by("username"))
    if not staff:
        return
    day = today - datetime.timedelta(days=365)
    while day <= today:
        if day.weekday() in (4, 5):  # Friday and Saturday nights
            district = rng.choices(generator.districts, weights=generator.district_weights)[0]
            met = rng.randint(8, 40)
            shift = FieldShift.objects.create(
                unit=unit, worked_on=day, district=district, area=rng.choice(FIELD_AREAS), youths_met=met,
                youths_talked=rng.randint(1, max(1, met // 5)), notes="Lugn kväll.", recorded_by=staff[0],
            )  # fmt: skip
            shift.staff.set(staff[:2])
        day += datetime.timedelta(days=1)
    rates = list(PolareFeeRate.objects.order_by("min_age", "min_years_of_service"))
    for name, age in POLARE:
        polare = Polare.objects.create(
            unit=unit,
            name=name,
            birth_date=_with_year(today, today.year - age) - datetime.timedelta(days=rng.randint(30, 300)),
            service_started_on=today - datetime.timedelta(days=rng.randint(60, 500)),
        )
        fee = next((rate.fee_per_night for rate in reversed(rates) if rate.min_age <= age <= rate.max_age), 350)
        night = max(polare.service_started_on, today - datetime.timedelta(days=180))
        while night < today:
            if night.weekday() == 4 and rng.random() < 0.7:
                PolareNight.objects.create(polare=polare, worked_on=night, fee=fee, status="arbetad")
            night += datetime.timedelta(days=1)
    AreaEffort.objects.create(
        unit=unit,
        district=generator.districts[0],
        reason="Oro och bränder i området efter en skottlossning.",
        starts_on=today - datetime.timedelta(days=21),
        weeks=6,
        ends_on=today - datetime.timedelta(days=21) + datetime.timedelta(weeks=6),
        created_by=staff[0],
    )


def _protected_identity_grant(generator: _Generator) -> None:
    """The enhetschef names the handläggare of one protected person as allowed to see the identity."""
    manager = User.objects.filter(username="enhetschef").first()
    if manager is None:
        return
    for case in generator.cases:
        if case.person.is_protected and case.person.unit_id == manager.unit_id and case.handler.unit_id == case.unit_id:
            protected_identity_grant(
                actor=manager,
                person=case.person,
                grantee=case.handler,
                reason="Handläggaren behöver identiteten för att kunna genomföra insatsen.",
            )
            return


def _decisions(generator: _Generator) -> None:
    """Beslut on up to a dozen open bistånd cases of a unit with an enhetschef, decided by the enhetschef: a
    bifall still waiting with a reason for delay (the list of ej verkställda beslut, the IVO report), an avslag
    (with its letter), a bifall verkställt two weeks later and a delvis bifall waiting."""
    managers = {user.unit_id: user for user in User.objects.filter(groups__name=Role.MANAGER, unit__isnull=False)}
    lagrum = Lagrum.objects.get(code="sol2025-11-1")
    in_force_from = lagrum.in_force_from or datetime.date.min  # no date: in force all along
    today = generator.today
    cases = [
        case
        for case in generator.cases
        if case.basis == "bistand"
        and case.is_open
        and case.insats_type.code not in ("ungdomstjanst", "medling")  # court-ordered, lag 2002:445
        and case.unit_id in managers
        and (today - case.opened_on).days > 40
    ]
    for index, case in enumerate(sorted(cases, key=lambda c: c.number)[:12]):
        decided_on = max(case.opened_on + datetime.timedelta(days=14), in_force_from)
        if decided_on > today:
            continue
        kind = index % 4
        actor = managers[case.unit_id]
        decision = decision_record(
            actor=actor,
            case=case,
            outcome=["bifall", "avslag", "bifall", "delvis_bifall"][kind],
            lagrum=lagrum,
            applied_for=case.insats_type.name,
            granted="" if kind == 1 else f"{case.insats_type.name} under sex månader",
            reasoning="Behovet tillgodoses genom skolans stöd."
            if kind == 1
            else "Utredningen visar behov av insatsen.",
            decided_on=decided_on,
            period_from=None if kind == 1 else decided_on,
            period_to=None if kind == 1 else decided_on + datetime.timedelta(days=182),
        )
        if kind == 2 and decided_on + datetime.timedelta(days=14) <= today:
            decision_execute(
                actor=actor, decision=decision, executed_on=decided_on + datetime.timedelta(days=14), expected_version=1
            )
        elif kind == 0:
            decision_delay_reason_record(
                actor=actor, decision=decision, delay_reason="Ingen ledig kontaktperson.", expected_version=1
            )


def _organisation():
    municipality, _created = Municipality.objects.update_or_create(
        code=MUNICIPALITY_CODE, defaults={"name": MUNICIPALITY_NAME}
    )
    provider, _created = Provider.objects.get_or_create(municipality=municipality, name=PROVIDER_NAME)
    units = {name: Unit.objects.get_or_create(provider=provider, name=name)[0] for name in UNITS}
    districts = [District.objects.get_or_create(municipality=municipality, name=name)[0] for name, *_rest in DISTRICTS]
    return provider, units, districts


def _users(units: dict[str, Unit]) -> list[tuple[str, str, str]]:
    roles_sync()
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    hashes = {DEMO_PASSWORD: make_password(DEMO_PASSWORD), ADMIN_PASSWORD: make_password(ADMIN_PASSWORD)}
    printed = []
    for spec in DEMO_USERS:
        password = ADMIN_PASSWORD if spec.is_superuser else DEMO_PASSWORD
        user, _created = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.linkoping.invalid",
                "unit": units[spec.unit] if spec.unit else None,
                "title": spec.title,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
                "is_active": True,
                "password": hashes[password],
            },
        )
        user.groups.set([groups[spec.role]] if spec.role else [])
        if spec.username in ROLE_USERNAMES:
            label = str(Role(spec.role).label) if spec.role else "Superanvändare (admin)"
            printed.append((spec.username, label, password))
    return printed


def _agreement(provider: Provider, years: tuple[int, int]) -> Agreement:
    agreement, _created = Agreement.objects.update_or_create(
        provider=provider,
        reference=f"ON {years[0] - 1}-0412",
        defaults={
            "name": f"Verksamhetsuppdrag Råd och stöd {years[0]}–{years[1] + 1}",
            "unit": None,
            "starts_on": datetime.date(years[0], 1, 1),
            "ends_on": datetime.date(years[1] + 1, 12, 31),
            "budget": AGREEMENT_BUDGET,
            "notice_months": 12,
        },
    )
    insatser = {insats.code: insats for insats in InsatsType.objects.filter(code__in=AGREED_VOLUMES)}
    for code, (low, high) in AGREED_VOLUMES.items():
        AgreedVolume.objects.update_or_create(
            agreement=agreement, insats_type=insatser[code], defaults={"min_per_year": low, "max_per_year": high}
        )
    return agreement


@transaction.atomic
def demo_seed(*, today: datetime.date | None = None) -> DemoSummary:
    """Create (or refresh) the demo organisation, users and agreement; add the volume data once."""
    today = today or timezone.localdate()
    years = (today.year - 2, today.year - 1)
    provider, units, districts = _organisation()
    users = _users(units)
    _agreement(provider, years)
    summary = DemoSummary(years=(years[0], today.year), created=False, users=users)
    if not Case.objects.filter(unit__provider=provider).exists():
        staff: dict[str, list[User]] = {}
        handlers = User.objects.filter(
            unit__in=units.values(), groups__name__in=[Role.SOCIAL_WORKER, Role.COORDINATOR]
        ).select_related("unit")
        for user in handlers.distinct():
            if user.unit is not None:  # always: filtered on their unit
                staff.setdefault(user.unit.name, []).append(user)
        for people in staff.values():
            people.sort(key=lambda user: user.username)
        generator = _Generator(today=today, units=units, districts=districts, staff=staff)
        generator.generate_cases()
        generator.number_cases()
        generator.protect_some()
        generator.generate_entries()
        generator.save()
        _consents(generator, recorder_for=lambda case: case.handler)
        _decisions(generator)
        _protected_identity_grant(generator)
        _insats_records(generator)
        summary.created = True
    summary.counts = {
        "people": Person.objects.filter(unit__provider=provider).count(),
        "cases": Case.objects.filter(unit__provider=provider).count(),
        "entries": JournalEntry.objects.filter(case__unit__provider=provider).count(),
    }
    return summary
