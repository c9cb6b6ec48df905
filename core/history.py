"""Change history (ändringshistorik): one call records who changed what, when, with old and new values.

Services call it inside their own transaction, right after the write, so a change and its history row
commit or roll back together:

    before = history_snapshot(case)              # before changing the instance
    ... change and save ...
    change_record(actor=actor, instance=case, action=ChangeAction.UPDATE, before=before)

For a new record: change_record(actor=..., instance=obj, action=ChangeAction.CREATE).
A correction or removal states why with extra={CHANGE_REASON: [None, reason]}.
Values are stored as text (the model's own string form of each field); the history page turns field names
into their Swedish labels and choice codes into their labels. Rows name the person and case by id so that
gallring removes them with the rest of the person's file.
"""

import datetime
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import formats
from core.models import ChangeAction, ChangeLog, User

# Bookkeeping fields that carry no information for the reader of the history. A foreign key named like one
# (a plan version's goals, agreements, follow-ups) is information: which version the record belongs to.
# statistics_key (cases.Case): the secret key of the statistics API's noise, never shown anywhere
SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at", "recorded_at", "statistics_key"}

# Key in `changes` for why a recorded row was corrected or removed: {CHANGE_REASON: [None, "Fel datum"]}.
# Not a model field name, so it never clashes with one (the history page gives it its own label).
CHANGE_REASON = "change_reason"


def _tracked_fields(instance: models.Model, fields: Iterable[str] | None) -> list[models.Field[Any, Any]]:
    concrete = [
        field
        for field in instance._meta.concrete_fields
        if not field.primary_key
        and (field.is_relation or field.name not in SKIPPED_FIELDS)
        and not isinstance(field, models.AutoField)
    ]
    if fields is None:
        return concrete
    wanted = set(fields)
    return [field for field in concrete if field.name in wanted]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def history_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, str | None]:
    """The tracked field values of an instance as text (foreign keys as ids; no queries)."""
    return {field.name: _text(getattr(instance, field.attname)) for field in _tracked_fields(instance, fields)}


def history_diff(before: dict[str, str | None], after: dict[str, str | None]) -> dict[str, list[str | None]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _owner_ids(instance: models.Model) -> tuple[UUID | None, UUID | None]:
    """(person_id, case_id) of a record of a person's file, found from its fields without queries where
    possible: the model's own history_owner_ids() (a person, a case), or its person_id / case_id (then the
    person of the case its `case` foreign key points at)."""
    if hasattr(instance, "history_owner_ids"):
        owners: tuple[UUID | None, UUID | None] = instance.history_owner_ids()
        return owners
    person_id = getattr(instance, "person_id", None)
    case_id = getattr(instance, "case_id", None)
    if person_id is None and case_id is not None:
        case_model = instance._meta.get_field("case").related_model
        assert isinstance(case_model, type)  # a concrete foreign key, never a lazy "app.Model" string here
        person_id = case_model._default_manager.filter(pk=case_id).values_list("person_id", flat=True).first()
    return person_id, case_id


def change_record(
    *,
    actor: User,
    instance: models.Model,
    action: ChangeAction,
    before: dict[str, str | None] | None = None,
    fields: Iterable[str] | None = None,
    changes: dict[str, list[Any]] | None = None,
    extra: dict[str, list[Any]] | None = None,
    person_id: UUID | None = None,
    case_id: UUID | None = None,
) -> ChangeLog | None:
    """Write one history row for a create/update/delete of `instance`; returns None when nothing changed.

    - CREATE: every tracked field as [None, value].
    - UPDATE: pass `before` (history_snapshot taken before the change); only changed fields are stored.
    - DELETE: every tracked field as [value, None] (call it before deleting).
    `changes` overrides the computed diff; `extra` adds entries to it (e.g. many-to-many values as
    {"actors": [old, new]}); `fields` limits what is tracked;
    `person_id`/`case_id` override the owner found from the instance (for records of a plan, pass the case).
    """
    if changes is None:
        current = history_snapshot(instance, fields)
        if action == ChangeAction.CREATE:
            changes = {name: [None, value] for name, value in current.items() if value not in (None, "")}
        elif action == ChangeAction.DELETE:
            changes = {name: [value, None] for name, value in current.items() if value not in (None, "")}
        else:
            if before is None:
                raise ValueError("change_record(action=UPDATE) needs the snapshot taken before the change")
            changes = history_diff(before, current)
    if extra:
        changes = {**changes, **extra}
    if not changes:
        return None
    found_person, found_case = _owner_ids(instance)
    return ChangeLog.objects.create(
        actor=actor,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        person_id=person_id or found_person,
        case_id=case_id or found_case,
        action=action,
        changes=changes,
    )


# --- reading the history: one value-to-text rule for every page, extract and export ---------------------

# Fields whose value is an amount of money (shown "350 kr"); other numbers are plain Swedish numbers.
MONEY_FIELD_WORDS = ("fee", "cost", "price", "budget", "amount")
DELETED = _("(borttagen)")
MASK = "***"


def identity_fields(model: type[models.Model] | None) -> frozenset[str]:
    """The fields of a model that identify a person with skyddad identitet (the model's `identity_fields`,
    declared by cases.models for the person and their custodians); empty for every other model."""
    return frozenset(getattr(model, "identity_fields", ()))


def _model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since, or a key like CHANGE_REASON
        return None
    return field if isinstance(field, models.Field) else None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if name == CHANGE_REASON:
        return str(_("Anledning till rättelsen"))
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def _items(value: object) -> list[str]:
    """The ids or codes of a many-to-many value as stored: a list, or text joined with commas."""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _related_names(wanted: dict[type[models.Model], set[str]]) -> dict[tuple[type[models.Model], str], str]:
    """(model, id or code) -> the row's name, one query per related model."""
    names = {}
    for model, keys in wanted.items():
        if not keys:
            continue
        has_code = any(field.name == "code" for field in model._meta.concrete_fields)
        numeric = {key for key in keys if key.isdigit() or _is_uuid(key)}
        query = models.Q(pk__in=list(numeric)) if numeric else models.Q(pk__in=[])
        if has_code:
            query |= models.Q(code__in=list(keys))
        for row in model._base_manager.filter(query):
            text = str(row)
            names[(model, str(row.pk))] = text
            if has_code:
                names[(model, str(getattr(row, "code")))] = text  # noqa: B009 (not every model has a code)
    return names


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _number_text(value: str, field: models.Field[Any, Any]) -> str:
    if formats.to_decimal(value) is None:
        return value
    if any(word in field.name for word in MONEY_FIELD_WORDS):
        return formats.money(value)
    return formats.quantity(value, 2)  # 5.0 -> "5", 3.50 -> "3,5"


def _datetime_text(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return formats.datetime_text(moment)


class _Texts:
    """Turns stored history values into what a reader understands, for a batch of entries."""

    def __init__(self, entries: list[ChangeLog]):
        wanted: dict[type[models.Model], set[str]] = {}
        for entry in entries:
            model = _model_for(entry.object_type)
            for name, pair in entry.changes.items():
                field = _field(model, name)
                if field is None or not field.is_relation or field.related_model is None:
                    continue
                for value in pair if isinstance(pair, list | tuple) else []:
                    if value not in (None, ""):
                        wanted.setdefault(field.related_model, set()).update(_items(value))
        self.names = _related_names(wanted)

    def _name(self, model: type[models.Model], key: str) -> str:
        return self.names.get((model, key), f"{key} {DELETED}")

    def text(self, model: type[models.Model] | None, name: str, value: object) -> str | None:
        if value is None or value == "":
            return None
        field = _field(model, name)
        if field is None:
            return ", ".join(_items(value)) if isinstance(value, list | tuple) else str(value)
        related = field.related_model if field.is_relation and isinstance(field.related_model, type) else None
        if related is not None and (field.many_to_many or field.one_to_many):
            return ", ".join(self._name(related, key) for key in _items(value))
        if related is not None:
            return self._name(related, str(value))
        value = str(value)
        if field.choices:
            labels = {str(key): label for key, label in field.flatchoices}
            return str(labels.get(value, value))
        if isinstance(field, models.BooleanField):
            return str(_("Ja")) if value in ("True", "true", "1") else str(_("Nej"))
        if isinstance(field, models.DateTimeField):
            return _datetime_text(value)
        if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
            return _number_text(value, field)
        return value


def _masked(model: type[models.Model] | None, name: str, *, identity_visible: bool) -> bool:
    """Whether a value is an identity detail the reader may not see: the person's or a custodian's own
    field, or a link to such a row (a consent's custodian)."""
    if identity_visible:
        return False
    if name in identity_fields(model):
        return True
    field = _field(model, name)
    return field is not None and field.is_relation and bool(identity_fields(field.related_model))


def _occasion_field(model: type[models.Model] | None) -> models.Field[Any, Any] | None:
    """The date that tells one row of a dated record from another (a night, a shift, an hour report): its
    first date field other than bookkeeping. None for a person's own records (identity) and undated ones."""
    if model is None or identity_fields(model):
        return None
    for field in model._meta.concrete_fields:
        dated = isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        if dated and field.name not in SKIPPED_FIELDS:
            return field
    return None


def _occasion_dates(entries: list[ChangeLog]) -> dict[tuple[str, str], str]:
    """(object type, id) -> the record's date now, for entries whose change does not carry it (one query per
    record type); a removed record's date is in its own delete entry."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        field = _occasion_field(_model_for(entry.object_type))
        if field is not None and not any(entry.changes.get(field.name, [None, None])):
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    found = {}
    for label, ids in wanted.items():
        model = _model_for(label)
        field = _occasion_field(model)
        if model is None or field is None:
            continue
        try:
            rows = model._base_manager.filter(pk__in=list(ids)).values_list("pk", field.attname)
            for pk, day in rows:
                if day is not None:
                    found[(label, str(pk))] = day.isoformat()
        except (ValueError, TypeError):  # ids of another key type (a record type changed since)
            continue
    return found


def _occasion(model: type[models.Model] | None, entry: ChangeLog, dates: dict[tuple[str, str], str]) -> str:
    field = _occasion_field(model)
    if field is None:
        return ""
    old, new = entry.changes.get(field.name, [None, None])
    return new or old or dates.get((entry.object_type, entry.object_id), "")


def history_rows(entries: Iterable[ChangeLog], *, identity_visible: bool) -> list[dict[str, Any]]:
    """History entries as readers see them, newest first as given: the record in words ("polarnatt
    2026-03-04"), field labels, names instead of ids, labels instead of codes, Ja/Nej, Swedish numbers.
    A person's (and their custodians') identity stays masked unless `identity_visible`."""
    entries = list(entries)
    texts = _Texts(entries)
    dates = _occasion_dates(entries)
    rows = []
    for entry in entries:
        model = _model_for(entry.object_type)
        changes = []
        for name, pair in entry.changes.items():
            if isinstance(_field(model, name), models.FileField):
                continue  # where a file is stored is no reader's business (the record's own name is shown)
            old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
            if _masked(model, name, identity_visible=identity_visible):
                old, new = (MASK if old else None), (MASK if new else None)
            else:
                old, new = texts.text(model, name, old), texts.text(model, name, new)
            changes.append({"field": _field_label(model, name), "old": old, "new": new})
        what = str(model._meta.verbose_name) if model is not None else entry.object_type
        occasion = _occasion(model, entry, dates)
        rows.append({"entry": entry, "what": f"{what} {occasion}".strip(), "changes": changes})
    return rows
