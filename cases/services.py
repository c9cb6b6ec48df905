"""Writes for people, cases and the journal: one entry point per action, each atomic and validated.

Callers have fetched the objects through cases.selectors, so visibility is already applied.
Errors are django.core.exceptions.ValidationError with Swedish messages keyed by field.
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases import rules
from cases.identity import age_on, parse_id_number
from cases.models import (
    Case,
    CaseNumberSequence,
    Custodian,
    IdentityAccessRequest,
    IdentityRequestStatus,
    InsatsType,
    JournalEntry,
    Person,
    PersonUserObjectPermission,
)
from core.concurrency import version_check_and_bump
from core.history import change_record, history_snapshot
from core.models import AccessGrantEvent, ChangeAction, District, GrantAction, GrantKind, Unit, User

# Why a case or a journal entry cannot be changed: the same words on the page that refuses and from the write.
CASE_CLOSED = _lazy("Ärendet är avslutat och kan inte ändras.")
ENTRY_SIGNED = _lazy("En signerad anteckning kan inte ändras. Skriv en rättelse i stället.")
ENTRY_ALREADY_SIGNED = _lazy("Anteckningen är redan signerad.")
ENTRY_NOT_AUTHOR = _lazy("Bara den som skrev anteckningen kan ändra eller signera den.")
ENTRY_UNSIGNED = _lazy("En osignerad anteckning ändras direkt; rättelse behövs inte.")

# History of a new journal entry: its facts; the text itself is the entry (draft edits record old and new text).
JOURNAL_TRACKED = ["kind", "occurred_on", "author", "signed_at", "corrects"]


class DuplicatePersonError(ValidationError):
    """The number is already registered; carries the existing person's id so the view can link to it
    when (and only when) the user may see that person."""

    def __init__(self, existing_id: uuid.UUID) -> None:
        super().__init__({"id_number": str(rules.DUPLICATE_NUMBER)}, code="duplicate")
        self.existing_id = existing_id


@dataclass(frozen=True)
class CustodianData:
    name: str
    id_number: str = ""
    relation: str = ""
    phone: str = ""
    email: str = ""


def identity_resolve(
    *, id_kind: str, id_number: str, birth_date: datetime.date | None, gender: str | None
) -> tuple[str, datetime.date, str]:
    """Validate and normalise an identity number; birth date and gender come from it where possible."""
    identity = rules.identity_resolve(id_kind=id_kind, id_number=id_number, birth_date=birth_date, gender=gender)
    return identity.number, identity.birth_date, identity.gender


@transaction.atomic
def person_register(
    *,
    actor: User,
    id_kind: str,
    id_number: str,
    first_name: str,
    last_name: str,
    birth_date: datetime.date | None = None,
    gender: str | None = None,
    district: District | None = None,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    protection: str = "",
    custodians: list[CustodianData] | None = None,
    age_confirmed: bool = False,
) -> Person:
    """Register a young person (with custodians) in the actor's unit. An age outside the target group
    (cases.rules.target_group_warning) is registered only when the user has confirmed it (age_confirmed)."""
    if actor.unit_id is None:
        raise ValidationError(_("Du måste tillhöra en enhet för att registrera personer."))
    number, birth_date, gender = identity_resolve(
        id_kind=id_kind, id_number=id_number, birth_date=birth_date, gender=gender
    )
    existing = Person.objects.filter(id_number=number).values_list("id", flat=True).first()
    if existing:
        raise DuplicatePersonError(existing)
    warning = rules.target_group_warning(age=age_on(birth_date, timezone.localdate()))
    if warning and not age_confirmed:
        raise ValidationError({"age_confirmed": warning}, code="age_outside_target_group")
    person = Person(
        id_kind=id_kind,
        id_number=number,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        gender=gender,
        district=district,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        protection=protection,
        unit_id=actor.unit_id,
    )
    person.full_clean(exclude=["unit"])
    person.save()
    change_record(actor=actor, instance=person, action=ChangeAction.CREATE)
    for data in custodians or []:
        custodian_add(actor=actor, person=person, data=data)
    return person


# Fields of a person that identify them: masked for users without the right to see a protected identity,
# and so not changeable by them either.
IDENTITY_FIELDS = ["id_kind", "id_number", "first_name", "last_name", "birth_date", "street_address", "postal_code",
                   "city", "district", "protection"]  # fmt: skip
PROTECTED_IDENTITY = _lazy("Personen har skyddade personuppgifter som du inte har behörighet att se eller ändra.")


def _lock_person(person: Person, expected_version: int | str | None, submitted: Mapping[str, object]) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    locked.identity_visible = person.identity_visible  # as the selector marked it for this user
    version_check_and_bump(instance=locked, expected_version=expected_version, submitted=submitted)
    return locked


@transaction.atomic
def person_update(*, actor: User, person: Person, expected_version: int, changes: dict[str, Any]) -> Person:
    """Change a person's details (a person loaded through cases.selectors, identity marked for the actor).

    `changes`: field name -> new value, of IDENTITY_FIELDS and gender. A protected identity the actor may not
    see cannot be changed (nor its protection lowered); a new number is checked as at registration and
    the birth date and gender follow it. The form carries the version the user saw."""
    unknown = set(changes) - {*IDENTITY_FIELDS, "gender"}
    if unknown:
        raise ValueError(f"person_update: unknown fields {sorted(unknown)}")
    if not person.shows_identity and set(changes) & set(IDENTITY_FIELDS):
        raise ValidationError(PROTECTED_IDENTITY, code="protected")
    locked = _lock_person(person, expected_version, submitted=changes)
    before = history_snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if "id_number" in changes or "id_kind" in changes:
        number, birth_date, gender = identity_resolve(
            id_kind=locked.id_kind,
            id_number=locked.id_number,
            birth_date=changes.get("birth_date", locked.birth_date),
            gender=changes.get("gender") or None,
        )
        if Person.objects.filter(id_number=number).exclude(pk=locked.pk).exists():
            # never a hint of who holds the number
            raise ValidationError({"id_number": str(rules.NOT_REGISTRABLE_HERE)}, code="duplicate")
        locked.id_number, locked.birth_date = number, birth_date
        locked.gender = changes.get("gender") or gender
    locked.full_clean(exclude=["unit"])
    locked.save()
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    if before.get("protection") in (None, "") and locked.is_protected:
        handlers = User.objects.filter(
            pk__in=Case.objects.filter(person=locked, closed_on__isnull=True).values("handler_id")
        )
        _name_responsible_handlers(actor=actor, person=locked, handlers=handlers, reason=str(NAMED_WHEN_PROTECTED))
    return locked


# Why a handläggare is named for a protected identity without an enhetschef's decision (issue 19 point 10):
# the person is their client, whose name they already knew; losing it mid-case helps nobody.
NAMED_WHEN_PROTECTED = _lazy("Ansvarig handläggare för pågående ärende när skyddet registrerades.")
NAMED_AT_REASSIGNMENT = _lazy("Ny ansvarig handläggare för ärendet.")


def _name_responsible_handlers(*, actor: User, person: Person, handlers: Iterable[User], reason: str) -> None:
    """Name these handläggare for the person's protected identity (view_protected_identity on the person), each
    grant recorded as an AccessGrantEvent as the enhetschef's grants are (records.services)."""
    permission = Permission.objects.get(content_type__app_label="cases", codename="view_protected_identity")
    for handler in handlers:
        if handler is None or not handler.is_active:
            continue
        _row, created = PersonUserObjectPermission.objects.get_or_create(
            user=handler, content_object=person, permission=permission
        )
        if created:
            AccessGrantEvent.objects.create(
                kind=GrantKind.PROTECTED_IDENTITY,
                action=GrantAction.GRANT,
                person_id=person.pk,
                case_id=None,
                grantee=handler,
                actor=actor,
                reason=reason,
            )


@transaction.atomic
def identity_access_request(*, actor: User, person: Person, reason: str) -> IdentityAccessRequest:
    """Ask to be named for a protected person's identity (a person the actor may see, loaded through
    cases.selectors); the enhetschef of the person's unit decides (records.services). In the history."""
    if not person.is_protected:
        raise ValidationError(_("Personen har inga skyddade personuppgifter."), code="not_protected")
    if person.shows_identity:
        raise ValidationError(_("Du ser redan personens uppgifter."), code="already_named")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Ange skälet (minst 5 tecken).")})
    pending = IdentityAccessRequest.objects.filter(
        person=person, requested_by=actor, status=IdentityRequestStatus.PENDING
    ).exists()
    if pending:
        raise ValidationError(_("Du har redan en begäran som väntar på beslut."), code="pending")
    request = IdentityAccessRequest.objects.create(person=person, requested_by=actor, reason=reason)
    change_record(actor=actor, instance=request, action=ChangeAction.CREATE)
    return request


def _check_custodians_visible(person: Person) -> None:
    """Custodians of a protected person are as protected as the person (their names lead to the child)."""
    if not person.shows_identity:
        raise ValidationError(PROTECTED_IDENTITY, code="protected")


def _custodian_number(raw: str) -> str:
    if not raw:
        return ""
    try:
        return parse_id_number(raw).number
    except ValidationError as error:
        raise ValidationError({"custodian_id_number": error.messages}) from None


@transaction.atomic
def custodian_add(
    *, actor: User, person: Person, data: CustodianData, valid_from: datetime.date | None = None
) -> Custodian:
    """Add a vårdnadshavare to a person the actor may see (valid_from: when the guardianship began, if known)."""
    _check_custodians_visible(person)
    if valid_from is not None and valid_from > timezone.localdate():
        raise ValidationError({"valid_from": _("Datumet kan inte ligga i framtiden.")})
    custodian = Custodian(
        person=person,
        name=data.name.strip(),
        id_number=_custodian_number(data.id_number),
        relation=data.relation,
        phone=data.phone,
        email=data.email,
        valid_from=valid_from,
    )
    custodian.full_clean()
    custodian.save()
    change_record(actor=actor, instance=custodian, action=ChangeAction.CREATE)
    return custodian


def _lock_custodian(
    custodian: Custodian, person: Person, expected_version: int | str | None, submitted: Mapping[str, object]
) -> Custodian:
    _check_custodians_visible(person)
    locked = Custodian.objects.select_for_update().get(pk=custodian.pk, person=person)
    version_check_and_bump(instance=locked, expected_version=expected_version, submitted=submitted)
    return locked


@transaction.atomic
def custodian_update(
    *, actor: User, person: Person, custodian: Custodian, data: CustodianData, expected_version: int
) -> Custodian:
    """Change a custodian's details; the earlier values stay in the change history."""
    number = _custodian_number(data.id_number)
    submitted = {"name": data.name.strip(), "id_number": number, "relation": data.relation, "phone": data.phone,
                 "email": data.email}  # fmt: skip
    locked = _lock_custodian(custodian, person, expected_version, submitted)
    if locked.valid_to is not None:
        raise ValidationError(_("Vårdnaden har upphört; uppgifterna ändras inte längre."), code="ended")
    before = history_snapshot(locked)
    for name, value in submitted.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def custodian_end(
    *, actor: User, person: Person, custodian: Custodian, valid_to: datetime.date, expected_version: int
) -> Custodian:
    """End a guardianship on its last day; the custodian and the consents they gave are kept."""
    locked = _lock_custodian(custodian, person, expected_version, {"valid_to": valid_to})
    if locked.valid_to is not None:
        raise ValidationError(_("Vårdnaden är redan avslutad."), code="ended")
    if valid_to > timezone.localdate():
        raise ValidationError({"valid_to": _("Datumet kan inte ligga i framtiden.")})
    if locked.valid_from is not None and valid_to < locked.valid_from:
        raise ValidationError(
            {
                "valid_to": _("Datumet kan inte vara före %(date)s, då vårdnaden började.")
                % {"date": locked.valid_from.isoformat()}
            }
        )
    before = history_snapshot(locked)
    locked.valid_to = valid_to
    locked.save(update_fields=["valid_to", "version"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


def _next_case_number(year: int) -> str:
    sequence, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    CaseNumberSequence.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db()
    return rules.case_number_format(year=year, serial=sequence.last_number)


def case_check_age(*, person: Person, insats_type: InsatsType, opened_on: datetime.date) -> None:
    rules.check_insats_age(age=person.age_on(opened_on), insats_type=insats_type)


@transaction.atomic
def case_open(
    *,
    actor: User,
    person: Person,
    insats_type: InsatsType,
    unit: Unit,
    handler: User,
    referral_source: str,
    basis: str,
    opened_on: datetime.date,
    number: str | None = None,
) -> Case:
    """Open an ärende (aktualisering). The age must fit the insats; the handläggare must work in the unit."""
    rules.check_case_open(
        insats_type=insats_type,
        unit_id=unit.pk,
        handler_unit_id=handler.unit_id,
        opened_on=opened_on,
        age=person.age_on(opened_on),
        today=timezone.localdate(),
    )
    case = Case(
        number=number or _next_case_number(opened_on.year),
        person=person,
        insats_type=insats_type,
        unit=unit,
        handler=handler,
        referral_source=referral_source,
        basis=basis,
        opened_on=opened_on,
    )
    case.full_clean()
    case.save()
    change_record(actor=actor, instance=case, action=ChangeAction.CREATE)
    return case


def _lock_open_case(
    case: Case, expected_version: int | None = None, submitted: dict[str, object] | None = None
) -> Case:
    """Lock an open case. With expected_version (the version the user's form showed) a newer saved version
    raises core.concurrency.EditConflict and saves nothing; otherwise the version is bumped in memory."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None:
        version_check_and_bump(instance=locked, expected_version=expected_version, submitted=submitted)
    if not locked.is_open:
        raise ValidationError(CASE_CLOSED, code="closed")
    return locked


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    reason: str,
    closed_on: datetime.date,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Close an open case with a reason and a date not before it was opened; it is read-only afterwards.

    expected_version: the version the user's form showed; a different stored version saves nothing."""
    locked = _lock_open_case(
        case, expected_version, submitted={"closed_on": closed_on, "closure_reason": reason, "closure_note": note}
    )
    rules.check_case_close(reason=reason, closed_on=closed_on, opened_on=locked.opened_on, today=timezone.localdate())
    before = history_snapshot(locked)
    locked.closed_on = closed_on
    locked.closure_reason = reason
    locked.closure_note = note
    if expected_version is None:
        locked.version += 1
    locked.save(update_fields=["closed_on", "closure_reason", "closure_note", "version", "updated_at"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def case_reassign(*, actor: User, case: Case, handler: User, expected_version: int | None = None) -> Case:
    """Give an open case to another handläggare in its unit (enhetschef only); see case_close for the version."""
    if not actor.has_perm("cases.reassign_case"):
        raise ValidationError(_("Bara enhetschef kan byta handläggare."), code="forbidden")
    locked = _lock_open_case(case, expected_version, submitted={"handler": handler})
    if handler.unit_id != locked.unit_id:
        raise ValidationError({"handler": _("Handläggaren arbetar inte på ärendets enhet.")})
    before = history_snapshot(locked)
    locked.handler = handler
    if expected_version is None:
        locked.version += 1
    locked.save(update_fields=["handler", "version", "updated_at"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    if locked.person.is_protected:  # the new handläggare keeps the client's identity (issue 19 point 10)
        _name_responsible_handlers(
            actor=actor, person=locked.person, handlers=[handler], reason=str(NAMED_AT_REASSIGNMENT)
        )
    return locked


@transaction.atomic
def case_follow_up_plan(
    *, actor: User, case: Case, next_follow_up_on: datetime.date | None, expected_version: int | None = None
) -> Case:
    """Set or clear the next planned follow-up of an open case (staff who may change the case)."""
    locked = _lock_open_case(case, expected_version, submitted={"next_follow_up_on": next_follow_up_on})
    if next_follow_up_on is not None and next_follow_up_on < timezone.localdate():
        message = _("Uppföljningen kan inte planeras till ett datum som har passerat.")
        raise ValidationError({"next_follow_up_on": message})
    before = history_snapshot(locked)
    if expected_version is None:
        locked.version += 1
    locked.next_follow_up_on = next_follow_up_on
    locked.save(update_fields=["next_follow_up_on", "version", "updated_at"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked


@transaction.atomic
def journal_entry_create(
    *, actor: User, case: Case, kind: str, occurred_on: datetime.date, text: str, sign: bool = False
) -> JournalEntry:
    """Write a journal entry on an open case; optionally sign it at once."""
    _lock_open_case(case)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Datumet kan inte ligga i framtiden.")})
    if occurred_on < case.opened_on:
        raise ValidationError({"occurred_on": _("Datumet kan inte vara före aktualiseringen.")})
    entry = JournalEntry(case=case, kind=kind, occurred_on=occurred_on, text=text.strip(), author=actor)
    entry.signed_at = timezone.now() if sign else None
    entry.full_clean()
    entry.save()
    change_record(
        actor=actor, instance=entry, action=ChangeAction.CREATE, fields=JOURNAL_TRACKED, person_id=case.person_id
    )
    return entry


def journal_entry_check(
    *, actor: User, case: Case, entry: JournalEntry, change: Literal["edit", "sign", "correct"]
) -> None:
    """May the actor edit, sign or correct this entry of the case now? Raises the reason (code closed, signed,
    already_signed, author or unsigned). Decided on the rows as loaded, without a query, so that a page refuses
    before it shows its form; the write checks again under its lock."""
    if not case.is_open:
        raise ValidationError(CASE_CLOSED, code="closed")
    if change == "correct":
        if not entry.is_signed:
            raise ValidationError(ENTRY_UNSIGNED, code="unsigned")
        return
    if entry.is_signed:
        if change == "sign":
            raise ValidationError(ENTRY_ALREADY_SIGNED, code="already_signed")
        raise ValidationError(ENTRY_SIGNED, code="signed")
    if entry.author_id != actor.pk:
        raise ValidationError(ENTRY_NOT_AUTHOR, code="author")


def _lock_unsigned(entry: JournalEntry, actor: User) -> JournalEntry:
    locked = JournalEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    if locked.is_signed:
        raise ValidationError(ENTRY_SIGNED, code="signed")
    if locked.author_id != actor.pk:
        raise ValidationError(ENTRY_NOT_AUTHOR, code="author")
    return locked


@transaction.atomic
def journal_entry_update(
    *, actor: User, entry: JournalEntry, text: str, occurred_on: datetime.date, expected_version: int | str | None
) -> JournalEntry:
    """Edit an unsigned draft entry (its author only); refused if it was saved since the form was opened."""
    locked = _lock_unsigned(entry, actor)
    version_check_and_bump(
        instance=locked, expected_version=expected_version, submitted={"text": text.strip(), "occurred_on": occurred_on}
    )
    before = history_snapshot(locked)
    locked.text = text.strip()
    locked.occurred_on = occurred_on
    locked.full_clean()
    locked.save(update_fields=["text", "occurred_on", "version"])
    change_record(
        actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before, person_id=locked.case.person_id
    )
    return locked


@transaction.atomic
def journal_entry_sign(*, actor: User, entry: JournalEntry) -> JournalEntry:
    """Sign a draft entry; from now on it is locked."""
    locked = _lock_unsigned(entry, actor)
    before = history_snapshot(locked)
    locked.signed_at = timezone.now()
    locked.version += 1  # an edit form still open elsewhere is refused as out of date
    locked.save(update_fields=["signed_at", "version"])
    change_record(
        actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before, person_id=locked.case.person_id
    )
    return locked


@transaction.atomic
def journal_entry_delete(*, actor: User, entry: JournalEntry) -> None:
    """Remove an unsigned draft (its author only); signed entries are never deleted."""
    locked = _lock_unsigned(entry, actor)
    change_record(actor=actor, instance=locked, action=ChangeAction.DELETE, person_id=locked.case.person_id)
    locked.delete()


@transaction.atomic
def journal_entry_correct(*, actor: User, entry: JournalEntry, text: str) -> JournalEntry:
    """Correct a signed entry: a new signed entry pointing at it; the original stays as it was."""
    original = JournalEntry.objects.select_related("case").get(pk=entry.pk)
    if not original.is_signed:
        raise ValidationError(ENTRY_UNSIGNED, code="unsigned")
    _lock_open_case(original.case)
    correction = JournalEntry(
        case=original.case,
        kind=original.kind,
        occurred_on=original.occurred_on,
        text=text.strip(),
        author=actor,
        corrects=original,
        signed_at=timezone.now(),
    )
    correction.full_clean()
    correction.save()
    change_record(
        actor=actor,
        instance=correction,
        action=ChangeAction.CREATE,
        fields=JOURNAL_TRACKED,
        person_id=original.case.person_id,
    )
    return correction
