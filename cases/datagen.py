"""Deterministic synthetic data at municipal, city and national scale (issue 8: `generate_data`).

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
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from stdnum import luhn

from cases.models import (
    Case,
    CaseNumberSequence,
    CaseUserObjectPermission,
    Custodian,
    InsatsType,
    JournalEntry,
    Person,
)
from consent.models import Actor, Consent, ConsentRevocation, MaturityAssessment
from core.models import AccessLog, District, Municipality, Provider, Role, Unit, User
from interventions.models import Plan, PlanVersion, VictimSupport
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
# The first district takes ~30 % (the seed papers: ~30 % from Skäggetorp), the rest fall off.
DISTRICT_WEIGHTS_HEAD = 0.30

UNIT_NAMES = ["Brottsförebyggande gruppen", "Insatsteamet", "Fältverksamheten", "Fenix", "Avdelning vuxen"]
PEOPLE_PER_PROVIDER = 25_000  # a large city has one provider (stadsdelsförvaltning) per ~25 000 young people
SOCIAL_WORKERS_PER_UNIT_MIN = 4
CASES_PER_SOCIAL_WORKER = 1000  # over six years: ≈30–40 open cases each at any time

# insats code -> (weight among new cases, unit index, min days, max days open)
INSATS_PROFILE = {
    "stod_brottsutsatta": (0.55, 0, 7, 60),
    "ungdomstjanst": (0.12, 0, 30, 150),
    "medling": (0.10, 0, 14, 90),
    "skk": (0.05, 1, 180, 540),
    "aslan": (0.08, 0, 90, 180),
    "sig": (0.07, 1, 180, 720),
    "avhopp": (0.03, 3, 180, 720),
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


def personnummer(birth_date: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A Luhn-valid 12-digit number (samordningsnummer: day + 60); serial 0–999."""
    day = birth_date.day + (60 if coordination else 0)
    short = f"{birth_date:%y%m}{day:02d}{serial:03d}"
    return f"{birth_date:%Y}{short[2:]}{luhn.calc_check_digit(short)}"


def _uuid(rng: random.Random) -> str:
    # 32 hex digits: PostgreSQL reads them as a uuid and Django's UUIDField accepts them too
    return f"{rng.getrandbits(128):032x}"


def _utc(day: datetime.date, seconds: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) + datetime.timedelta(seconds=seconds)


# --------------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, bulk_create elsewhere


class RowWriter:
    """Writes (model, attnames, rows) with COPY on PostgreSQL and bulk_create on other databases."""

    def __init__(self, *, batch_size: int = 2000):
        self.postgres = connection.vendor == "postgresql"
        self.batch_size = batch_size
        self.counts: dict[str, int] = {}

    def write(self, model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence]) -> int:
        table = model._meta.db_table
        count = 0
        if self.postgres:
            fields = {f.attname: f.column for f in model._meta.concrete_fields}
            columns = ", ".join(connection.ops.quote_name(fields[name]) for name in attnames)
            with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            # executemany with each field's own conversion (bulk_create would overwrite auto_now_add values)
            fields = {f.attname: f for f in model._meta.concrete_fields}
            columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in attnames)
            marks = ", ".join(["%s"] * len(attnames))
            converters = [fields[name] for name in attnames]
            with connection.cursor() as cursor:
                for batch in iter_chunks(rows, self.batch_size):
                    cursor.executemany(
                        f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})",
                        [
                            [
                                None if value is None else f.get_db_prep_save(f.to_python(value), connection)
                                for f, value in zip(converters, row, strict=True)
                            ]
                            for row in batch
                        ],
                    )
                    count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        return count


class ModelRows:
    """Rows for a model given only the columns that matter here: other fields get their default, ""
    for blank text or NULL, so the generator keeps working when an app adds an optional field."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        row = []
        for f in self.fields:
            if f.attname in values:
                row.append(values[f.attname])
            elif f.has_default() and not callable(f.default):
                row.append(f.default)
            elif f.null:
                row.append(None)
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                row.append("")
            else:
                raise ValueError(f"{self.model.__name__}.{f.attname} needs a value")
        self.rows.append(tuple(row))


# Tables the generator fills, children first (truncate order) — through tables included.
def _generated_models() -> list[type[models.Model]]:
    return [
        AccessLog,
        PlanVersion,
        Plan,
        VictimSupport,
        ConsentRevocation,
        Consent.actors.through,
        Consent,
        MaturityAssessment,
        CaseUserObjectPermission,
        JournalEntry,
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
GENERATOR_VERSION = 3  # bump when the generated rows change, so `--if-needed` regenerates


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
        self.rng = random.Random(f"{scale.name}:{seed}")
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
        big = self.scale.access_log >= 1_000_000
        dropped: list[str] = []
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    # consistent by construction: skip per-row FK checks and triggers during the load
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    cursor.execute("SET LOCAL synchronous_commit = off")
                if big:
                    dropped = _drop_secondary_indexes(
                        [model._meta.db_table for model in (Person, Case, JournalEntry, AccessLog, Custodian, Consent)]
                    )
            _scale_mark_set(None)
            orgs = self._organisation()
            self._people_and_cases(orgs)
            self._sequences()
            if dropped:
                self.progress(f"återskapar {len(dropped)} index …")
                index_started = time.perf_counter()
                with connection.cursor() as cursor:
                    for statement in dropped:
                        cursor.execute(statement)
                self._timed("index", index_started)
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

    # -- organisation: municipalities, districts, providers, units, users, agreements ---------------

    def _organisation(self) -> list[_Org]:
        started = time.perf_counter()
        count = self.scale.municipalities
        names = list(KNOWN_MUNICIPALITIES)
        if count <= 2:
            # small scales model the seed papers' city (and its neighbour)
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
        for model, rows in [(District, districts), (Provider, providers), (Unit, units), (Agreement, agreements)]:
            model.objects.bulk_create(rows, batch_size=2000)
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

    def _id_number(self, born: datetime.date) -> tuple[str, str]:
        serial = self.used_numbers.get(born, self.rng.randint(0, 199))
        self.used_numbers[born] = serial + 1 + self.rng.randint(0, 2)
        if serial > 999:
            # a crowded birth date: move to the next free day rather than reuse a number
            return self._id_number(born + datetime.timedelta(days=1))
        roll = self.rng.random()
        if roll < 0.01:
            return "samordningsnummer", personnummer(born, serial, coordination=True)
        if roll < 0.012:
            return "reservnummer", f"R{born:%y%m%d}{serial:03d}"
        return "personnummer", personnummer(born, serial)

    def _people_and_cases(self, orgs: list[_Org]) -> None:
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
        done = 0
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
                "maturity",
                "grant",
            )
        }
        view_case_permission = self._view_case_permission_id()
        victims, plans, plan_versions = ModelRows(VictimSupport), ModelRows(Plan), ModelRows(PlanVersion)
        out["details"] = [victims, plans, plan_versions]
        providers = org.provider_units
        for _ in range(people):
            person_id = _uuid(rng)
            born = self._birth_date()
            id_kind, id_number = self._id_number(born)
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
                opened = self._day_between(earliest, until)
                age = _age_on(born, opened)
                code = self._pick(self.insats_codes, self.insats_cum)
                low, high = self.insats_ranges[code]
                if not low <= age <= high:
                    code = "stod_brottsutsatta" if age <= 21 else "sig"
                    low, high = self.insats_ranges[code]
                    if not low <= age <= high:
                        continue
                _weight, unit_index, min_days, max_days = INSATS_PROFILE[code]
                if code == "avhopp" and age >= 21:
                    unit_index = 4
                unit = unit_ids[unit_index]
                handler = org.workers[unit][rng.randrange(len(org.workers[unit]))]
                closed = opened + datetime.timedelta(days=rng.randint(min_days, max_days))
                if closed > until:
                    closed = None
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
            if _age_on(born, until) < 18:
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
                basis = "service" if code == "stod_brottsutsatta" and rng.random() < 0.6 else "bistand"
                stamp = _utc(opened, 9 * 3600 + rng.randint(0, 8 * 3600))
                out["case"].append(
                    (
                        case_id, f"{year}-{number:04d}", person_id, self.insats_ids[code], unit, handler,
                        self._pick(REFERRALS, self.referral_cum)[0], basis, opened, closed, reason, "", follow_up,
                        stamp, _utc(closed or opened, 15 * 3600), 1,
                    )
                )  # fmt: skip
                last_day = closed or until
                # journal: the mean follows the scale's ratio; long cases get more entries
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
                        text = "Rättelse: fel datum angavs i föregående anteckning."
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
                if code == "stod_brottsutsatta":
                    victims.add(
                        id=self.next_id["victim"],
                        case_id=case_id,
                        crime_type=CRIME_TYPES[rng.randrange(len(CRIME_TYPES))],
                        crime_on=opened - datetime.timedelta(days=rng.randint(1, 30)),
                        reported_to_police=rng.random() < 0.7,
                    )
                    self.next_id["victim"] += 1
                if code in ("sig", "avhopp"):
                    # a genomförandeplan with its first version, led by the unit's samordnare
                    plan_id = _uuid(rng)
                    plans.add(
                        id=plan_id,
                        case_id=case_id,
                        coordinator_id=org.coordinators[unit][0],
                        trainer_name="Personlig tränare" if code == "sig" else "",
                        trainer_assigned_on=opened + datetime.timedelta(days=14) if code == "sig" else None,
                        created_at=stamp,
                    )
                    plan_versions.add(
                        id=self.next_id["plan_version"],
                        plan_id=plan_id,
                        number=1,
                        overall_goal="Ungdomen lämnar kriminaliteten och går i skolan varje dag.",
                        follow_up_method="Uppföljningsmöte var sjätte vecka med alla aktörer.",
                        created_by_id=org.coordinators[unit][0],
                        created_at=stamp,
                    )
                    self.next_id["plan_version"] += 1
                    needs_consent = True
                    if rng.random() < 0.02:  # shared with a samordnare of another provider's unit
                        other = providers[rng.randrange(len(providers))][1]
                        out["grant"].append((org.coordinators[other][0], view_case_permission, case_id))
            if needs_consent or rng.random() < 0.05:
                self._consents(out, person_id, born, custodian_ids, case_rows[0], rng)
        return out

    def _consents(self, out, person_id, born, custodian_ids, first_case, rng) -> None:
        _code, opened, _closed, _unit, handler = first_case
        given = opened + datetime.timedelta(days=rng.randint(0, 30))
        if given > self.until:
            given = self.until
        valid_until = given + datetime.timedelta(days=365)
        actors = rng.sample(self.actor_ids, k=min(len(self.actor_ids), rng.randint(1, 3)))
        givers: list[int | None] = []
        if _age_on(born, given) >= 15:
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
        if _age_on(born, given) < 18:
            givers.extend(custodian_ids)
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
                out["revocation"].append((revocation_id, consent_id, revoked, "", handler, _utc(revoked, 12 * 3600)))

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
            for model in (
                Municipality, District, Provider, Unit, User, Agreement, AgreedVolume, Custodian, JournalEntry,
                AccessLog, Consent, ConsentRevocation, MaturityAssessment, CaseUserObjectPermission, VictimSupport,
                PlanVersion,
                User.groups.through, Consent.actors.through,
            ):  # fmt: skip
                table = model._meta.db_table
                pk = model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({pk}) FROM {table}), 0) + 1,"
                    " false)",
                    [table, pk],
                )


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


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
