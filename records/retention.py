"""Gallring (retention): rules per record type, a dry run whose list equals the real run, and a real run
that records what it removed and can be killed and re-run at any point.

Person files (RecordType.PERSON_FILE), default SoL practice (docs/domain.md, README "Gallring"):
- due five years (rule.years) after the person's last entry; with by_end_of_following_year the removal
  happens during the calendar year after the one in which the five years ran out (so a file whose last
  entry was made in 2019 is removed during 2025 and at the latest by 2025-12-31);
- never while a case is open; people born on the 5th, 15th and 25th (rule.keep_birth_days) are kept;
  files with a case of an exempt insats (rule.exempt_insats_types) are kept;
- "last entry" is the latest of: case opened/closed dates, journal entry dates, consent, revocation and
  maturity dates, change history, and every auto-set timestamp (created/recorded/updated) in any record
  of the file (records.extract walks the whole file, so records other apps add count too).

Action ANONYMISE (default) keeps what statistics for past periods need and nothing that identifies:
the Person row stays with birth date, gender, district and unit but without name, number, address and
protection level; Case rows stay (dates, insats, unit, basis, source, closure reason) without the closure
note; everything else in the file — custodians, journal entries, consents, revocations, maturity
assessments, per-object grants, plans and insats records of other apps, change history — is deleted, and
files stored for those records are removed. The records the follow-up figures count (reporting.figures:
SIG plans, goal attainment, follow-up meetings, purchased avhopp insatser, återfall: every model declaring
`RETENTION_KEEP = True`) are kept with every free-text field emptied and their files removed.
Action DELETE removes all of it, the Person and Case rows too (statistics for those periods then change).

The access log (RecordType.ACCESS_LOG) and grant events are kept `years` (at least five) after the row.

Each person is handled in its own transaction together with the RetentionItem that records it, so a
run killed half-way leaves every person either fully done (with an item) or untouched; the next run
starts from the same due list minus the people already done.
"""

import datetime
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from uuid import UUID

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import DateField, Exists, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from cases.models import Case, JournalEntry, Person
from consent.models import Consent, ConsentRevocation, MaturityAssessment
from core.db_guards import PURGE_SETTING
from core.models import AccessGrantEvent, AccessLog, ChangeLog, User
from records.extract import person_file_rows
from records.models import (
    RecordType,
    RetentionAction,
    RetentionItem,
    RetentionRule,
    RetentionRun,
    RetentionRunStatus,
)

logger = logging.getLogger(__name__)

EPOCH = datetime.date(1900, 1, 1)
ANONYMISED_NAME = "Gallrad"
# Conventional folders for files derived from one person or case (PDFs, exports) outside any FileField.
PERSON_FILES_DIR = "personer"
CASE_FILES_DIR = "arenden"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(*, rule: RetentionRule, as_of: datetime.date) -> datetime.date:
    """Records whose last entry is before this date are due on `as_of`."""
    if rule.by_end_of_following_year:
        # last entry in year Y is due during year Y + years + 1
        return datetime.date(as_of.year - rule.years, 1, 1)
    return _years_before(as_of, rule.years) + datetime.timedelta(days=1)


def retention_rule_validate(rule: RetentionRule) -> None:
    """The rule's own checks (RetentionRule.clean; the admin form runs them too)."""
    rule.clean()


# --- which person files are due ----------------------------------------------------------------------


def _latest(model, person_path: str, date_expression) -> Subquery:
    return Subquery(
        model._base_manager.filter(**{person_path: OuterRef("pk")})
        .order_by()
        .values(person_path)
        .annotate(latest=Max(date_expression))
        .values("latest")[:1],
        output_field=DateField(),
    )


def _as_date(field_name: str):
    return Cast(field_name, output_field=DateField())


class LastEntry(TypedDict):
    last_entry_on: datetime.date


# (quoted: at run time Python 3.11's Annotated does not take WithAnnotations' second argument)
def people_with_last_entry() -> "models.QuerySet[WithAnnotations[Person, LastEntry]]":
    """People annotated with `last_entry_on` from the known dated records (one SQL statement)."""
    parts = [
        _as_date("created_at"),
        _latest(Case, "person_id", F("opened_on")),
        _latest(Case, "person_id", F("closed_on")),
        _latest(Case, "person_id", _as_date("updated_at")),
        _latest(JournalEntry, "case__person_id", F("occurred_on")),
        _latest(JournalEntry, "case__person_id", _as_date("created_at")),
        _latest(Consent, "person_id", F("given_on")),
        _latest(Consent, "person_id", _as_date("recorded_at")),
        _latest(ConsentRevocation, "consent__person_id", F("revoked_on")),
        _latest(MaturityAssessment, "person_id", F("assessed_on")),
        _latest(ChangeLog, "person_id", _as_date("at")),
    ]
    # Greatest is NULL on SQLite when any argument is; Coalesce keeps it portable.
    return Person._base_manager.annotate(
        last_entry_on=Greatest(*[Coalesce(part, Value(EPOCH), output_field=DateField()) for part in parts])
    )


def _file_last_entry(person_id: UUID) -> datetime.date | None:
    """Latest auto-set timestamp or known entry date anywhere in the person's file (all apps' records)."""
    latest: datetime.date | None = None
    person_file = person_file_rows(person_ids=[person_id])
    for model in person_file.model_list():
        stamp_fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
        ]
        for instance in person_file.instances(model):
            for field in stamp_fields:
                value = getattr(instance, field.attname)
                if value is None:
                    continue
                day = timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value
                latest = day if latest is None or day > latest else latest
    return latest


@dataclass(frozen=True)
class Due:
    person_id: UUID
    last_entry_on: datetime.date
    case_numbers: tuple[str, ...]


def _already_done() -> models.QuerySet[RetentionItem]:
    return RetentionItem.objects.filter(
        person_id=OuterRef("pk"), record_type=RecordType.PERSON_FILE, run__dry_run=False
    )


def retention_due_people(*, rule: RetentionRule, as_of: datetime.date, limit: int | None = None) -> list[Due]:
    """The person files due for gallring on `as_of` under `rule`, ordered by person id.

    The dry run and the real run both call this, so the dry-run list is the real run's list.
    """
    cutoff = retention_cutoff(rule=rule, as_of=as_of)
    people = people_with_last_entry().filter(last_entry_on__lt=cutoff)
    people = people.exclude(Exists(Case._base_manager.filter(person_id=OuterRef("pk"), closed_on__isnull=True)))
    people = people.exclude(Exists(_already_done()))
    if rule.kept_days:
        people = people.exclude(birth_date__day__in=sorted(rule.kept_days))
    exempt = list(rule.exempt_insats_types.values_list("pk", flat=True))
    if exempt:
        people = people.exclude(Exists(Case._base_manager.filter(person_id=OuterRef("pk"), insats_type_id__in=exempt)))
    due: list[Due] = []
    for person_id, last_entry_on in people.order_by("pk").values_list("pk", "last_entry_on").iterator():
        file_latest = _file_last_entry(person_id)
        if file_latest is not None and file_latest >= cutoff:
            continue  # a record of another kind was written later: not due yet
        last = max(filter(None, [last_entry_on, file_latest]))
        numbers = tuple(
            Case._base_manager.filter(person_id=person_id).order_by("number").values_list("number", flat=True)
        )
        due.append(Due(person_id=person_id, last_entry_on=last, case_numbers=numbers))
        if limit is not None and len(due) >= limit:
            break
    return due


# --- removal -----------------------------------------------------------------------------------------


def _purge_on() -> None:
    """Allow this transaction to remove append-only/locked rows (PostgreSQL guards, core.db_guards)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {PURGE_SETTING} = 'on'")


def _remove_files(instances: list[models.Model]) -> int:
    removed = 0
    for instance in instances:
        for field in instance._meta.concrete_fields:
            if isinstance(field, models.FileField):
                name = getattr(instance, field.name).name  # the FieldFile's storage name
                if name:
                    storage = field.storage
                    if storage.exists(name):
                        storage.delete(name)
                        removed += 1
    return removed


def _remove_folder(relative: str) -> int:
    root = Path(settings.MEDIA_ROOT) / relative
    if not root.is_dir():
        return 0
    count = sum(1 for path in root.rglob("*") if path.is_file())
    shutil.rmtree(root)
    return count


def _kept_for_statistics(model) -> bool:
    # Declared on the model (RETENTION_KEEP = True) by whoever makes the follow-up count it: one home per rule.
    return getattr(model, "RETENTION_KEEP", False) is True


def _free_text_cleared(model) -> dict:
    """Every free-text and file field of a kept model set empty (choice codes, numbers and dates stay)."""
    cleared = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField) or (
            isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and not field.unique
            and not field.primary_key
        ):
            cleared[field.attname] = None if field.null else ""
    return cleared


def _raw_delete(model, pks) -> int:
    # A plain DELETE without Django's collector: the walk already found every row that points at these
    # (foreign keys are deferred to commit, so the order within the transaction does not matter).
    queryset = model._base_manager.filter(pk__in=list(pks))
    return queryset._raw_delete(queryset.db)


def person_file_remove(*, person_id: UUID, action: RetentionAction) -> dict[str, int]:
    """Remove one person's file (inside the caller's transaction). Returns rows removed per model."""
    _purge_on()
    person_file = person_file_rows(person_ids=[person_id])
    removed: dict[str, int] = {}
    files = 0
    anonymise = action == RetentionAction.ANONYMISE
    for model in reversed(person_file.model_list()):
        instances = person_file.instances(model)
        if not instances:
            continue
        if anonymise and model in (Person, Case):
            continue  # anonymised below
        files += _remove_files(instances)
        if anonymise and _kept_for_statistics(model):
            cleared = _free_text_cleared(model)
            if cleared:
                model._base_manager.filter(pk__in=[i.pk for i in instances]).update(**cleared)
            removed[f"{model._meta.label} (avidentifierade)"] = len(instances)
            continue
        count = _raw_delete(model, [i.pk for i in instances])
        removed[model._meta.label] = count
    history = ChangeLog.objects.filter(person_id=person_id)
    removed_history = history._raw_delete(history.db)
    if removed_history:
        removed[ChangeLog._meta.label] = removed_history
    case_ids = [case.pk for case in person_file.instances(Case)]
    for case_id in case_ids:
        files += _remove_folder(f"{CASE_FILES_DIR}/{case_id}")
    files += _remove_folder(f"{PERSON_FILES_DIR}/{person_id}")
    if action == RetentionAction.ANONYMISE:
        Case._base_manager.filter(pk__in=case_ids).update(closure_note="")
        Person._base_manager.filter(pk=person_id).update(
            first_name=ANONYMISED_NAME,
            last_name="",
            id_number=f"G{person_id.hex[:13]}",
            street_address="",
            postal_code="",
            city="",
            protection="",
        )
        removed["cases.Person (avidentifierade)"] = 1
        if case_ids:
            removed["cases.Case (avidentifierade)"] = len(case_ids)
    if files:
        removed["files"] = files
    return removed


@transaction.atomic
def _remove_one(*, run: RetentionRun, rule: RetentionRule, due: Due) -> RetentionItem | None:
    locked = Person._base_manager.select_for_update().filter(pk=due.person_id).first()
    if locked is None:
        return None
    if RetentionItem.objects.filter(
        person_id=due.person_id, record_type=RecordType.PERSON_FILE, run__dry_run=False
    ).exists():
        return None  # another run finished it meanwhile
    removed = person_file_remove(person_id=due.person_id, action=RetentionAction(rule.action))
    return RetentionItem.objects.create(
        run=run,
        record_type=RecordType.PERSON_FILE,
        person_id=due.person_id,
        case_numbers=list(due.case_numbers),
        last_entry_on=due.last_entry_on,
        action=rule.action,
        removed=removed,
    )


def _access_log_due(rule: RetentionRule, as_of: datetime.date):
    cutoff = retention_cutoff(rule=rule, as_of=as_of)
    moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return AccessLog.objects.filter(at__lt=moment), AccessGrantEvent.objects.filter(at__lt=moment)


@transaction.atomic
def _access_log_remove(*, run: RetentionRun, rule: RetentionRule, as_of: datetime.date, batch: int) -> int:
    _purge_on()
    logs, grants = _access_log_due(rule, as_of)
    ids = list(logs.order_by("id").values_list("id", flat=True)[:batch])
    removed_logs = _raw_delete(AccessLog, ids) if ids else 0
    grant_ids = list(grants.order_by("id").values_list("id", flat=True)[:batch])
    removed_grants = _raw_delete(AccessGrantEvent, grant_ids) if grant_ids else 0
    if removed_logs or removed_grants:
        RetentionItem.objects.create(
            run=run,
            record_type=RecordType.ACCESS_LOG,
            action=RetentionAction.DELETE,
            removed={AccessLog._meta.label: removed_logs, AccessGrantEvent._meta.label: removed_grants},
        )
    return removed_logs + removed_grants


def _close_stale_runs() -> None:
    """A real run still marked running was killed: mark it so; its finished people stay recorded."""
    RetentionRun.objects.filter(dry_run=False, status=RetentionRunStatus.RUNNING).update(
        status=RetentionRunStatus.FAILED, error=_("Körningen avbröts; nästa körning fortsatte där den slutade.")
    )


def retention_run(
    *,
    as_of: datetime.date | None = None,
    dry_run: bool,
    started_by: User | None = None,
    limit: int | None = None,
    pause_seconds: float = 0.0,
    batch: int = 5000,
) -> RetentionRun:
    """Run gallring for every active rule. Dry run: record what would be removed, change nothing.

    limit caps the number of person files handled in one run (the daily job catches up); pause_seconds
    waits between people to spare the database (and lets tests kill a run half-way).
    """
    as_of = as_of or timezone.localdate()
    if not dry_run:
        _close_stale_runs()
    run = RetentionRun.objects.create(as_of=as_of, dry_run=dry_run, started_by=started_by)
    try:
        rules = {rule.record_type: rule for rule in RetentionRule.objects.filter(active=True)}
        person_rule = rules.get(RecordType.PERSON_FILE)
        if person_rule is not None:
            for due in retention_due_people(rule=person_rule, as_of=as_of, limit=limit):
                if dry_run:
                    person_file = person_file_rows(person_ids=[due.person_id])
                    RetentionItem.objects.create(
                        run=run,
                        record_type=RecordType.PERSON_FILE,
                        person_id=due.person_id,
                        case_numbers=list(due.case_numbers),
                        last_entry_on=due.last_entry_on,
                        action=person_rule.action,
                        removed=person_file.count(),
                    )
                else:
                    _remove_one(run=run, rule=person_rule, due=due)
                    if pause_seconds:
                        time.sleep(pause_seconds)
        log_rule = rules.get(RecordType.ACCESS_LOG)
        if log_rule is not None:
            retention_rule_validate(log_rule)
            if dry_run:
                logs, grants = _access_log_due(log_rule, as_of)
                count_logs, count_grants = logs.count(), grants.count()
                if count_logs or count_grants:
                    RetentionItem.objects.create(
                        run=run,
                        record_type=RecordType.ACCESS_LOG,
                        action=RetentionAction.DELETE,
                        removed={AccessLog._meta.label: count_logs, AccessGrantEvent._meta.label: count_grants},
                    )
            else:
                while _access_log_remove(run=run, rule=log_rule, as_of=as_of, batch=batch):
                    pass
    except SoftTimeLimitExceeded:
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RetentionRunStatus.FAILED,
            error=_("Tidsgränsen nåddes; en ny körning fortsätter där den här slutade."),
            finished_at=timezone.now(),
        )
        raise
    except Exception as error:
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RetentionRunStatus.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        logger.exception("gallring run %s failed", run.pk)
        raise
    RetentionRun.objects.filter(pk=run.pk).update(status=RetentionRunStatus.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def retention_run_people(run: RetentionRun) -> list[UUID]:
    """Person ids a run handled (or would handle), in order."""
    items = run.items.filter(record_type=RecordType.PERSON_FILE).order_by("person_id")
    # person_id is nullable for other record types; a person-file item always has one
    return [person_id for person_id in items.values_list("person_id", flat=True) if person_id is not None]


def retention_run_has_unfinished() -> bool:
    return RetentionRun.objects.filter(dry_run=False, status=RetentionRunStatus.RUNNING).exists()
