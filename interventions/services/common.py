"""Helpers shared by the insatser's write services: dates, case locks, change history, corrections of recorded rows.

Corrections: rows with hours, costs, fees or counts can be corrected or removed, always with a reason; the change
history keeps the old values, the new ones and the reason (removal: every value, then the row is deleted).
An exact copy of a row already recorded is refused unless the user confirms it is a separate one.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from core.history import CHANGE_REASON, change_record, history_snapshot
from core.models import ChangeAction, User


def today() -> datetime.date:
    return timezone.localdate()


def not_future(day: datetime.date | None, field: str, errors: dict) -> None:
    if day is not None and day > today():
        errors[field] = _("Datumet kan inte ligga i framtiden.")


def lock_case(case: Case, insats_code: str | None = None) -> Case:
    """Lock an open case (of the given insats) for a change of its details."""
    locked = Case.objects.select_for_update().select_related("insats_type", "person").get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("Ärendet är avslutat och kan inte ändras."), code="closed")
    if insats_code and locked.insats_type.code != insats_code:
        raise ValidationError(_("Uppgifterna hör inte till den här insatsen."), code="insats")
    return locked


def history(
    *,
    actor: User,
    instance,
    case: Case | None,
    before: dict | None = None,
    action: ChangeAction | None = None,
    change_reason: str = "",
    extra: dict | None = None,
) -> None:
    """Change history (core.history) for a record of the case's file: a create, an update given `before`, or
    the `action` given (a removal), with the reason of a correction or removal. Unit records (groups, shifts,
    polare, områdesinsatser) pass case None: they belong to no person's file."""
    reason = {CHANGE_REASON: [None, change_reason.strip()]} if change_reason.strip() else {}
    change_record(
        actor=actor,
        instance=instance,
        action=action or (ChangeAction.UPDATE if before is not None else ChangeAction.CREATE),
        before=before,
        extra={**(extra or {}), **reason} or None,
        person_id=case.person_id if case else None,
        case_id=case.pk if case else None,
    )


def ids_text(objects) -> str:
    """Many-to-many values for the history: the ids, sorted by value, as one text (as foreign keys are stored)."""
    return ", ".join(str(pk) for pk in sorted(obj.pk for obj in objects))


def fail(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


CONFIRM_DUPLICATE = "confirm_duplicate"  # the form field that confirms a registration looking like a copy


def duplicate_check(rows: QuerySet, *, confirm: bool, errors: dict, exclude_pk=None) -> None:
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    if not confirm and rows.exists():
        errors[CONFIRM_DUPLICATE] = _(
            "Exakt samma uppgifter finns redan registrerade. Är det en egen, ny registrering? "
            "Kryssa i rutan och spara igen; annars behöver du inte göra något."
        )


def reason_check(change_reason: str, errors: dict, *, removal: bool = False) -> None:
    if not change_reason.strip():
        errors["change_reason"] = (
            _("Skriv varför raden tas bort.") if removal else _("Skriv varför uppgifterna rättas.")
        )


def stored_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def require_change(instance, original: dict, extra: dict | None = None) -> None:
    """A correction that changes nothing is refused: there is nothing to record. Values are compared as
    values (1.5 equals 1.50), `original` being stored_values of the row before the change."""
    if not extra and stored_values(instance) == original:
        raise ValidationError({"__all__": _("Inget är ändrat. Ändra en uppgift eller avbryt.")})


def correct_row(
    row,
    values: dict,
    *,
    actor: User,
    change_reason: str,
    case: Case | None = None,
    full_clean: bool = False,
    related: dict | None = None,
    after_save=None,
):
    """Apply a checked correction to a locked row: set the values, refuse a change of nothing, save, and record
    the history row with the reason. `related`: changes outside the row's own fields (its staff), saved by
    `after_save`."""
    before, original = history_snapshot(row), stored_values(row)
    for name, value in values.items():
        setattr(row, name, value)
    if full_clean:
        row.full_clean()
    require_change(row, original, related)
    row.save(update_fields=list(values))
    row.refresh_from_db()  # the history holds the stored form: 62500.5 kr as 62500.50
    if after_save:
        after_save(row)
    history(actor=actor, instance=row, case=case, before=before, change_reason=change_reason, extra=related)
    return row


def remove_row(row, *, actor: User, change_reason: str, case: Case | None, extra: dict | None = None, rows=()) -> None:
    """Remove a locked row, refused without a reason: the history keeps every value of it (and of `rows`,
    removed with it) and why, then the row is deleted."""
    errors: dict = {}
    reason_check(change_reason, errors, removal=True)
    fail(errors)
    for dependent in rows:
        history(actor=actor, instance=dependent, case=case, action=ChangeAction.DELETE, change_reason=change_reason)
    history(actor=actor, instance=row, case=case, action=ChangeAction.DELETE, change_reason=change_reason, extra=extra)
    row.delete()
