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

from collections.abc import Iterable
from uuid import UUID

from django.db import models

from core.models import ChangeAction, ChangeLog, User

# Bookkeeping fields that carry no information for the reader of the history. A foreign key named like one
# (a plan version's goals, agreements, follow-ups) is information: which version the record belongs to.
# statistics_key (cases.Case): the secret key of the statistics API's noise, never shown anywhere
SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at", "recorded_at", "statistics_key"}

# Key in `changes` for why a recorded row was corrected or removed: {CHANGE_REASON: [None, "Fel datum"]}.
# Not a model field name, so it never clashes with one (the history page gives it its own label).
CHANGE_REASON = "change_reason"


def _tracked_fields(instance: models.Model, fields: Iterable[str] | None) -> list[models.Field]:
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


def _text(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
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
        return instance.history_owner_ids()
    person_id = getattr(instance, "person_id", None)
    case_id = getattr(instance, "case_id", None)
    if person_id is None and case_id is not None:
        case_model = instance._meta.get_field("case").related_model
        person_id = case_model._default_manager.filter(pk=case_id).values_list("person_id", flat=True).first()
    return person_id, case_id


def change_record(
    *,
    actor: User,
    instance: models.Model,
    action: ChangeAction,
    before: dict[str, str | None] | None = None,
    fields: Iterable[str] | None = None,
    changes: dict[str, list] | None = None,
    extra: dict[str, list] | None = None,
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
