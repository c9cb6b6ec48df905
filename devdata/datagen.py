"""Deterministic synthetic data at municipal, city and national scale (`manage.py generate_data`).

The same scale and seed always give the same rows: one seeded random stream is drawn in a fixed
order. On PostgreSQL the rows go in through psycopg's COPY, chunk by chunk, with triggers and
foreign-key checks off for the load (`session_replication_role = replica`; the rows are consistent by
construction) and secondary indexes dropped and rebuilt around large loads. Other databases (SQLite
in tests) get the same rows through bulk_create.

Everything is invented: names come from common Swedish name lists, personnummer are Luhn-valid but
random, texts are a handful of fixed sentences. Nothing here is ever run against production data:
the command refuses a database that already holds people unless --reset is given.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import math
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from psycopg.types.json import Jsonb

from cases import search_names
from cases.identity import age_on
from cases.models import (
    Case,
    CaseNumberSequence,
    CaseUserObjectPermission,
    Custodian,
    InsatsCode,
    InsatsType,
    JournalEntry,
    Person,
    SearchName,
)
from cases.rules import case_number_format
from consent.models import Actor, Consent, ConsentRevocation, Disclosure, LegalBasis, MaturityAssessment
from core.bulk import BulkTable
from core.models import AccessLog, ChangeLog, District, Municipality, Provider, Role, Unit, User
from devdata.identity import personnummer
from interventions.models import (
    Activity,
    AreaEffort,
    AreaEffortExtension,
    AslanAttendance,
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
    GoalAttainment,
    Mediation,
    MediationConsultation,
    MediationMeeting,
    MediationParty,
    Plan,
    PlanAgreement,
    PlanParticipant,
    PlanVersion,
    Polare,
    PolareFeeRate,
    PolareNight,
    PurchasedService,
    Reoffence,
    SkkAssignment,
    VictimSupport,
)
from reporting.models import AgreedVolume, Agreement

BENCH_PASSWORD = "bench-losen-123"  # every generated user; the load test logs in with it
# Named users the benchmark and load test act as (all in the largest municipality's first unit).
BENCH_HANDLER = "bench.handlaggare"
BENCH_COLLEAGUE = "bench.kollega"
BENCH_MANAGER = "bench.chef"
BENCH_COORDINATOR = "bench.samordnare"
BENCH_STATISTICS = "bench.statistik"
LOADTEST_USERS = 20  # bench.ss01 … bench.ss20: socialsekreterare for the load test's concurrent users


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    people: int
    cases: int
    entries: int
    access_log: int
    description: str


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in [
        Scale("XS", 2, 300, 900, 4_500, 9_000, "tests: two municipalities in seconds"),
        Scale("S", 1, 10_000, 30_000, 300_000, 1_000_000, "a small municipality"),
        Scale("M", 1, 100_000, 300_000, 3_000_000, 10_000_000, "Stockholm-sized"),
        Scale("L", 290, 1_500_000, 4_500_000, 15_000_000, 50_000_000, "national"),
    ]
}

# The reference day the data ends on (cases opened up to it, the log runs up to it). Fixed, so the
# same scale gives the same rows on any day; the benchmark's "half-year" is the one ending here.
DEFAULT_UNTIL = datetime.date(2026, 6, 30)
YEARS_OF_HISTORY = 6

# Largest first; the rest of the 290 are named "Kommun NNNN" by code.
KNOWN_MUNICIPALITIES = [
    ("Stockholms stad", "0180"),
    ("Göteborgs stad", "1480"),
    ("Malmö stad", "1280"),
    ("Uppsala kommun", "0380"),
    ("Linköpings kommun", "0580"),
    ("Örebro kommun", "1880"),
    ("Västerås stad", "1980"),
    ("Helsingborgs stad", "1283"),
    ("Norrköpings kommun", "0581"),
    ("Jönköpings kommun", "0680"),
    ("Umeå kommun", "2480"),
    ("Lunds kommun", "1281"),
    ("Borås stad", "1490"),
    ("Huddinge kommun", "0126"),
    ("Eskilstuna kommun", "0484"),
    ("Gävle kommun", "2180"),
    ("Nacka kommun", "0182"),
    ("Södertälje kommun", "0181"),
    ("Halmstads kommun", "1380"),
    ("Sundsvalls kommun", "2281"),
]
STOCKHOLM_DISTRICTS = [
    "Rinkeby-Kista",
    "Spånga-Tensta",
    "Skärholmen",
    "Enskede-Årsta-Vantör",
    "Farsta",
    "Hässelby-Vällingby",
    "Bromma",
    "Hägersten-Älvsjö",
    "Skarpnäck",
    "Södermalm",
    "Kungsholmen",
    "Norrmalm",
    "Östermalm",
]
LINKOPING_DISTRICTS = ["Skäggetorp", "Berga", "Ryd", "Vidingsjö", "Ekholmen", "Lambohov", "Johannelund", "Tornby"]
GENERIC_DISTRICTS = ["Centrum", "Norr", "Söder", "Öster", "Väster", "Hagen", "Bergsjön", "Sjöstaden"]
# The first district takes ~30 % (the board papers, docs/domain.md: ~30 % from Skäggetorp), the rest fall off.
DISTRICT_WEIGHTS_HEAD = 0.30

UNIT_NAMES = ["Brottsförebyggande gruppen", "Insatsteamet", "Fältverksamheten", "Fenix", "Avdelning vuxen"]
PEOPLE_PER_PROVIDER = 25_000  # a large city has one provider (stadsdelsförvaltning) per ~25 000 young people
SOCIAL_WORKERS_PER_UNIT_MIN = 4
CASES_PER_SOCIAL_WORKER = 1000  # over six years: ≈30–40 open cases each at any time

# insats code -> (weight among new cases, unit index, min days, max days open)
INSATS_PROFILE = {
    InsatsCode.VICTIM_SUPPORT: (0.55, 0, 7, 60),
    InsatsCode.COMMUNITY_SERVICE: (0.12, 0, 30, 150),
    InsatsCode.MEDIATION: (0.10, 0, 14, 90),
    InsatsCode.SKK: (0.05, 1, 180, 540),
    InsatsCode.ASLAN: (0.08, 0, 90, 180),
    InsatsCode.SIG: (0.07, 1, 180, 720),
    InsatsCode.AVHOPP: (0.03, 3, 180, 720),
}
REFERRALS = [
    ("polis", 0.40),
    ("socialtjanst", 0.20),
    ("skola", 0.12),
    ("aklagare_domstol", 0.12),
    ("kriminalvard", 0.03),
    ("sis", 0.02),
    ("egen_kontakt", 0.06),
    ("annan", 0.05),
]
CLOSURES = [("planerat", 0.80), ("oplanerat", 0.08), ("flytt", 0.07), ("annat", 0.05)]
ENTRY_KINDS = [
    ("samtal", 0.35),
    ("mote", 0.15),
    ("telefon", 0.20),
    ("hembesok", 0.07),
    ("natverksmote", 0.08),
    ("beslut", 0.05),
    ("anteckning", 0.10),
]
ENTRY_TEXTS = [
    "Samtal med ungdomen om veckan som gått och planen framåt.",
    "Telefonkontakt med vårdnadshavare; bokade nytt möte.",
    "Möte på skolan tillsammans med mentor och ungdomen.",
    "Hembesök. Ungdomen och mamma hemma, lugn stämning.",
    "Nätverksmöte med polis, skola och fritid enligt samtycke.",
    "Beslut om fortsatt insats enligt SoL.",
    "Ungdomen uteblev från bokad tid. Nytt sms skickat.",
    "Genomgång av målen i planen; två av tre mål på väg att uppnås.",
    "Ungdomen berättar att det går bättre i skolan och med kompisarna.",
    "Avstämning med arbetsplatsen om utförda timmar.",
    "Samtal om hot och risker; ingen konkret hotbild i dag.",
    "Anteckning om inkommen orosanmälan från skolan.",
]
ACCESS_WHAT = [
    ("view", "case_page", 0.45),
    ("list", "case_list", 0.30),
    ("search", "search", 0.10),
    ("view", "person_page", 0.10),
    ("print", "pdf", 0.03),
    ("change", "case_edit", 0.02),
]

GIRL_NAMES = [
    "Alice", "Maja", "Elsa", "Astrid", "Wilma", "Freja", "Olivia", "Selma", "Alma", "Ella", "Vera", "Ebba",
    "Agnes", "Clara", "Lilly", "Saga", "Stella", "Ines", "Leah", "Nora", "Alicia", "Elin", "Julia", "Emma",
    "Ida", "Lova", "Tyra", "Nellie", "Amira", "Hanna", "Sara", "Matilda", "Signe", "Molly", "Linnea", "Sofia",
    "Meja", "Edith", "Iris", "Elvira",
]  # fmt: skip
BOY_NAMES = [
    "Noah", "William", "Hugo", "Liam", "Lucas", "Oliver", "Elias", "Adam", "Alexander", "Matteo", "Leo",
    "Arvid", "Vincent", "Nils", "Theo", "Ludvig", "Oscar", "Charlie", "Frans", "Isak", "Sam", "Gustav", "Axel",
    "Filip", "Malte", "Mohammed", "Ali", "Viktor", "Emil", "Jonathan", "Anton", "Melvin", "Albin", "Edvin",
    "Benjamin", "Omar", "Kevin", "Sixten", "Harry", "Josef",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Axelsson", "Berg", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg",
    "Sjöberg", "Wallin", "Ali", "Engström", "Mohamed", "Eklund", "Danielsson", "Lundin", "Håkansson", "Björk",
    "Bergman", "Gunnarsson", "Holm", "Wikström", "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström",
    "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström", "Ahmed",
    "Mårtensson", "Lundström", "Hassan", "Viklund", "Björklund", "Eliasson", "Pålsson", "Berggren", "Sandström",
    "Lund", "Nordin", "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Sundberg", "Hedlund", "Dahlberg",
    "Hellström", "Sjögren", "Abrahamsson", "Falk", "Martinsson", "Öberg", "Andreasson", "Strömberg", "Månsson",
    "Hosseini", "Åkesson", "Jovanovic", "Yilmaz", "Nguyen", "Kaya", "Rahimi", "Abdi",
]  # fmt: skip
CRIME_TYPES = ["misshandel", "ran", "hot", "stold", "ofredande", "natbrott", "sexualbrott", "annat"]
STREETS = ["Storgatan", "Skolgatan", "Parkvägen", "Björkvägen", "Ringvägen", "Kyrkogatan", "Torggatan", "Ängsvägen"]
# Insats details (all invented): courts and prosecution offices, work placements, offences, goals, …
COURTS = ["Stockholms tingsrätt", "Södertörns tingsrätt", "Attunda tingsrätt", "Göteborgs tingsrätt",
          "Malmö tingsrätt", "Linköpings tingsrätt", "Norrköpings tingsrätt", "Uppsala tingsrätt"]  # fmt: skip
PROSECUTORS = ["Åklagarkammaren i Stockholm", "Åklagarkammaren i Göteborg", "Åklagarkammaren i Malmö",
               "Åklagarkammaren i Linköping", "Åklagarkammaren i Norrköping", "Åklagarkammaren i Uppsala"]  # fmt: skip
WORKPLACES = ["Second hand-butiken", "Idrottsföreningens kansli", "Församlingens café", "Parkförvaltningen",
              "Fritidsgården", "Stadsmissionen", "Bygdegårdsföreningen", "Kommunens återbruk"]  # fmt: skip
OFFENCES = ["Snatteri i butik", "Skadegörelse på skola", "Misshandel på skolgården", "Stöld av cykel",
            "Klotter på busskur", "Olaga hot via sms", "Ofredande på bussen", "Inbrott i förråd"]  # fmt: skip
MEDIATION_OUTCOMES = [("overenskommelse", 0.6), ("ingen_overenskommelse", 0.25), ("avbruten", 0.15)]
CORRECTION_TEXT = "Rättelse: fel datum angavs i föregående anteckning."
AGREEMENT_TEXT = "Ungdomen ber om ursäkt och betalar tillbaka 500 kr."
MEETING_FLOW = ["formote_garningsperson", "formote_brottsoffer", "medlingsmote", "uppfoljning"]
ASLAN_TOPICS = ["Känslor och konflikter", "Kompisar och grupptryck", "Skolan", "Familjen", "Framtiden",
                "Att säga nej", "Ilska", "Avslutning"]  # fmt: skip
ASLAN_MEETINGS = 8  # weekly group meetings per ASLAN group
ASLAN_GROUP_SIZE = 8
THREAT_LEVELS = [("ingen", 0.30), ("latent", 0.45), ("konkret", 0.25)]
PURCHASES = [  # kind, weight, provider, cost per day (kr)
    ("skyddat_boende", 0.35, "Skyddat boende Norr AB", 2200),
    ("behandling", 0.25, "Behandlingshemmet Vägen ut", 3100),
    ("flytt", 0.25, "Flyttfirman Trygg", 900),
    ("annat", 0.15, "Exit-programmet", 400),
]
REOFFENCE_KINDS = [("misstankt_brott", 0.45), ("polisanmalan", 0.35), ("dom", 0.15), ("annat", 0.05)]
PLAN_GOALS = [
    "Går i skolan varje dag och klarar godkänt i kärnämnena.",
    "Har en meningsfull fritid med fast aktivitet minst två kvällar i veckan.",
    "Har bruten kontakt med det kriminella nätverket.",
    "Har ett eget boende och en fungerande ekonomi.",
    "Har sysselsättning: arbete, praktik eller studier.",
    "Har förbättrad relation till familjen.",
    "Är drogfri och lämnar drogtest vid behov.",
]
PLAN_ACTIVITIES = [  # what, actor code, when
    ("Samtal med personlig tränare", "personlig_tranare", "varje vecka"),
    ("Möte med mentor om närvaron", "socialtjanst", "varannan vecka"),
    ("Följa med till fritidsaktivitet", "personlig_tranare", "tisdagar och torsdagar"),
    ("Kontakt med Arbetsförmedlingen om praktik", "ungdomen", "inom en månad"),
    ("Familjesamtal", "vardnadshavare", "en gång i månaden"),
    ("Uppföljande samtal med handläggaren", "socialtjanst", "var sjätte vecka"),
]
FOLLOW_UP_DAYS = 120  # plans are followed up about every fourth month
ATTAINMENT = [("uppnatt", 0.35), ("delvis", 0.45), ("ej_uppnatt", 0.20)]
DISCLOSURE_TEXTS = [
    "Uppgift om att ungdomen har insats hos socialtjänsten.",
    "Sammanfattning av genomförandeplanen.",
    "Uppgift om pågående kontakt och kontaktperson.",
    "Uppgift om misstänkt brott enligt OSL 10 kap. 18 a §.",
]
FIELD_AREAS = ["torget", "centrumgallerian", "idrottsplatsen", "pendeltågsstationen", "skolgården", "parken"]
FIELD_NOTES = ["Lugnt.", "Stökigt vid stationen; pratade med vakter.", "Många unga ute efter matchen.", ""]
POLARE_PER_UNIT_AND_YEAR = 8
FIELD_SHIFTS_PER_WEEK_PER_10000 = 2  # at least one shift a week per field unit
AREA_EFFORTS_PER_UNIT_AND_YEAR = 4
CHANGES_SHARE = 0.12  # share of cases with an edit in the change history (besides closures recorded)
DISCLOSURE_SHARE = 0.04  # cases with an utlämnande under a secrecy-breaking rule (consent-based come on top)


class _FastRandom(random.Random):
    """random.Random with a cheaper integer draw (one float, not rejection sampling): randint, randrange,
    choice and sample are hot in the generator. The bias for the small ranges used here is negligible."""

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split total over weights as integers that sum exactly to total (largest remainder)."""
    scale = total / sum(weights)
    raw = [weight * scale for weight in weights]
    parts = [int(value) for value in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _uuid(rng: random.Random) -> str:
    # 32 hex digits: PostgreSQL reads them as a uuid and Django's UUIDField accepts them too
    return f"{rng.getrandbits(128):032x}"


def case_id_text(case_id: str) -> str:
    """The canonical text of a uuid given as 32 hex digits (ChangeLog.object_id is text)."""
    return f"{case_id[:8]}-{case_id[8:12]}-{case_id[12:16]}-{case_id[16:20]}-{case_id[20:]}"


def _next_term(day: datetime.date) -> datetime.date:
    """The first ASLAN group start (terms start 20 January and 25 August) on or after day."""
    for candidate in (datetime.date(day.year, 1, 20), datetime.date(day.year, 8, 25)):
        if candidate >= day:
            return candidate
    return datetime.date(day.year + 1, 1, 20)


def _utc(day: datetime.date, seconds: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) + datetime.timedelta(seconds=seconds)


# --------------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, bulk_create elsewhere


class RowWriter:
    """Writes (model, attnames, rows) with core.bulk (COPY on PostgreSQL, executemany on other databases).

    Between start_background() and finish_background() the COPYs on PostgreSQL run on a worker thread
    (same connection and transaction), so the next chunk is generated while the server takes in the last
    one; the caller must not use the connection meanwhile."""

    def __init__(self, *, batch_size: int = 2000):
        self.postgres = connection.vendor == "postgresql"
        self.batch_size = batch_size
        self.counts: dict[str, int] = {}
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start_background(self) -> None:
        if not self.postgres or self._thread is not None:
            return
        connection.ensure_connection()
        raw = connection.connection
        self._queue = queue.Queue(maxsize=2)

        def work():
            while (job := self._queue.get()) is not None:
                if self._error is None:
                    try:
                        if job[0] is None:
                            job[1]()
                            continue
                        job[0].copy_on(raw, job[1])
                    except BaseException as error:  # reported by finish_background
                        self._error = error

        self._thread = threading.Thread(target=work, name="datagen-copy", daemon=True)
        self._thread.start()

    def finish_background(self) -> None:
        if self._thread is None or self._queue is None:
            return
        self._queue.put(None)
        self._thread.join()
        self._thread = self._queue = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def call(self, function: Callable[[], None]) -> None:
        """Run function once everything written so far is in (on the worker thread when there is one)."""
        if self._queue is None:
            function()
        else:
            self._queue.put((None, function))

    def write(self, model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence]) -> int:
        table = model._meta.db_table
        writer = BulkTable(model, attnames, batch_size=self.batch_size)
        if self._queue is not None:
            rows = rows if isinstance(rows, list) else list(rows)
            count = len(rows)
            if count:
                if self._error is not None:
                    self.finish_background()
                self._queue.put((writer, rows))
        else:
            count = writer.write(rows)
        self.counts[table] = self.counts.get(table, 0) + count
        return count


class ModelRows:
    """Rows for a model given only the columns that matter here: other fields get their default, ""
    for blank text or NULL, so the generator keeps working when an app adds an optional field.
    `skip` leaves columns out of the load (an auto id the database numbers)."""

    _MISSING = object()

    def __init__(self, model: type[models.Model], *, skip: Sequence[str] = ()):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.attnames = [f.attname for f in fields]
        self.defaults = []
        for f in fields:
            if f.has_default() and not callable(f.default):
                self.defaults.append(f.default)
            elif f.null:
                self.defaults.append(None)
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                self.defaults.append("")
            else:
                self.defaults.append(self._MISSING)
        self.plan = list(zip(self.attnames, self.defaults, strict=True))
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        missing = self._MISSING
        row = tuple(values.get(name, default) for name, default in self.plan)
        if missing in row:
            name = self.attnames[row.index(missing)]
            raise ValueError(f"{self.model.__name__}.{name} needs a value")
        self.rows.append(row)


# Tables the generator fills, children first (truncate order) — through tables included.
def _generated_models() -> list[type[models.Model]]:
    return [
        AccessLog,
        ChangeLog,
        Disclosure,
        GoalAttainment,
        FollowUp,
        PlanAgreement,
        Activity,
        Goal,
        PlanParticipant,
        PlanVersion,
        Plan,
        Reoffence,
        PurchasedService,
        DefectorAssessment,
        AslanAttendance,
        AslanMeeting,
        AslanParticipant.parents.through,
        AslanParticipant,
        AslanGroup,
        SkkAssignment,
        MediationMeeting,
        MediationConsultation,
        MediationParty,
        Mediation,
        CommunityServiceSession,
        CommunityServiceWorkplace,
        CommunityServiceOrder,
        VictimSupport,
        PolareNight,
        Polare,
        FieldShift.staff.through,
        FieldShift,
        AreaEffortExtension,
        AreaEffort,
        ConsentRevocation.actors.through,
        ConsentRevocation,
        Consent.actors.through,
        Consent,
        MaturityAssessment,
        CaseUserObjectPermission,
        JournalEntry,
        SearchName,
        Case,
        Custodian,
        Person,
        CaseNumberSequence,
        AgreedVolume,
        Agreement,
        User.groups.through,
        User,
        District,
        Unit,
        Provider,
        Municipality,
    ]


def database_holds_people() -> bool:
    return Person.objects.exists()


def reset_database() -> None:
    """Remove everything the generator writes (PostgreSQL: TRUNCATE; elsewhere: delete, children first)."""
    tables = [model._meta.db_table for model in _generated_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


SCALE_MARK = "generate_data"
GENERATOR_VERSION = 4  # bump when the generated rows change, so `--if-needed` regenerates


def scale_mark(scale: str, seed: int, until: datetime.date) -> str:
    return f"{scale} seed={seed} until={until.isoformat()} v{GENERATOR_VERSION}"


def scale_mark_get() -> str | None:
    """The scale recorded by the last complete generator run on this PostgreSQL database, if any."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [Person._meta.db_table])
        comment = cursor.fetchone()[0] or ""
    return comment.removeprefix(f"{SCALE_MARK} ") if comment.startswith(SCALE_MARK) else None


def _scale_mark_set(value: str | None) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        text = "NULL" if value is None else "'" + f"{SCALE_MARK} {value}".replace("'", "''") + "'"
        cursor.execute(f"COMMENT ON TABLE {Person._meta.db_table} IS {text}")


# --------------------------------------------------------------------------------------------------
# The generator


@dataclass
class _Org:
    """One municipality's organisation as generated (ids only)."""

    municipality_id: int
    people: int
    district_ids: list[int]
    district_cum: list[float]
    # per provider: list of unit ids in UNIT_NAMES order
    provider_units: list[list[int]]
    # unit id -> social worker user ids; unit id -> coordinator ids
    workers: dict[int, list[int]] = field(default_factory=dict)
    coordinators: dict[int, list[int]] = field(default_factory=dict)


class _CaseInfo(NamedTuple):
    code: str
    id: str
    person_id: str
    born: datetime.date
    opened: datetime.date
    closed: datetime.date | None
    reason: str
    last_day: datetime.date
    unit: int
    handler: int
    custodians: list[int]


# key -> model, in write order (parents first); these are the insats details and history of the cases
DETAIL_MODELS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "victim": (VictimSupport, ()),
    "cs_order": (CommunityServiceOrder, ()),
    "cs_workplace": (CommunityServiceWorkplace, ()),
    "cs_session": (CommunityServiceSession, ()),
    "mediation": (Mediation, ()),
    "mediation_party": (MediationParty, ()),
    "mediation_consultation": (MediationConsultation, ()),
    "mediation_meeting": (MediationMeeting, ()),
    InsatsCode.SKK: (SkkAssignment, ()),
    "aslan_group": (AslanGroup, ()),
    "aslan_meeting": (AslanMeeting, ()),
    "aslan_participant": (AslanParticipant, ()),
    "aslan_parent": (AslanParticipant.parents.through, ("id",)),
    "aslan_attendance": (AslanAttendance, ()),
    "assessment": (DefectorAssessment, ()),
    "purchase": (PurchasedService, ()),
    "plan": (Plan, ()),
    "plan_version": (PlanVersion, ()),
    "plan_participant": (PlanParticipant, ()),
    "goal": (Goal, ()),
    "activity": (Activity, ()),
    "plan_agreement": (PlanAgreement, ()),
    "follow_up": (FollowUp, ()),
    "attainment": (GoalAttainment, ()),
    "reoffence": (Reoffence, ()),
    "disclosure": (Disclosure, ()),
    "change": (ChangeLog, ()),
}


@dataclass
class GenerationResult:
    scale: str
    seed: int
    seconds: float
    counts: dict[str, int]
    timings: dict[str, float]


class DataGenerator:
    """Generates one scale's data in a fixed order from one seeded random stream."""

    PEOPLE_CHUNK = 5000

    def __init__(
        self,
        scale: Scale,
        *,
        seed: int = 8,
        until: datetime.date = DEFAULT_UNTIL,
        progress: Callable[[str], None] | None = None,
    ):
        self.scale = scale
        self.seed = seed
        self.until = until
        self.start = datetime.date(until.year - YEARS_OF_HISTORY, until.month, 1)
        self.rng = _FastRandom(f"{scale.name}:{seed}")
        self.progress = progress or (lambda message: None)
        self.writer = RowWriter()
        # ratios that turn the scale's totals into per-row draws
        self.cases_per_person = scale.cases / scale.people
        self.entries_per_case = scale.entries / scale.cases
        self.log_per_case = scale.access_log / scale.cases
        self.next_id = {
            "custodian": 1, "entry": 1, "log": 1, "consent": 1, "revocation": 1, "maturity": 1, "victim": 1,
            "plan_version": 1,
        }  # fmt: skip
        # PostgreSQL writes the journal and the access log server-side from the cases (INSERT … SELECT)
        self.sql_bulk = connection.vendor == "postgresql"
        self._json = Jsonb if self.sql_bulk else (lambda value: value)
        self.actor_by_code = dict(Actor.objects.values_list("code", "id"))
        bases = list(
            LegalBasis.objects.filter(active=True).order_by("sort_order", "code").values_list("id", "is_consent")
        )
        self.consent_basis = next((pk for pk, is_consent in bases if is_consent), None)
        self.osl_bases: list[int | None] = [pk for pk, is_consent in bases if not is_consent] or [self.consent_basis]
        self.fee_rates = list(
            PolareFeeRate.objects.order_by("-min_years_of_service").values_list(
                "min_age", "max_age", "min_years_of_service", "fee_per_night"
            )
        )
        self.aslan_groups: dict[tuple[int, datetime.date], list] = {}
        self.case_mix: dict[str, int] = {}  # cases per insats code as generated
        self.detail_writers = {
            InsatsCode.VICTIM_SUPPORT: self._victim_support,
            InsatsCode.COMMUNITY_SERVICE: self._community_service,
            InsatsCode.MEDIATION: self._mediation,
            InsatsCode.SKK: self._skk,
            InsatsCode.ASLAN: self._aslan,
            InsatsCode.AVHOPP: self._avhopp,
        }
        self.outcome_cum = _cumulative([weight for _code, weight in MEDIATION_OUTCOMES])
        self.threat_cum = _cumulative([weight for _code, weight in THREAT_LEVELS])
        self.purchase_cum = _cumulative([weight for _code, weight, *_rest in PURCHASES])
        self.attainment_cum = _cumulative([weight for _code, weight in ATTAINMENT])
        self.reoffence_cum = _cumulative([weight for _code, weight in REOFFENCE_KINDS])
        self.case_numbers: dict[int, int] = {}
        self.used_numbers: dict[datetime.date, int] = {}
        self.insats_ids = dict(InsatsType.objects.values_list("code", "id"))
        self.insats_ranges = {
            row[0]: (row[1], row[2]) for row in InsatsType.objects.values_list("code", "min_age", "max_age")
        }
        self.actor_ids = list(
            Actor.objects.filter(needs_consent=True).order_by("sort_order").values_list("id", flat=True)
        )
        self.insats_codes = list(INSATS_PROFILE)
        self.insats_cum = _cumulative([INSATS_PROFILE[code][0] for code in self.insats_codes])
        self.referral_cum = _cumulative([weight for _code, weight in REFERRALS])
        self.closure_cum = _cumulative([weight for _code, weight in CLOSURES])
        self.kind_cum = _cumulative([weight for _code, weight in ENTRY_KINDS])
        self.what_cum = _cumulative([weight for *_rest, weight in ACCESS_WHAT])
        self.first_cum = _cumulative(_zipf_weights(len(GIRL_NAMES), 0.7))
        self.last_cum = _cumulative(_zipf_weights(len(LAST_NAMES), 0.8))
        self.timings: dict[str, float] = {}

    # -- helpers --------------------------------------------------------------------------------------

    def _pick(self, items: Sequence, cum: Sequence[float]):
        return items[_bisect(cum, self.rng.random() * cum[-1])]

    def _day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        span = (last - first).days
        return first + datetime.timedelta(days=self.rng.randint(0, max(span, 0)))

    def _timed(self, label: str, started: float) -> None:
        self.timings[label] = self.timings.get(label, 0.0) + time.perf_counter() - started

    # -- the run --------------------------------------------------------------------------------------

    def run(self) -> GenerationResult:
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        # S, M and L on PostgreSQL: indexes dropped for the load and rebuilt after; the journal and the access
        # log are written by two more connections while the people and cases are still being generated
        big = postgres and self.scale.access_log >= 1_000_000
        if big:
            self._run_pipelined()
        else:
            with transaction.atomic():
                if postgres:
                    with connection.cursor() as cursor:
                        # consistent by construction: skip per-row FK checks and triggers during the load
                        cursor.execute("SET LOCAL session_replication_role = replica")
                        cursor.execute("SET LOCAL synchronize_seqscans = off")
                _scale_mark_set(None)
                orgs = self._organisation()
                self._people_and_cases(orgs)
                self._field_work(orgs)
                self._search_names()
                if postgres:
                    with connection.cursor() as cursor:
                        self._sql_setup(cursor, orgs, on_commit_drop=True)
                        self._journal_sql(cursor, ALL_UNITS, self._entry_weights())
                        self._log_sql(cursor, ALL_UNITS)
        with transaction.atomic():
            self._sequences()
            _scale_mark_set(scale_mark(self.scale.name, self.seed, self.until))
        if postgres:
            analyze_started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self._timed("analyze", analyze_started)
        return GenerationResult(
            scale=self.scale.name,
            seed=self.seed,
            seconds=time.perf_counter() - started,
            counts=dict(self.writer.counts),
            timings=dict(self.timings),
        )

    def _run_pipelined(self) -> None:
        """The load for S, M and L on PostgreSQL, using both cores.

        The main connection works in autocommit: each COPY commits by itself (the rows are consistent by
        construction; FK checks and triggers are off for the session). A writer thread does the COPYs while
        the next chunk is generated. After every batch of municipalities (BATCH_PEOPLE people) the journal
        and the access log of that batch's units are written server-side by two more connections, one
        INSERT … SELECT per batch and table, in batch order, so the ids are the same on every run. At the
        end both connections rebuild the dropped indexes (the access log's, the largest, first). Should the
        run stop midway, the dropped index definitions wait in a table comment for the next run."""
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET synchronize_seqscans = off")
        pipeline = None
        try:
            _scale_mark_set(None)
            dropped = _pending_indexes()
            _pending_indexes_set(dropped)  # written before dropping, so a stop after the drop still knows them
            dropped += _drop_secondary_indexes([model._meta.db_table for model in _generated_models()])
            _pending_indexes_set(dropped)
            orgs = self._organisation()
            self._view_case_permission_id()
            pipeline = _Pipeline(self, orgs)
            self.writer.start_background()
            try:
                self._people_and_cases(orgs, on_batch=pipeline.batch)
                self._field_work(orgs)
            finally:
                wait_started = time.perf_counter()
                self.writer.finish_background()
                self._timed("copy wait", wait_started)
            self._search_names()  # while the other connections write the journal and the log
            pipeline.finish(dropped)
            pipeline = None
            _pending_indexes_set([])
        finally:
            if pipeline is not None:
                pipeline.abort()
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET synchronous_commit")
                cursor.execute("RESET synchronize_seqscans")

    def _search_names(self) -> None:
        """The name search index, derived from people and cases in one statement (the load skips triggers)."""
        started = time.perf_counter()
        search_names.rebuild()
        self._timed("name search index", started)

    def _new_details(self) -> dict[str, ModelRows]:
        return {key: ModelRows(model, skip=skip) for key, (model, skip) in DETAIL_MODELS.items()}

    # -- fältverksamhet: shifts, polare and their nights, områdesinsatser (per field unit, no cases) -----

    def _field_work(self, orgs: list[_Org]) -> None:
        started = time.perf_counter()
        rng = self.rng
        tables: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
            "shift": (FieldShift, ()),
            "shift_staff": (FieldShift.staff.through, ("id",)),
            "polare": (Polare, ()),
            "night": (PolareNight, ()),
            "effort": (AreaEffort, ()),
            "extension": (AreaEffortExtension, ()),
        }
        d = {key: ModelRows(model, skip=skip) for key, (model, skip) in tables.items()}
        weeks = (self.until - self.start).days // 7
        first_monday = self.start + datetime.timedelta(days=(7 - self.start.weekday()) % 7)
        for org in orgs:
            per_provider = org.people / len(org.provider_units)
            shifts_per_week = max(1, min(6, round(per_provider * FIELD_SHIFTS_PER_WEEK_PER_10000 / 10_000)))
            for unit_ids in org.provider_units:
                unit = unit_ids[2]  # Fältverksamheten
                staff = org.workers[unit]
                for week in range(weeks):
                    monday = first_monday + datetime.timedelta(weeks=week)
                    for n in range(shifts_per_week):
                        day = monday + datetime.timedelta(days=(4 + n) % 7)  # Friday, Saturday, Sunday, …
                        if day > self.until:
                            continue
                        met = rng.randint(0, 40)
                        shift_id = self._id("shift")
                        pair = rng.sample(staff, 2) if len(staff) > 1 else staff
                        d["shift"].add(
                            id=shift_id, unit_id=unit, worked_on=day,
                            district_id=self._pick(org.district_ids, org.district_cum),
                            area=FIELD_AREAS[rng.randrange(len(FIELD_AREAS))], youths_met=met,
                            youths_talked=rng.randint(0, met), notes=FIELD_NOTES[rng.randrange(len(FIELD_NOTES))],
                            recorded_by_id=pair[0],
                        )  # fmt: skip
                        for member in pair:
                            d["shift_staff"].rows.append((shift_id, member))
                self._polare(d, unit)
                for _year in range(YEARS_OF_HISTORY):
                    for _e in range(AREA_EFFORTS_PER_UNIT_AND_YEAR):
                        starts = self._day_between(self.start, self.until)
                        effort_weeks = rng.randint(1, 12)
                        ends = starts + datetime.timedelta(weeks=effort_weeks)
                        effort_id = self._id("effort")
                        creator = staff[rng.randrange(len(staff))]
                        extension = rng.random() < 0.25 and ends < self.until
                        new_ends = ends + datetime.timedelta(weeks=rng.randint(1, 4)) if extension else ends
                        d["effort"].add(
                            id=effort_id, unit_id=unit, district_id=self._pick(org.district_ids, org.district_cum),
                            reason="Oro för ungdomar som samlas kvällstid; skadegörelse och droger.",
                            starts_on=starts, weeks=effort_weeks, ends_on=new_ends,
                            created_by_id=creator,
                        )  # fmt: skip
                        if extension:
                            d["extension"].add(
                                id=self._id("extension"), effort_id=effort_id, weeks=(new_ends - ends).days // 7,
                                previous_ends_on=ends, new_ends_on=new_ends, reason="Fortsatt oro i området.",
                                created_by_id=creator, created_at=_utc(ends - datetime.timedelta(days=3), 14 * 3600),
                            )  # fmt: skip
        for rows in d.values():
            self.writer.write(rows.model, rows.attnames, rows.rows)
        self._timed("field", started)

    def _polare(self, d, unit: int) -> None:
        """POLARE_PER_UNIT_AND_YEAR new polare each school year, serving one or two school years; each works
        about every other Friday or Saturday from September to May, at the fee table's rate for the night."""
        rng = self.rng
        for year in range(self.start.year, self.until.year + 1):
            term_start = datetime.date(year, 8, 25)
            if term_start > self.until:
                break
            for _p in range(POLARE_PER_UNIT_AND_YEAR):
                born = term_start - datetime.timedelta(days=rng.randint(16 * 365, 19 * 365))
                years = 1 if rng.random() < 0.6 else 2
                polare_id = self._id("polare")
                last_day = datetime.date(year + years, 5, 31)
                d["polare"].add(
                    id=polare_id, unit_id=unit, name=f"{self._pick(GIRL_NAMES, self.first_cum)} "
                    f"{self._pick(LAST_NAMES, self.last_cum)}", birth_date=born, service_started_on=term_start,
                    active=last_day >= self.until,
                )  # fmt: skip
                day = term_start + datetime.timedelta(days=(4 - term_start.weekday()) % 7)  # first Friday
                while day <= min(last_day, self.until):
                    if day.month not in (6, 7, 8) and rng.random() < 0.5:
                        night = day + datetime.timedelta(days=rng.randint(0, 1))
                        fee = self._polare_fee(born, term_start, night)
                        if fee is not None and night <= self.until:
                            d["night"].add(
                                id=self._id("night"), polare_id=polare_id, worked_on=night, fee=fee, status="arbetad"
                            )
                    day += datetime.timedelta(weeks=1)

    def _polare_fee(self, born: datetime.date, started: datetime.date, on: datetime.date):
        age, service = age_on(born, on), age_on(started, on)
        for min_age, max_age, min_years, fee in self.fee_rates:  # most years of service first
            if min_age <= age <= max_age and min_years <= service:
                return fee
        return None

    # -- journal and access log server-side (PostgreSQL): no Python per row --------------------------------

    # Journal entries and access-log rows come from the cases with INSERT … SELECT. Deterministic: every
    # number is a hash of the case id and the row's ordinal (hashint8extended), never random(), and the
    # rows are numbered in the order of a plain scan of the cases (synchronised scans off, one inserter).

    def _sql_setup(self, cursor, orgs: list[_Org], *, on_commit_drop: bool) -> None:
        drop = " ON COMMIT DROP" if on_commit_drop else ""
        cursor.execute("DROP TABLE IF EXISTS pg_temp.gen_unit")  # a test's outer transaction never commits
        cursor.execute(
            "CREATE TEMP TABLE gen_unit (unit_id integer PRIMARY KEY, workers integer[] NOT NULL,"
            f" n integer NOT NULL, ip_prefix text NOT NULL){drop}"
        )
        units = [
            (unit, workers, len(workers), f"10.{org.municipality_id % 250}.")
            for org in orgs
            for unit, workers in org.workers.items()
        ]
        cursor.executemany("INSERT INTO gen_unit VALUES (%s, %s, %s, %s)", units)

    def _entry_weights(self) -> tuple[list[int], list[float]]:
        """Longer insatser get more journal entries: weight ∝ √(mean days open), normalised over the cases
        generated so far (so the total follows the scale)."""
        mean_days = {code: (low + high) / 2 for code, (_w, _u, low, high) in INSATS_PROFILE.items()}
        total = sum(self.case_mix.values()) or 1
        norm = sum(self.case_mix.get(c, 0) * math.sqrt(mean_days[c]) for c in INSATS_PROFILE) / total or 1.0
        codes = list(INSATS_PROFILE)
        return [self.insats_ids[code] for code in codes], [math.sqrt(mean_days[code]) / norm for code in codes]

    def _journal_sql(self, cursor, units: tuple[int, int], weights: tuple[list[int], list[float]]) -> None:
        """The journal of the cases of units[0]..units[1], and rättelser of about 0.5 % of the signed entries."""
        until = self.until
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {JournalEntry._meta.db_table}")
        before = cursor.fetchone()[0]
        kinds = _hundred(ENTRY_KINDS)
        started = time.perf_counter()
        self.progress("journalanteckningar (SQL) …")
        cursor.execute(
            f"""
            INSERT INTO {JournalEntry._meta.db_table}
                (case_id, kind, occurred_on, text, author_id, created_at, signed_at, corrects_id)
            SELECT id, kind, day, text, handler_id, at,
                   CASE WHEN signed THEN at + minutes * interval '1 minute' END, NULL
            FROM (
                SELECT id, kind, day, text, handler_id, signed, minutes,
                       (day + seconds * interval '1 second') AT TIME ZONE 'UTC' AS at
                FROM (
                    SELECT c.id, c.handler_id,
                           (%(kinds)s::text[])[1 + mod(h & 1023, 100)] AS kind,
                           c.opened_on + mod((h >> 10) & 1048575, c.span + 1)::integer AS day,
                           (%(texts)s::text[])[1 + mod((h >> 30) & 1023, %(text_count)s)] AS text,
                           8 * 3600 + mod((h >> 40) & 65535, 9 * 3600) AS seconds,
                           mod((h >> 56) & 127, 100) < 97 AS signed,
                           5 + mod((h >> 20) & 1023, 596) AS minutes
                    FROM (
                        SELECT c.id, c.handler_id, c.opened_on,
                               COALESCE(c.closed_on, %(until)s) - c.opened_on AS span,
                               hashtext(c.id::text)::bigint AS seed,
                               1 + floor(2 * (%(mean)s - 1)
                                         * COALESCE((%(weights)s::float8[])[array_position(%(insats)s::integer[],
                                                                                         c.insats_type_id)], 1)
                                         * ((hashint8extended(0, hashtext(c.id::text)) & 1048575) / 1048576.0)
                                         + 0.5)::integer AS n
                        FROM {Case._meta.db_table} c
                        WHERE c.unit_id BETWEEN %(low)s AND %(high)s
                        ORDER BY c.id
                    ) c
                    CROSS JOIN LATERAL generate_series(1, c.n) AS i
                    CROSS JOIN LATERAL hashint8extended(i, c.seed) AS h
                ) rows
            ) timed
            """,
            {
                "kinds": kinds,
                "texts": ENTRY_TEXTS,
                "text_count": len(ENTRY_TEXTS),
                "until": until,
                "mean": self.entries_per_case,
                "insats": weights[0],
                "weights": weights[1],
                "low": units[0],
                "high": units[1],
            },
        )
        count = cursor.rowcount
        # rättelser: about 0.5 % of the signed entries get a correction entry pointing at them
        cursor.execute(
            f"""
            INSERT INTO {JournalEntry._meta.db_table}
                (case_id, kind, occurred_on, text, author_id, created_at, signed_at, corrects_id)
            SELECT case_id, 'rattelse', occurred_on, %(text)s, author_id, signed_at + interval '2 hours',
                   signed_at + interval '2 hours 10 minutes', id
            FROM {JournalEntry._meta.db_table}
            WHERE id > %(before)s AND signed_at IS NOT NULL
              AND mod(hashtext(case_id::text || created_at::text) & 1023, 200) = 0
            ORDER BY id
            """,
            {"text": CORRECTION_TEXT, "before": before},
        )
        count += cursor.rowcount
        table = JournalEntry._meta.db_table
        self.writer.counts[table] = self.writer.counts.get(table, 0) + count
        self._timed("journal (sql)", started)

    def _log_sql(self, cursor, units: tuple[int, int]) -> None:
        """The access log of the cases of units[0]..units[1]."""
        until = self.until
        whats = _hundred([(f"{action}:{what}", weight) for action, what, weight in ACCESS_WHAT])
        started = time.perf_counter()
        self.progress("åtkomstlogg (SQL) …")
        cursor.execute(
            f"""
            INSERT INTO {AccessLog._meta.db_table}
                (at, user_id, role, unit_id, person_id, case_id, action, what, protected_identity, ip_address)
            SELECT (day + seconds * interval '1 second') AT TIME ZONE 'UTC', reader, 'socialsekreterare', unit_id,
                   person_id, id, split_part(what, ':', 1), split_part(what, ':', 2), false, ip::inet
            FROM (
                SELECT c.id, c.person_id, c.unit_id,
                       c.opened_on + mod((h >> 10) & 1048575, c.span + 1)::integer AS day,
                       7 * 3600 + mod((h >> 30) & 65535, 11 * 3600) AS seconds,
                       CASE WHEN mod(h & 1023, 10) < 7 THEN c.handler_id
                            ELSE u.workers[1 + mod((h >> 46) & 65535, u.n)] END AS reader,
                       (%(whats)s::text[])[1 + mod((h >> 20) & 1023, 100)] AS what,
                       u.ip_prefix || ((h >> 48) & 255) || '.' || (1 + mod((h >> 56) & 255, 254)) AS ip
                FROM (
                    SELECT c.id, c.person_id, c.unit_id, c.handler_id, c.opened_on,
                           LEAST(COALESCE(c.closed_on, %(until)s) + 30, %(until)s) - c.opened_on AS span,
                           hashtext(c.id::text)::bigint # 1234567 AS seed,
                           floor(2 * %(mean)s
                                 * ((hashint8extended(0, hashtext(c.id::text) # 1234567) & 1048575) / 1048576.0)
                                 + 0.5)::integer AS n
                    FROM {Case._meta.db_table} c
                    WHERE c.unit_id BETWEEN %(low)s AND %(high)s
                    ORDER BY c.id
                ) c
                CROSS JOIN LATERAL (SELECT * FROM gen_unit u WHERE u.unit_id = c.unit_id OFFSET 0) u
                CROSS JOIN LATERAL generate_series(1, c.n) AS i
                CROSS JOIN LATERAL hashint8extended(i, c.seed) AS h
            ) rows
            """,
            {"whats": whats, "until": until, "mean": self.log_per_case, "low": units[0], "high": units[1]},
        )
        table = AccessLog._meta.db_table
        self.writer.counts[table] = self.writer.counts.get(table, 0) + cursor.rowcount
        self._timed("access log (sql)", started)

    # -- organisation: municipalities, districts, providers, units, users, agreements ---------------

    def _organisation(self) -> list[_Org]:
        started = time.perf_counter()
        count = self.scale.municipalities
        names = list(KNOWN_MUNICIPALITIES)
        if count <= 2:
            # small scales model the board papers' city (and its neighbour)
            names = [("Stockholms stad", "0180")] if self.scale.name == "M" else []
            names += [("Linköpings kommun", "0580"), ("Norrköpings kommun", "0581")]
        used_codes = {code for _name, code in names}
        code_iter = (f"{n:04d}" for n in range(114, 9999) if f"{n:04d}" not in used_codes)
        while len(names) < count:
            code = next(code_iter)
            names.append((f"Kommun {code}", code))
        names = names[:count]
        people_split = _split(self.scale.people, _zipf_weights(count, 1.0) if count > 1 else [1.0])
        if self.scale.name == "XS":
            people_split = _split(self.scale.people, [2, 1])

        municipalities = [Municipality(id=i + 1, name=name, code=code) for i, (name, code) in enumerate(names)]
        Municipality.objects.bulk_create(municipalities)
        self.writer.counts[Municipality._meta.db_table] = len(municipalities)

        districts, providers, units, agreements, volumes = [], [], [], [], []
        orgs: list[_Org] = []
        district_id = provider_id = unit_id = agreement_id = 0
        for municipality, people in zip(municipalities, people_split, strict=True):
            if municipality.code == "0180":
                district_names = STOCKHOLM_DISTRICTS
            elif municipality.code == "0580":
                district_names = LINKOPING_DISTRICTS
            else:
                district_names = GENERIC_DISTRICTS
            ids = []
            for name in district_names:
                district_id += 1
                ids.append(district_id)
                districts.append(District(id=district_id, municipality_id=municipality.id, name=name))
            rest = _zipf_weights(len(ids) - 1, 0.6)
            weights = [DISTRICT_WEIGHTS_HEAD] + [w * (1 - DISTRICT_WEIGHTS_HEAD) / sum(rest) for w in rest]
            provider_units = []
            for p in range(max(1, math.ceil(people / PEOPLE_PER_PROVIDER))):
                provider_id += 1
                name = "Råd och stöd" if p == 0 else f"Stadsdelsförvaltning {p + 1}"
                providers.append(Provider(id=provider_id, municipality_id=municipality.id, name=name))
                unit_ids = []
                for unit_name in UNIT_NAMES:
                    unit_id += 1
                    unit_ids.append(unit_id)
                    units.append(Unit(id=unit_id, provider_id=provider_id, name=unit_name))
                provider_units.append(unit_ids)
                agreement_id += 1
                agreements.append(
                    Agreement(
                        id=agreement_id,
                        provider_id=provider_id,
                        name=f"Verksamhetsuppdrag {name} {self.until.year - 1}–{self.until.year + 1}",
                        reference=f"SN {self.until.year - 2}/{100 + agreement_id}",
                        starts_on=datetime.date(self.until.year - 1, 1, 1),
                        ends_on=datetime.date(self.until.year + 1, 12, 31),
                        budget=3_854_000,
                    )
                )
                yearly_cases = self.scale.cases / YEARS_OF_HISTORY * people / self.scale.people / len(provider_units)
                for code, (weight, *_rest) in INSATS_PROFILE.items():
                    expected = max(1, round(yearly_cases * weight))
                    volumes.append(
                        AgreedVolume(
                            agreement_id=agreement_id,
                            insats_type_id=self.insats_ids[code],
                            min_per_year=max(1, round(expected * 0.85)),
                            max_per_year=max(2, round(expected * 1.15)),
                        )
                    )
            orgs.append(
                _Org(
                    municipality_id=municipality.id,
                    people=people,
                    district_ids=ids,
                    district_cum=_cumulative(weights),
                    provider_units=provider_units,
                )
            )
        batches: list[tuple[type[models.Model], Sequence[models.Model]]] = [
            (District, districts),
            (Provider, providers),
            (Unit, units),
            (Agreement, agreements),
        ]
        for model, rows in batches:
            model._default_manager.bulk_create(rows, batch_size=2000)
            self.writer.counts[model._meta.db_table] = len(rows)
        AgreedVolume.objects.bulk_create(volumes, batch_size=2000)
        self.writer.counts[AgreedVolume._meta.db_table] = len(volumes)
        self._users(orgs)
        self._timed("organisation", started)
        return orgs

    def _users(self, orgs: list[_Org]) -> None:
        password = make_password(BENCH_PASSWORD)
        groups = dict(Group.objects.values_list("name", "id"))
        user_rows, group_rows = [], []
        user_id = 0
        joined = _utc(self.start, 8 * 3600)

        def add(username, first, last, unit, role, title):
            nonlocal user_id
            user_id += 1
            user_rows.append((user_id, password, False, username, first, last, "", False, True, joined, unit, title))
            group_rows.append((user_id, groups[role]))
            return user_id

        for m, org in enumerate(orgs):
            cases_here = self.scale.cases * org.people / self.scale.people
            share = [0.0] * len(UNIT_NAMES)
            for weight, unit_index, *_days in INSATS_PROFILE.values():
                share[unit_index] += weight
            for p, unit_ids in enumerate(org.provider_units):
                for u, unit in enumerate(unit_ids):
                    bench_unit = m == 0 and p == 0 and u == 0
                    prefix = f"k{org.municipality_id}p{p + 1}e{u + 1}"
                    per_unit = round(cases_here * share[u] / len(org.provider_units) / CASES_PER_SOCIAL_WORKER)
                    workers = []
                    for n in range(max(SOCIAL_WORKERS_PER_UNIT_MIN, per_unit)):
                        if bench_unit and n == 0:
                            username, first, last = BENCH_HANDLER, "Hanna", "Handläggare"
                        elif bench_unit and n == 1:
                            username, first, last = BENCH_COLLEAGUE, "Kalle", "Kollega"
                        else:
                            username = f"{prefix}.ss{n + 1}"
                            first = self._pick(GIRL_NAMES if n % 2 else BOY_NAMES, self.first_cum)
                            last = self._pick(LAST_NAMES, self.last_cum)
                        workers.append(add(username, first, last, unit, Role.SOCIAL_WORKER, "Socialsekreterare"))
                    if bench_unit:
                        for n in range(LOADTEST_USERS):
                            workers.append(
                                add(f"bench.ss{n + 1:02d}", "Last", f"Test{n + 1}", unit, Role.SOCIAL_WORKER, "")
                            )
                    org.workers[unit] = workers
                    org.coordinators[unit] = [
                        add(
                            BENCH_COORDINATOR if bench_unit else f"{prefix}.samordnare",
                            "Sara",
                            "Samordnare",
                            unit,
                            Role.COORDINATOR,
                            "Samordnare",
                        )
                    ]
                    add(
                        BENCH_MANAGER if bench_unit else f"{prefix}.chef",
                        "Maria",
                        "Chef",
                        unit,
                        Role.MANAGER,
                        "Enhetschef",
                    )
        add(BENCH_STATISTICS, "Stina", "Statistik", None, Role.STATISTICS, "Statistiker")
        self.writer.write(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "unit_id",
                "title",
            ],
            user_rows,
        )
        self.writer.write(User.groups.through, ["user_id", "group_id"], group_rows)

    # -- people, custodians, cases, journal, access log, consent --------------------------------------

    def _birth_date(self) -> datetime.date:
        # age on `until` 11–27, most between 14 and 19
        age = min(27, max(11, round(self.rng.gauss(16.5, 3.0))))
        born = self.until - datetime.timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))
        return born

    def _id_number(self, born: datetime.date) -> tuple[str, str, datetime.date]:
        """An identity number not used before, and the birth date it carries: on a crowded birth date (all
        serials taken, as at scale L) the person is born on the next day with a free serial instead."""
        while True:
            serial = self.used_numbers.get(born, self.rng.randint(0, 199))
            if serial <= 999:
                break
            born += datetime.timedelta(days=1)
        self.used_numbers[born] = serial + 1 + (self.rng.random() < 0.5)
        roll = self.rng.random()
        if roll < 0.01:
            return "samordningsnummer", personnummer(born, serial, coordination=True), born
        if roll < 0.012:
            return "reservnummer", f"R{born:%y%m%d}{serial:03d}", born
        return "personnummer", personnummer(born, serial), born

    def _people_and_cases(self, orgs: list[_Org], on_batch: Callable | None = None) -> None:
        person_cols = [
            "id", "id_kind", "id_number", "first_name", "last_name", "birth_date", "gender", "street_address",
            "postal_code", "city", "district_id", "protection", "unit_id", "created_at", "version",
        ]  # fmt: skip
        custodian_cols = ["id", "person_id", "name", "id_number", "relation", "phone", "email"]
        case_cols = [
            "id", "number", "person_id", "insats_type_id", "unit_id", "handler_id", "referral_source", "basis",
            "opened_on", "closed_on", "closure_reason", "closure_note", "next_follow_up_on", "created_at",
            "updated_at", "version",
        ]  # fmt: skip
        entry_cols = [
            "id",
            "case_id",
            "kind",
            "occurred_on",
            "text",
            "author_id",
            "created_at",
            "signed_at",
            "corrects_id",
        ]
        log_cols = [
            "id", "at", "user_id", "role", "unit_id", "person_id", "case_id", "action", "what", "protected_identity",
            "ip_address",
        ]  # fmt: skip
        consent_cols = [
            "id",
            "person_id",
            "custodian_id",
            "given_on",
            "form",
            "valid_until",
            "note",
            "recorded_by_id",
            "recorded_at",
        ]
        done = batch_people = 0
        batch_first_unit = orgs[0].provider_units[0][0]
        for org in orgs:
            remaining = org.people
            while remaining > 0:
                chunk = min(self.PEOPLE_CHUNK, remaining)
                remaining -= chunk
                gen_started = time.perf_counter()
                rows = self._chunk(org, chunk)
                self._timed("python", gen_started)
                copy_started = time.perf_counter()
                self.writer.write(Person, person_cols, rows["person"])
                self.writer.write(Custodian, custodian_cols, rows["custodian"])
                self.writer.write(Case, case_cols, rows["case"])
                self.writer.write(JournalEntry, entry_cols, rows["entry"])
                self.writer.write(AccessLog, log_cols, rows["log"])
                self.writer.write(Consent, consent_cols, rows["consent"])
                self.writer.write(Consent.actors.through, ["consent_id", "actor_id"], rows["consent_actor"])
                self.writer.write(
                    ConsentRevocation, ["id", "consent_id", "revoked_on", "reason", "recorded_by_id", "recorded_at"],
                    rows["revocation"],
                )  # fmt: skip
                self.writer.write(
                    ConsentRevocation.actors.through, ["consentrevocation_id", "actor_id"], rows["revocation_actor"]
                )
                self.writer.write(
                    MaturityAssessment,
                    ["id", "person_id", "assessed_on", "mature", "reasoning", "assessed_by_id", "recorded_at"],
                    rows["maturity"],
                )
                self.writer.write(
                    CaseUserObjectPermission, ["user_id", "permission_id", "content_object_id"], rows["grant"]
                )
                for details in rows["details"]:
                    self.writer.write(details.model, details.attnames, details.rows)
                self._timed("copy", copy_started)
                done += chunk
                self.progress(f"{done:,} av {self.scale.people:,} personer".replace(",", " "))
            batch_people += org.people
            if on_batch is not None and (batch_people >= BATCH_PEOPLE or org is orgs[-1]):
                units = (batch_first_unit, org.provider_units[-1][-1])
                self.writer.call(functools.partial(on_batch, units, self._entry_weights()))
                batch_people, batch_first_unit = 0, units[1] + 1

    def _chunk(self, org: _Org, people: int) -> dict[str, list]:
        rng = self.rng
        until = self.until
        out: dict[str, list] = {
            key: []
            for key in (
                "person",
                "custodian",
                "case",
                "entry",
                "log",
                "consent",
                "consent_actor",
                "revocation",
                "revocation_actor",
                "maturity",
                "grant",
            )
        }
        view_case_permission = self._view_case_permission_id()
        d = self._new_details()
        out["details"] = list(d.values())
        providers = org.provider_units
        for _ in range(people):
            person_id = _uuid(rng)
            born = self._birth_date()
            id_kind, id_number, born = self._id_number(born)
            girl = rng.random() < 0.42
            gender = "flicka" if girl else "pojke"
            if rng.random() < 0.01:
                gender = rng.choice(["annat", "okant"])
            first = self._pick(GIRL_NAMES if girl else BOY_NAMES, self.first_cum)
            last = self._pick(LAST_NAMES, self.last_cum)
            district = self._pick(org.district_ids, org.district_cum)
            roll = rng.random()
            protection = ""
            if roll < 0.01:  # ≈1 % skyddade personuppgifter, most of them sekretessmarkering
                protection = (
                    "sekretessmarkering"
                    if roll < 0.007
                    else ("skyddad_folkbokforing" if roll < 0.0095 else "fingerade")
                )
            unit_ids = providers[rng.randrange(len(providers))]
            # cases: at least one; the mean follows the scale's ratio
            case_count = 1 + _poisson(rng, self.cases_per_person - 1)
            earliest = max(self.start, _add_years(born, 10))
            case_rows = []
            for _c in range(case_count):
                # the insats first, then a day on which the person's age fits it, so the mix of new cases
                # follows INSATS_PROFILE (drawing the day first would turn most ASLAN draws into stöd)
                for _draw in range(4):  # an insats the person is never the age for is drawn again
                    code = self._pick(self.insats_codes, self.insats_cum)
                    low, high = self.insats_ranges[code]
                    window_start = max(earliest, _add_years(born, low))
                    window_end = min(until, _add_years(born, high + 1) - datetime.timedelta(days=1))
                    if window_start <= window_end:
                        break
                if window_start <= window_end:
                    opened = self._day_between(window_start, window_end)
                    age = age_on(born, opened)
                else:
                    opened = self._day_between(earliest, until)
                    age = age_on(born, opened)
                    code = InsatsCode.VICTIM_SUPPORT if age <= 21 else InsatsCode.SIG
                    low, high = self.insats_ranges[code]
                    if not low <= age <= high:
                        continue
                _weight, unit_index, min_days, max_days = INSATS_PROFILE[code]
                if code == InsatsCode.AVHOPP and age >= 21:
                    unit_index = 4
                unit = unit_ids[unit_index]
                handler = org.workers[unit][rng.randrange(len(org.workers[unit]))]
                closes = opened + datetime.timedelta(days=rng.randint(min_days, max_days))
                closed = closes if closes <= until else None
                case_rows.append((code, opened, closed, unit, handler))
            if not case_rows:
                case_rows.append(("stod_brottsutsatta", until, None, unit_ids[0], org.workers[unit_ids[0]][0]))
            case_rows.sort(key=lambda row: row[1])
            person_unit = case_rows[0][3]
            created = _utc(case_rows[0][1], 9 * 3600 + rng.randint(0, 8 * 3600))
            out["person"].append(
                (
                    person_id, id_kind, id_number, first, last, born, gender,
                    f"{STREETS[rng.randrange(len(STREETS))]} {rng.randint(1, 99)}",
                    f"{rng.randint(100, 999)} {rng.randint(10, 99)}",
                    "", district, protection, person_unit, created, 1,
                )
            )  # fmt: skip
            custodian_ids = []
            if age_on(born, until) < 18:
                for n in range(1 if rng.random() < 0.3 else 2):
                    custodian_id = self.next_id["custodian"]
                    self.next_id["custodian"] += 1
                    custodian_ids.append(custodian_id)
                    parent_first = self._pick(BOY_NAMES if n else GIRL_NAMES, self.first_cum)
                    out["custodian"].append(
                        (
                            custodian_id,
                            person_id,
                            f"{parent_first} {last}",
                            "",
                            "förälder",
                            f"070-{rng.randint(1000000, 9999999)}",
                            "",
                        )
                    )
            needs_consent = False
            consent_case = None
            for code, opened, closed, unit, handler in case_rows:
                case_id = _uuid(rng)
                year = opened.year
                number = self.case_numbers.get(year, 0) + 1
                self.case_numbers[year] = number
                if closed:
                    reason = self._pick(CLOSURES, self.closure_cum)[0]
                    follow_up = None
                else:
                    reason = ""
                    follow_up = until + datetime.timedelta(days=rng.randint(-20, 60))
                basis = "service" if code == InsatsCode.VICTIM_SUPPORT and rng.random() < 0.6 else "bistand"
                stamp = _utc(opened, 9 * 3600 + rng.randint(0, 8 * 3600))
                edits = self._case_history(
                    d, case_id, person_id, unit, handler, org, opened, closed, reason, follow_up, stamp
                )
                out["case"].append(
                    (
                        case_id, case_number_format(year=year, serial=number), person_id, self.insats_ids[code],
                        unit, handler,
                        self._pick(REFERRALS, self.referral_cum)[0], basis, opened, closed, reason, "", follow_up,
                        stamp, _utc(closed or opened, 15 * 3600), 1 + edits,
                    )
                )  # fmt: skip
                last_day = closed or until
                self.case_mix[code] = self.case_mix.get(code, 0) + 1
                if not self.sql_bulk:
                    self._entries_and_log(out, org, case_id, person_id, opened, last_day, unit, handler)
                case = _CaseInfo(
                    code, case_id, person_id, born, opened, closed, reason, last_day, unit, handler, custodian_ids
                )
                detail = self.detail_writers.get(code)
                if detail:
                    detail(d, case, org, stamp)
                if code in (InsatsCode.SIG, InsatsCode.AVHOPP):
                    self._plan(d, case, org, stamp)
                    needs_consent = True
                    consent_case = consent_case or case
                    if rng.random() < 0.02:  # shared with a samordnare of another provider's unit
                        other = providers[rng.randrange(len(providers))][1]
                        out["grant"].append((org.coordinators[other][0], view_case_permission, case_id))
                elif rng.random() < DISCLOSURE_SHARE:
                    self._disclosure(d, case, None, rng.choice(self.osl_bases))
            if needs_consent or rng.random() < 0.05:
                self._consents(out, d, person_id, born, custodian_ids, case_rows[0], consent_case, rng)
        return out

    # -- journal and access log in Python (SQLite; PostgreSQL generates them server-side) ---------------

    def _entries_and_log(self, out, org, case_id, person_id, opened, last_day, unit, handler) -> None:
        rng, until = self.rng, self.until
        entry_count = 1 + _poisson(rng, self.entries_per_case - 1)
        previous_entry = None
        for _e in range(entry_count):
            entry_id = self.next_id["entry"]
            self.next_id["entry"] += 1
            day = self._day_between(opened, last_day)
            written = _utc(day, 8 * 3600 + rng.randint(0, 9 * 3600))
            signed = written + datetime.timedelta(minutes=rng.randint(5, 600)) if rng.random() < 0.97 else None
            corrects = None
            kind = self._pick(ENTRY_KINDS, self.kind_cum)[0]
            text = ENTRY_TEXTS[rng.randrange(len(ENTRY_TEXTS))]
            if previous_entry and previous_entry[1] and rng.random() < 0.005:
                kind, corrects = "rattelse", previous_entry[0]
                text = CORRECTION_TEXT
            out["entry"].append((entry_id, case_id, kind, day, text, handler, written, signed, corrects))
            previous_entry = (entry_id, signed)
        # access log: reads by the handler mostly, colleagues and the manager sometimes
        unit_workers = org.workers[unit]
        ip_prefix = f"10.{org.municipality_id % 250}."
        for _l in range(_poisson(rng, self.log_per_case)):
            log_id = self.next_id["log"]
            self.next_id["log"] += 1
            day = self._day_between(opened, min(last_day + datetime.timedelta(days=30), until))
            reader = handler if rng.random() < 0.7 else unit_workers[rng.randrange(len(unit_workers))]
            action, what, _w = self._pick(ACCESS_WHAT, self.what_cum)
            out["log"].append(
                (
                    log_id, _utc(day, 7 * 3600 + rng.randint(0, 11 * 3600)), reader, "socialsekreterare", unit,
                    person_id, case_id, action, what, False,
                    ip_prefix + f"{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                )
            )  # fmt: skip

    # -- insats details, one method per insats type ------------------------------------------------------

    def _id(self, key: str) -> int:
        value = self.next_id.get(key, 1)
        self.next_id[key] = value + 1
        return value

    def _until(self, day: datetime.date) -> datetime.date:
        return min(day, self.until)

    def _case_history(self, d, case_id, person_id, unit, handler, org, opened, closed, reason, follow_up, stamp):
        """Change history for some case edits (closure, next follow-up, new handläggare); returns the count."""
        rng = self.rng
        edits = 0
        if closed and rng.random() < 0.25:
            d["change"].add(
                id=self._id("change"), at=_utc(closed, 15 * 3600), actor_id=handler, object_type="cases.case",
                object_id=case_id_text(case_id), person_id=person_id, case_id=case_id, action="update",
                changes=self._json({"closed_on": [None, closed.isoformat()], "closure_reason": ["", reason]}),
            )  # fmt: skip
            edits += 1
        if rng.random() < CHANGES_SHARE:
            day = self._day_between(opened, closed or self.until)
            if rng.random() < 0.3:
                workers = org.workers[unit]
                new = workers[rng.randrange(len(workers))]
                changes = {"handler": [str(new), str(handler)]}
            else:
                planned = day + datetime.timedelta(days=rng.randint(14, 90))
                changes = {"next_follow_up_on": [None, (follow_up or planned).isoformat()]}
            d["change"].add(
                id=self._id("change"), at=_utc(day, 10 * 3600 + rng.randint(0, 6 * 3600)), actor_id=handler,
                object_type="cases.case", object_id=case_id_text(case_id), person_id=person_id, case_id=case_id,
                action="update", changes=self._json(changes),
            )  # fmt: skip
            edits += 1
        return edits

    def _victim_support(self, d, case: _CaseInfo, org, stamp) -> None:
        rng = self.rng
        d["victim"].add(
            id=self._id("victim"),
            case_id=case.id,
            crime_type=CRIME_TYPES[rng.randrange(len(CRIME_TYPES))],
            crime_on=case.opened - datetime.timedelta(days=rng.randint(1, 30)),
            reported_to_police=rng.random() < 0.7,
        )

    def _community_service(self, d, case: _CaseInfo, org, stamp) -> None:
        """Ungdomstjänst 20–150 hours, one or two work placements, sessions adding up to the hours done."""
        rng = self.rng
        order_id = self._id("cs_order")
        hours = rng.randint(4, 30) * 5
        status = ("fullgjord" if case.reason == "planerat" else "avbruten") if case.closed else "pagar"
        d["cs_order"].add(
            id=order_id, case_id=case.id, ordered_hours=hours,
            judgment_on=case.opened - datetime.timedelta(days=rng.randint(3, 30)),
            issued_by=COURTS[rng.randrange(len(COURTS))], report_to=PROSECUTORS[rng.randrange(len(PROSECUTORS))],
            supervisor_name=f"{GIRL_NAMES[rng.randrange(40)]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}",
            supervisor_phone=f"070-{rng.randint(1000000, 9999999)}", status=status,
            ended_on=case.closed if status != "pagar" else None,
            end_note="Avbruten: uteblev upprepade gånger." if status == "avbruten" else "",
        )  # fmt: skip
        workplaces = []
        for _w in range(1 if rng.random() < 0.7 else 2):
            workplace_id = self._id("cs_workplace")
            workplaces.append(workplace_id)
            d["cs_workplace"].add(
                id=workplace_id, order_id=order_id, name=WORKPLACES[rng.randrange(len(WORKPLACES))],
                contact=f"{BOY_NAMES[rng.randrange(40)]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}",
            )  # fmt: skip
        first = case.opened + datetime.timedelta(days=7)
        span = (case.last_day - first).days
        if span < 0:
            return
        if status == "fullgjord":
            done = hours
        elif status == "avbruten":
            done = hours * rng.randint(10, 60) // 100
        else:
            done = min(hours, hours * span // 120)
        sessions = math.ceil(done / 6) if done else 0
        for n in range(sessions):
            length = min(6, done - 6 * n)
            day = first + datetime.timedelta(days=span * n // max(sessions, 1))
            d["cs_session"].add(
                id=self._id("cs_session"), order_id=order_id, workplace_id=workplaces[n % len(workplaces)],
                performed_on=day, hours=f"{length}.0", recorded_by_id=case.handler,
                recorded_at=_utc(day, 17 * 3600),
            )  # fmt: skip

    def _mediation(self, d, case: _CaseInfo, org, stamp) -> None:
        """Medling: § 5 checks, samråd with the prosecutor, parties, meetings and the outcome."""
        rng, until = self.rng, self.until
        mediation_id = self._id("mediation")
        checks = self._until(case.opened + datetime.timedelta(days=rng.randint(3, 20)))
        starts = case.opened + datetime.timedelta(days=rng.randint(21, 40))
        if case.closed:
            status = "avslutad"
            starts = min(starts, case.closed)
            checks = min(checks, starts)
            outcome = self._pick(MEDIATION_OUTCOMES, self.outcome_cum)[0]
        else:
            status = "pagar" if starts <= until else "forberedelse"
            outcome = ""
        started = None if status == "forberedelse" else starts
        prosecutor = PROSECUTORS[rng.randrange(len(PROSECUTORS))]
        age = age_on(case.born, case.opened)
        d["mediation"].add(
            id=mediation_id, case_id=case.id, offence=OFFENCES[rng.randrange(len(OFFENCES))],
            offence_on=case.opened - datetime.timedelta(days=rng.randint(10, 60)),
            police_reference=f"5000-K{rng.randint(100000, 999999)}-{case.opened:%y}", prosecutor=prosecutor,
            mediator_id=case.handler, status=status, offender_volunteers=True, victim_volunteers=True,
            reported_to_police=True, offender_admitted=True, suitability_assessed=True,
            suitability_note="Båda parter vill mötas; bedöms lämpligt.",
            under_12_reason="Synnerliga skäl: barnet och brottsoffret vill själva mötas." if age < 12 else "",
            checks_recorded_on=checks, started_on=started, outcome=outcome,
            outcome_reason={"": "", "overenskommelse": "Parterna kom överens.",
                            "ingen_overenskommelse": "Parterna kom inte överens om gottgörelse.",
                            "avbruten": "Brottsoffret ville inte fortsätta."}[outcome],
            agreement_text=AGREEMENT_TEXT if outcome == "overenskommelse" else "",
            ended_on=case.closed,
        )  # fmt: skip
        d["mediation_party"].add(
            id=self._id("mediation_party"), mediation_id=mediation_id, role="garningsperson", is_case_person=True
        )
        d["mediation_party"].add(
            id=self._id("mediation_party"), mediation_id=mediation_id, role="brottsoffer", is_case_person=False,
            name=f"{GIRL_NAMES[rng.randrange(40)]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}",
            birth_year=case.opened.year - rng.randint(12, 60), contact=f"070-{rng.randint(1000000, 9999999)}",
        )  # fmt: skip
        d["mediation_consultation"].add(
            id=self._id("mediation_consultation"), mediation_id=mediation_id, consulted_on=checks,
            with_whom=f"Kammaråklagare, {prosecutor}", recorded_by_id=case.handler,
        )  # fmt: skip
        meetings = MEETING_FLOW[:2]
        if started:
            meetings = MEETING_FLOW[:3] if outcome != "overenskommelse" else MEETING_FLOW
        for n, kind in enumerate(meetings):
            day = (started or checks) + datetime.timedelta(days=(n - 1) * 7 if started else n * 3)
            day = max(checks, min(day, case.last_day))
            d["mediation_meeting"].add(
                id=self._id("mediation_meeting"), mediation_id=mediation_id, kind=kind, held_on=day
            )

    def _skk(self, d, case: _CaseInfo, org, stamp) -> None:
        rng = self.rng
        d["skk"].add(
            id=self._id("skk"), case_id=case.id,
            contact_person=f"{BOY_NAMES[rng.randrange(40)]} {LAST_NAMES[rng.randrange(len(LAST_NAMES))]}",
            contact_phone=f"070-{rng.randint(1000000, 9999999)}",
            hours_per_month=f"{rng.choice((8, 10, 12, 16, 20, 25, 30, 40))}.0",
            ordered_by="domstol" if rng.random() < 0.3 else "sol", decided_on=case.opened,
            ends_on=case.closed or case.opened + datetime.timedelta(days=365),
        )  # fmt: skip

    def _aslan(self, d, case: _CaseInfo, org, stamp) -> None:
        """An ASLAN child joins the unit's next group (groups of ASLAN_GROUP_SIZE start each term) with
        the parents; attendance for the group's weekly meetings held by the reference day."""
        rng = self.rng
        starts = _next_term(case.opened)
        if starts > self.until or age_on(case.born, starts) > 14:
            return
        key = (case.unit, starts)
        group = self.aslan_groups.get(key)
        if group is None or group[2] >= ASLAN_GROUP_SIZE:
            group_id = self._id("aslan_group")
            number = (group[3] + 1) if group else 1
            d["aslan_group"].add(
                id=group_id, unit_id=case.unit,
                name=f"ASLAN {'vår' if starts.month < 7 else 'höst'} {starts.year}:{number}",
                starts_on=starts, leaders="Två gruppledare från enheten",
            )  # fmt: skip
            meeting_ids = []
            for n in range(ASLAN_MEETINGS):
                held = starts + datetime.timedelta(weeks=n)
                if held > self.until:
                    break
                meeting_id = self._id("aslan_meeting")
                meeting_ids.append(meeting_id)
                d["aslan_meeting"].add(id=meeting_id, group_id=group_id, held_on=held, topic=ASLAN_TOPICS[n])
            group = [group_id, meeting_ids, 0, number]
            self.aslan_groups[key] = group
        group[2] += 1
        participant_id = self._id("aslan_participant")
        d["aslan_participant"].add(id=participant_id, group_id=group[0], case_id=case.id)
        parents = [c for c in case.custodians if rng.random() < 0.8]
        for custodian_id in parents:
            d["aslan_parent"].rows.append((participant_id, custodian_id))
        for meeting_id in group[1]:
            present = rng.random() < 0.85
            d["aslan_attendance"].add(
                id=self._id("aslan_attendance"), meeting_id=meeting_id, participant_id=participant_id,
                youth_present=present, parents_present=rng.randint(0, len(parents)) if present else 0,
            )  # fmt: skip

    def _avhopp(self, d, case: _CaseInfo, org, stamp) -> None:
        """Hotbild assessments, köpta insatser for about half, and återfall (with SIG, in _plan)."""
        rng = self.rng
        for n in range(1 if rng.random() < 0.6 else 2):
            day = self._until(case.opened + datetime.timedelta(days=rng.randint(0, 14) + 90 * n))
            d["assessment"].add(
                id=self._id("assessment"), case_id=case.id, assessed_on=day,
                threat_level=self._pick(THREAT_LEVELS, self.threat_cum)[0], motivated=rng.random() < 0.85,
                note="Bedömning utifrån polisens underlag och samtal.", assessed_by_id=case.handler,
                recorded_at=_utc(day, 14 * 3600),
            )  # fmt: skip
        if rng.random() < 0.5:
            for _p in range(1 if rng.random() < 0.7 else 2):
                kind, _w, provider, per_day = self._pick(PURCHASES, self.purchase_cum)
                starts = self._day_between(case.opened, case.last_day)
                days = rng.randint(14, 180)
                last = starts + datetime.timedelta(days=days)
                ends = None if not case.closed and last > self.until else last
                d["purchase"].add(
                    id=self._id("purchase"), case_id=case.id, kind=kind, provider=provider, starts_on=starts,
                    ends_on=ends, price_unit="period", price=f"{per_day * days}.00", cost=f"{per_day * days}.00",
                    recorded_by_id=case.handler,
                )  # fmt: skip

    def _plan(self, d, case: _CaseInfo, org, stamp) -> None:
        """A genomförandeplan (SIG and avhopp): version 1 with 2–4 goals and an activity or two each, the
        participants, agreements, follow-ups every FOLLOW_UP_DAYS with attainment per goal; some plans are
        revised (version 2 with the same goals). Återfall for about a quarter of the cases."""
        rng, until = self.rng, self.until
        coordinator = org.coordinators[case.unit][0]
        sig = case.code == InsatsCode.SIG
        plan_id = _uuid(rng)
        d["plan"].add(
            id=plan_id, case_id=case.id, coordinator_id=coordinator,
            trainer_name="Personlig tränare" if sig else "", trainer_phone="070-1234567" if sig else "",
            trainer_assigned_on=case.opened + datetime.timedelta(days=14) if sig else None, created_at=stamp,
        )  # fmt: skip
        goal_texts = rng.sample(PLAN_GOALS, rng.randint(2, 4))
        revised: datetime.date | None = None
        if rng.random() < 0.15 and (case.last_day - case.opened).days > 60:
            revised = case.opened + datetime.timedelta(days=rng.randint(30, (case.last_day - case.opened).days))
        versions = []
        for number in (1, 2) if revised else (1,):
            version_id = self._id("plan_version")
            created = _utc(revised, 10 * 3600) if number == 2 and revised else stamp
            d["plan_version"].add(
                id=version_id, plan_id=plan_id, number=number,
                overall_goal="Ungdomen lämnar kriminaliteten och går i skolan varje dag.",
                follow_up_method="Uppföljningsmöte med alla aktörer var fjärde månad.",
                created_by_id=coordinator, created_at=created,
                superseded_at=_utc(revised, 10 * 3600) if number == 1 and revised else None,
                revision_reason="Ny skola; målen ses över." if number == 2 else "",
            )  # fmt: skip
            since = revised if number == 2 and revised else case.opened
            for actor_code in ("socialtjanst", "personlig_tranare") if sig else ("socialtjanst",):
                d["plan_participant"].add(
                    id=self._id("plan_participant"), version_id=version_id, actor_id=self.actor_by_code[actor_code],
                    contact="", added_on=since,
                )  # fmt: skip
            goals = []
            for position, text in enumerate(goal_texts, start=1):
                goal_id = self._id("goal")
                goals.append(goal_id)
                d["goal"].add(id=goal_id, version_id=version_id, position=position, text=text)
                for _a in range(rng.randint(1, 2)):
                    what, actor_code, when = PLAN_ACTIVITIES[rng.randrange(len(PLAN_ACTIVITIES))]
                    d["activity"].add(
                        id=self._id("activity"), version_id=version_id, goal_id=goal_id, what=what,
                        actor_id=self.actor_by_code[actor_code], when=when,
                        due_on=since + datetime.timedelta(days=rng.randint(30, 180)), created_by_id=coordinator,
                        created_at=created,
                    )  # fmt: skip
            agreed = self._until(since + datetime.timedelta(days=rng.randint(0, 14)))
            d["plan_agreement"].add(
                id=self._id("plan_agreement"), version_id=version_id, custodian_id=None, agreed_on=agreed,
                recorded_by_id=coordinator,
            )  # fmt: skip
            if age_on(case.born, agreed) < 18:
                for custodian_id in case.custodians:
                    d["plan_agreement"].add(
                        id=self._id("plan_agreement"), version_id=version_id, custodian_id=custodian_id,
                        agreed_on=agreed, recorded_by_id=coordinator,
                    )  # fmt: skip
            versions.append((version_id, since, revised if number == 1 and revised else case.last_day, goals))
        for version_id, since, ends, goals in versions:
            due = since + datetime.timedelta(days=FOLLOW_UP_DAYS)
            while due <= ends + datetime.timedelta(days=30) and due <= until + datetime.timedelta(days=60):
                meeting = due + datetime.timedelta(days=rng.randint(-7, 7))
                held = None if meeting > until or (meeting > ends and case.closed) else meeting
                follow_up_id = self._id("follow_up")
                d["follow_up"].add(
                    id=follow_up_id, version_id=version_id, due_on=due, held_on=held,
                    note="Uppföljning med ungdomen och aktörerna." if held else "",
                    recorded_by_id=coordinator if held else None,
                )  # fmt: skip
                if held:
                    for goal_id in goals:
                        d["attainment"].add(
                            id=self._id("attainment"), follow_up_id=follow_up_id, goal_id=goal_id,
                            level=self._pick(ATTAINMENT, self.attainment_cum)[0],
                        )  # fmt: skip
                due += datetime.timedelta(days=FOLLOW_UP_DAYS)
        if rng.random() < 0.25:
            for _r in range(1 if rng.random() < 0.7 else 2):
                noted = min(self._day_between(case.opened + datetime.timedelta(days=14), case.last_day), case.last_day)
                d["reoffence"].add(
                    id=self._id("reoffence"), case_id=case.id, noted_on=noted,
                    offence_on=noted - datetime.timedelta(days=rng.randint(0, 30)),
                    kind=self._pick(REOFFENCE_KINDS, self.reoffence_cum)[0], note="Uppgift från polisen.",
                    recorded_by_id=case.handler, recorded_at=_utc(noted, 13 * 3600),
                )  # fmt: skip

    def _disclosure(
        self, d, case: _CaseInfo | None, consent, basis_id: int | None, *, person_id=None, day=None
    ) -> None:
        """An utlämnande: under a secrecy-breaking rule (case given) or under consent (consent given)."""
        rng = self.rng
        if consent is not None:
            person_id, recipient, handler, case_id = consent
        elif case is None:
            raise ValueError("an utlämnande is made under a case's secrecy-breaking rule or under a consent")
        else:
            person_id, case_id, handler = case.person_id, case.id, case.handler
            recipient = self.actor_by_code["polis" if rng.random() < 0.7 else "skola"]
            day = self._day_between(case.opened, case.last_day)
        d["disclosure"].add(
            id=self._id("disclosure"), person_id=person_id, case_id=case_id, recipient_id=recipient,
            recipient_detail="", what_sent=DISCLOSURE_TEXTS[rng.randrange(len(DISCLOSURE_TEXTS))],
            legal_basis_id=basis_id,
            disclosed_on=day, decided_by_id=handler, recorded_by_id=handler, recorded_at=_utc(day, 15 * 3600),
        )  # fmt: skip

    def _consents(self, out, d, person_id, born, custodian_ids, first_case, consent_case, rng) -> None:
        _code, opened, _closed, _unit, handler = first_case
        given = opened + datetime.timedelta(days=rng.randint(0, 30))
        if given > self.until:
            given = self.until
        valid_until = given + datetime.timedelta(days=365)
        actors = rng.sample(self.actor_ids, k=min(len(self.actor_ids), rng.randint(1, 3)))
        givers: list[int | None] = []
        if age_on(born, given) >= 15:
            givers.append(None)
        elif rng.random() < 0.3:
            maturity_id = self.next_id["maturity"]
            self.next_id["maturity"] += 1
            out["maturity"].append(
                (
                    maturity_id,
                    person_id,
                    given,
                    True,
                    "Bedöms mogen att själv ta ställning.",
                    handler,
                    _utc(given, 10 * 3600),
                )
            )
            givers.append(None)
        if age_on(born, given) < 18:
            givers.extend(custodian_ids)
        revoked_any = None
        for custodian_id in givers:
            consent_id = self.next_id["consent"]
            self.next_id["consent"] += 1
            out["consent"].append(
                (
                    consent_id, person_id, custodian_id, given, "skriftligt" if rng.random() < 0.8 else "muntligt",
                    valid_until, "", handler, _utc(given, 11 * 3600),
                )
            )  # fmt: skip
            out["consent_actor"].extend((consent_id, actor) for actor in actors)
            if rng.random() < 0.05:
                revocation_id = self.next_id["revocation"]
                self.next_id["revocation"] += 1
                revoked = min(self.until, given + datetime.timedelta(days=rng.randint(10, 200)))
                revoked_any = min(revoked_any or revoked, revoked)
                out["revocation"].append((revocation_id, consent_id, revoked, "", handler, _utc(revoked, 12 * 3600)))
                out["revocation_actor"].extend((revocation_id, actor) for actor in actors)  # the whole consent
        # utlämnanden under the consent (while every giver's consent holds), for about half of the plans
        if consent_case is not None and givers and rng.random() < 0.5:
            last = min(valid_until - datetime.timedelta(days=1), self.until, consent_case.last_day)
            if revoked_any:
                last = min(last, revoked_any - datetime.timedelta(days=1))
            for _n in range(rng.randint(1, 2)):
                day = self._day_between(given, last)
                if last < given:
                    break
                recipient = actors[rng.randrange(len(actors))]
                consent = (person_id, recipient, consent_case.handler, consent_case.id)
                self._disclosure(d, None, consent, self.consent_basis, day=day)

    _permission_cache: int | None = None

    def _view_case_permission_id(self) -> int:
        if self._permission_cache is None:
            self._permission_cache = Permission.objects.get(content_type__app_label="cases", codename="view_case").id
        return self._permission_cache

    def _sequences(self) -> None:
        CaseNumberSequence.objects.bulk_create(
            [CaseNumberSequence(year=year, last_number=number) for year, number in sorted(self.case_numbers.items())]
        )
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in _generated_models():
                pk = model._meta.pk
                if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                    continue
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({pk.column}) FROM {table}), 0)"
                    " + 1, false)",
                    [table, pk.column],
                )


ALL_UNITS = (0, 2**31 - 1)
BATCH_PEOPLE = 150_000  # people per batch handed to the journal and access-log connections


class _Pipeline:
    """Two extra connections: one writes the journal, one the access log, batch by batch as the people and
    cases of a batch of units are committed; then both rebuild the dropped indexes."""

    def __init__(self, generator: DataGenerator, orgs: list[_Org]):
        self.generator = generator
        self.orgs = orgs
        self.queues: dict[str, queue.SimpleQueue] = {"journal": queue.SimpleQueue(), "log": queue.SimpleQueue()}
        self.indexes: dict[str, queue.SimpleQueue] = {"log": queue.SimpleQueue(), "other": queue.SimpleQueue()}
        self.log_done = threading.Event()
        self.errors: list[BaseException] = []
        self.aborted = False
        self.threads = [
            threading.Thread(target=self._worker, args=(role,), name=f"datagen-{role}", daemon=True)
            for role in ("log", "journal")
        ]
        for thread in self.threads:
            thread.start()

    def batch(self, units: tuple[int, int], weights) -> None:
        """Called (on the COPY thread) once the batch's rows are committed."""
        self.queues["journal"].put((units, weights))
        self.queues["log"].put((units, weights))

    def finish(self, indexes: list[str]) -> None:
        log_table = AccessLog._meta.db_table
        for statement in indexes:
            on_log = f" ON public.{log_table} " in statement or f" ON {log_table} " in statement
            self.indexes["log" if on_log else "other"].put(statement)
        started = time.perf_counter()
        for source in self.queues.values():
            source.put(None)
        for thread in self.threads:
            thread.join()
        self.generator._timed("journal, log and indexes after the load", started)
        if self.errors:
            raise self.errors[0]

    def abort(self) -> None:
        self.aborted = True
        for source in self.queues.values():
            source.put(None)
        for thread in self.threads:
            thread.join()

    def _build(self, cursor, source: queue.SimpleQueue) -> bool:
        if self.aborted or self.errors:
            return False
        try:
            statement = source.get_nowait()
        except queue.Empty:
            return False
        one = time.perf_counter()
        cursor.execute(statement)
        self.generator.progress(f"  index {time.perf_counter() - one:6.1f} s {statement[:100]}")
        self.generator._timed("index", one)
        return True

    def _worker(self, role: str) -> None:
        generator = self.generator
        raw = connection.get_new_connection(connection.get_connection_params())
        try:
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute("SET synchronize_seqscans = off")
                cursor.execute("SET TIME ZONE 'UTC'")
                generator._sql_setup(cursor, self.orgs, on_commit_drop=False)
                while (job := self.queues[role].get()) is not None:
                    if self.aborted or self.errors:
                        continue
                    units, weights = job
                    with raw.transaction():
                        if role == "log":
                            generator._log_sql(cursor, units)
                        else:
                            generator._journal_sql(cursor, units, weights)
                if role == "log":
                    self.log_done.set()
                else:
                    while not self.log_done.is_set() and self._build(cursor, self.indexes["other"]):
                        pass
                    self.log_done.wait()
                while self._build(cursor, self.indexes["log"]) or self._build(cursor, self.indexes["other"]):
                    pass
        except BaseException as error:
            self.errors.append(error)
            self.log_done.set()
        finally:
            raw.close()


def _hundred(pairs: Sequence[tuple]) -> list[str]:
    """100 codes in proportion to their weights (the last item of each pair): a pick is one array index."""
    counts = _split(100, [pair[-1] for pair in pairs])
    return [pair[0] for pair, n in zip(pairs, counts, strict=True) for _ in range(n)]


PENDING_MARK = "generate_data pending indexes "


def _pending_indexes() -> list[str]:
    """Index statements a stopped run left to recreate (kept as the access log table's comment)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [AccessLog._meta.db_table])
        comment = cursor.fetchone()[0] or ""
    return json.loads(comment.removeprefix(PENDING_MARK)) if comment.startswith(PENDING_MARK) else []


def _pending_indexes_set(statements: list[str]) -> None:
    if connection.vendor != "postgresql":
        return
    text = "NULL" if not statements else "'" + (PENDING_MARK + json.dumps(statements)).replace("'", "''") + "'"
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON TABLE {AccessLog._meta.db_table} IS {text}")


def _drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop plain (non-constraint) indexes on these tables; return the statements that recreate them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [tables],
        )
        rows = cursor.fetchall()
        for name, _definition in rows:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _bisect(cum: Sequence[float], value: float) -> int:
    low, high = 0, len(cum) - 1
    while low < high:
        middle = (low + high) // 2
        if cum[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def generate(
    scale_name: str,
    *,
    seed: int = 8,
    until: datetime.date = DEFAULT_UNTIL,
    reset: bool = False,
    progress: Callable[[str], None] | None = None,
) -> GenerationResult:
    """Fill the database with one scale's data (refuses a database holding people unless reset)."""
    scale = SCALES[scale_name]
    if database_holds_people():
        if not reset:
            raise RuntimeError("Databasen innehåller redan personer; kör med --reset för att ersätta dem.")
        reset_database()
    return DataGenerator(scale, seed=seed, until=until, progress=progress).run()


def iter_chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
