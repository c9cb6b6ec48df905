"""Optimistic locking: the second of two people editing the same record gets a conflict, never a silent
overwrite.

Forms and API bodies carry the `version` the user started from. The service locks the row, then:

    locked = Case.objects.select_for_update().get(pk=case.pk)
    version_check_and_bump(instance=locked, expected_version=version,
                           submitted={"handler": handler, "next_follow_up_on": follow_up})
    ... apply the changes to `locked` ...
    locked.save(update_fields=[..., "version"])

On a mismatch EditConflict (a ValidationError, so it rolls the transaction back and a form shows it as
a non-field error) lists the fields where what is saved now differs from what this user submitted, with
the saved value, in Swedish. The API turns it into 409 (`api_exception_handler` or `conflict_response`).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.options import Options
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Identity fields of a person: a conflict message never shows their saved value unless the user may see it.
PROTECTED_IDENTITY_FIELDS = {"first_name", "last_name", "id_number", "street_address", "postal_code", "city"}


class Versioned(Protocol):
    """A model with the optimistic-locking `version` field (each such model declares its own)."""

    version: int

    @property
    def _meta(self) -> Options[Any]: ...


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    current: str


class EditConflict(ValidationError):
    """Someone saved the record after this user loaded it."""

    def __init__(self, *, instance: Versioned, expected_version: int, changes: list[Change]) -> None:
        self.instance_label = str(instance._meta.verbose_name)
        self.current_version = instance.version
        self.expected_version = expected_version
        self.changes = changes
        super().__init__(self.describe(), code="conflict")

    def describe(self) -> str:
        head = _(
            "Någon annan har sparat ändringar i %(what)s medan du redigerade "
            "(du utgick från version %(mine)s, sparad är version %(current)s). Inget av det du skrev har sparats."
        ) % {"what": self.instance_label, "mine": self.expected_version, "current": self.current_version}
        if self.changes:
            listed = "; ".join(
                _("%(label)s är nu: %(value)s") % {"label": change.label, "value": change.current}
                for change in self.changes
            )
            head = f"{head} {listed}."
        return f"{head} {_('Ladda om sidan, se över uppgifterna och spara igen.')}"

    def as_dict(self) -> dict[str, object]:
        return {
            "detail": self.describe(),
            "code": "conflict",
            "current_version": self.current_version,
            "changes": [{"field": c.field, "label": c.label, "current": c.current} for c in self.changes],
        }


def display_value(instance: models.Model | Versioned, field_name: str) -> str:
    """The saved value of one field as a person reads it (choices by label, dates as 2024-03-15)."""
    if field_name in PROTECTED_IDENTITY_FIELDS and not getattr(instance, "shows_identity", True):
        return _("(skyddad uppgift)")
    field = instance._meta.get_field(field_name)
    if getattr(field, "choices", None):
        return str(getattr(instance, f"get_{field_name}_display")()) or "–"
    value = getattr(instance, field_name)
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    return str(value)


def _comparable(value: object) -> object:
    return value.pk if isinstance(value, models.Model) else value


def version_check_and_bump(
    *, instance: Versioned, expected_version: int | str | None, submitted: Mapping[str, object] | None = None
) -> None:
    """Raise EditConflict unless `instance` (locked with select_for_update) is still at `expected_version`;
    otherwise add one to its version in memory (save it with the other fields).

    `submitted`: field name -> the value this user wants to save; fields whose saved value differs are
    listed in the conflict message.
    """
    try:
        expected = int(expected_version if expected_version is not None else "")
    except (TypeError, ValueError):
        raise ValidationError(
            _("Formuläret saknar versionsuppgift. Ladda om sidan och försök igen."), code="conflict"
        ) from None
    if instance.version != expected:
        changes = []
        for name, value in (submitted or {}).items():
            field = instance._meta.get_field(name)
            assert isinstance(field, models.Field)  # submitted names are concrete fields, never reverse relations
            saved = getattr(instance, field.attname)
            if _comparable(saved) != _comparable(value):
                changes.append(
                    Change(field=name, label=capfirst(str(field.verbose_name)), current=display_value(instance, name))
                )
        raise EditConflict(instance=instance, expected_version=expected, changes=changes)
    instance.version = expected + 1


def conflict_response(error: EditConflict) -> Response:
    """409 Conflict for the API, with the saved version and what differs."""
    return Response(error.as_dict(), status=status.HTTP_409_CONFLICT)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: EditConflict -> 409; everything else as DRF does it."""
    if isinstance(exc, EditConflict):
        return conflict_response(exc)
    return drf_exception_handler(exc, context)
