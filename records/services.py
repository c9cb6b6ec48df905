"""Writes of access control: per-case sharing across units and naming staff for skyddad identitet.

The permissions live in django-guardian's direct foreign-key tables (cases.CaseUserObjectPermission,
cases.PersonUserObjectPermission) and are read by cases.selectors. Every grant and revocation is
decided by the enhetschef of the record's unit, carries a reason, and writes an append-only
AccessGrantEvent in the same transaction.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.models import (
    Case,
    CaseUserObjectPermission,
    IdentityAccessRequest,
    IdentityRequestStatus,
    Person,
    PersonUserObjectPermission,
)
from core.history import change_record, history_snapshot
from core.models import AccessGrantEvent, ChangeAction, GrantAction, GrantKind, User
from records.selectors import access_manager_check

CASE_SHARE_PERMISSION = "view_case"
PROTECTED_IDENTITY_PERMISSION = "view_protected_identity"
MIN_REASON_LENGTH = 5


def _validate(*, actor: User, unit_id: int, grantee: User, reason: str) -> str:
    errors = {}
    if not access_manager_check(actor=actor, unit_id=unit_id):
        raise ValidationError(_("Bara enhetschefen för enheten kan ändra behörigheter."), code="forbidden")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = _("Ange skälet (minst %(n)s tecken).") % {"n": MIN_REASON_LENGTH}
    if not grantee.is_active:
        errors["grantee"] = _("Användaren är inte aktiv.")
    if errors:
        raise ValidationError(errors)
    return reason


def _event(
    *,
    kind: GrantKind,
    action: GrantAction,
    person_id: UUID,
    case_id: UUID | None,
    grantee: User,
    actor: User,
    reason: str,
) -> AccessGrantEvent:
    return AccessGrantEvent.objects.create(
        kind=kind, action=action, person_id=person_id, case_id=case_id, grantee=grantee, actor=actor, reason=reason
    )


def _has_grant(*, codename: str, grantee: User, obj: Case | Person) -> bool:
    # guardian's direct permission table of the record's type
    rows = (
        CaseUserObjectPermission.objects.filter(content_object=obj)
        if isinstance(obj, Case)
        else PersonUserObjectPermission.objects.filter(content_object=obj)
    )
    return rows.filter(user=grantee, permission__codename=codename).exists()


def _grant_set(
    *, action: GrantAction, obj: Case | Person, actor: User, grantee: User, reason: str, refusal: str
) -> AccessGrantEvent:
    """Give (GRANT) or take back (REVOKE) the grant of `obj` (a case: sharing; a person: skyddad identitet),
    refused with `refusal` when the grantee has it already (or has not), and record the event."""
    if isinstance(obj, Case):
        codename, kind = CASE_SHARE_PERMISSION, GrantKind.CASE_VIEW
        person_id, case_id = obj.person_id, obj.pk
    else:
        codename, kind = PROTECTED_IDENTITY_PERMISSION, GrantKind.PROTECTED_IDENTITY
        person_id, case_id = obj.pk, None
    granting = action == GrantAction.GRANT
    if _has_grant(codename=codename, grantee=grantee, obj=obj) == granting:
        raise ValidationError({"grantee": refusal})
    (assign_perm if granting else remove_perm)(codename, grantee, obj)
    return _event(
        kind=kind, action=action, person_id=person_id, case_id=case_id, grantee=grantee, actor=actor, reason=reason
    )


@transaction.atomic
def case_share_grant(*, actor: User, case: Case, grantee: User, reason: str) -> AccessGrantEvent:
    """Share a case with a user of another unit (view_case on this case); enhetschef of the case's unit."""
    reason = _validate(actor=actor, unit_id=case.unit_id, grantee=grantee, reason=reason)
    if grantee.unit_id == case.unit_id:
        raise ValidationError({"grantee": _("Användaren arbetar på ärendets enhet och ser redan ärendet.")})
    if not grantee.has_perm("cases.view_case"):
        raise ValidationError({"grantee": _("Användaren har ingen roll som arbetar med ärenden.")})
    return _grant_set(
        action=GrantAction.GRANT,
        obj=case,
        actor=actor,
        grantee=grantee,
        reason=reason,
        refusal=_("Ärendet är redan delat med användaren."),
    )


@transaction.atomic
def case_share_revoke(*, actor: User, case: Case, grantee: User, reason: str) -> AccessGrantEvent:
    """Stop sharing a case with a user; takes effect on their next request."""
    reason = _validate(actor=actor, unit_id=case.unit_id, grantee=grantee, reason=reason)
    return _grant_set(
        action=GrantAction.REVOKE,
        obj=case,
        actor=actor,
        grantee=grantee,
        reason=reason,
        refusal=_("Ärendet är inte delat med användaren."),
    )


@transaction.atomic
def protected_identity_grant(*, actor: User, person: Person, grantee: User, reason: str) -> AccessGrantEvent:
    """Name a staff member who may see a protected person's identity; enhetschef of the person's unit."""
    reason = _validate(actor=actor, unit_id=person.unit_id, grantee=grantee, reason=reason)
    if not person.is_protected:
        raise ValidationError(_("Personen har inga skyddade personuppgifter."), code="not_protected")
    return _grant_set(
        action=GrantAction.GRANT,
        obj=person,
        actor=actor,
        grantee=grantee,
        reason=reason,
        refusal=_("Användaren har redan behörigheten."),
    )


@transaction.atomic
def protected_identity_revoke(*, actor: User, person: Person, grantee: User, reason: str) -> AccessGrantEvent:
    """Take back a named staff member's right to see a protected identity."""
    reason = _validate(actor=actor, unit_id=person.unit_id, grantee=grantee, reason=reason)
    return _grant_set(
        action=GrantAction.REVOKE,
        obj=person,
        actor=actor,
        grantee=grantee,
        reason=reason,
        refusal=_("Användaren har inte behörigheten."),
    )


@transaction.atomic
def identity_access_request_decide(
    *, actor: User, identity_request: IdentityAccessRequest, grant: bool, reason: str
) -> IdentityAccessRequest:
    """Grant or refuse a staff member's request to be named for a protected identity (cases.services
    identity_access_request); enhetschef of the person's unit. A grant names them as protected_identity_grant
    does (and its grant event); the decision is in the change history."""
    locked = (
        IdentityAccessRequest.objects.select_for_update()
        .select_related("person", "requested_by")
        .get(pk=identity_request.pk)
    )
    if locked.status != IdentityRequestStatus.PENDING:
        raise ValidationError(_("Begäran är redan avgjord."), code="decided")
    if grant:
        protected_identity_grant(actor=actor, person=locked.person, grantee=locked.requested_by, reason=reason)
    else:
        _validate(actor=actor, unit_id=locked.person.unit_id, grantee=locked.requested_by, reason=reason)
    before = history_snapshot(locked)
    locked.status = IdentityRequestStatus.GRANTED if grant else IdentityRequestStatus.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    change_record(actor=actor, instance=locked, action=ChangeAction.UPDATE, before=before)
    return locked
