"""The handläggare keeps her client (issue 19 point 10): named at once when her client becomes protected or
her case is given to her, and staff can ask the enhetschef to be named (decided, recorded in history)."""

import datetime

import pytest
from django.urls import reverse

from cases.models import IdentityAccessRequest, IdentityRequestStatus, ProtectionLevel
from cases.selectors import person_get_for_user
from cases.services import case_reassign, person_update
from core.models import AccessGrantEvent, ChangeLog, GrantKind
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sees_identity(user, person) -> bool:
    return person_get_for_user(user=user, person_id=person.pk, request=None, log=False).shows_identity


def test_the_handler_of_an_open_case_keeps_seeing_her_client_when_the_person_becomes_protected(
    handler, colleague, manager
):
    # given a person with an open case of the handler, and an ended case of the colleague
    person = PersonFactory(unit=handler.unit, first_name="Klient")
    CaseFactory(person=person, handler=handler)
    CaseFactory(person=person, handler=colleague, closed_on=datetime.date(2025, 6, 1), closure_reason="planerat")
    loaded = person_get_for_user(user=manager, person_id=person.pk, request=None, log=False)

    # when the enhetschef records skyddad folkbokföring
    person_update(
        actor=manager,
        person=loaded,
        expected_version=loaded.version,
        changes={"protection": ProtectionLevel.PROTECTED_REGISTRATION},
    )

    # then the handläggare still sees who it is, the colleague whose case ended does not, and the naming is logged
    assert _sees_identity(handler, person)
    assert not _sees_identity(colleague, person)
    event = AccessGrantEvent.objects.get(person_id=person.pk)
    assert (event.kind, event.grantee, event.actor) == (GrantKind.PROTECTED_IDENTITY, handler, manager)
    assert "Ansvarig handläggare" in event.reason


def test_a_new_handler_of_a_protected_persons_case_is_named_at_once(handler, colleague, manager):
    person = PersonFactory(unit=handler.unit, protection=ProtectionLevel.PROTECTED_REGISTRATION)
    case = CaseFactory(person=person, handler=handler)
    assert not _sees_identity(colleague, person)

    case_reassign(actor=manager, case=case, handler=colleague)

    assert _sees_identity(colleague, person)
    assert AccessGrantEvent.objects.filter(person_id=person.pk, grantee=colleague).exists()


def test_staff_ask_to_be_named_and_the_manager_decides_in_the_history(client, handler, colleague, manager):
    person = PersonFactory(unit=handler.unit, protection=ProtectionLevel.PROTECTED_REGISTRATION, first_name="Dold")
    CaseFactory(person=person, handler=handler)
    ask = reverse("person_identity_request", args=[person.pk])

    # when the colleague asks to be named, with a reason
    client.force_login(colleague)
    assert client.get(reverse("person_detail", args=[person.pk])).content.decode().count(ask) == 1
    too_short = client.post(ask, {"reason": "x"})
    assert too_short.status_code == 400 and not IdentityAccessRequest.objects.exists()
    response = client.post(ask, {"reason": "Jag tar över ärendet under semestern."})
    assert response.status_code == 302
    identity_request = IdentityAccessRequest.objects.get()
    assert identity_request.status == IdentityRequestStatus.PENDING
    created = ChangeLog.objects.get(object_type="cases.identityaccessrequest", action="create")
    assert created.person_id == person.pk and created.actor == colleague
    assert client.post(ask, {"reason": "En gång till, tack."}).status_code == 400  # one open request at a time

    # then the enhetschef sees it and grants it; the colleague now sees the identity
    client.force_login(manager)
    page = reverse("protected_identity_access", args=[person.pk])
    assert "Jag tar över ärendet" in client.get(page).content.decode()
    response = client.post(page, {"action": "request_grant", "request_id": identity_request.pk})
    assert response.status_code == 302
    identity_request.refresh_from_db()
    assert (identity_request.status, identity_request.decided_by) == (IdentityRequestStatus.GRANTED, manager)
    assert _sees_identity(colleague, person)
    decided = ChangeLog.objects.get(object_type="cases.identityaccessrequest", action="update")
    assert decided.changes["status"] == ["pending", "granted"] and decided.person_id == person.pk
    assert AccessGrantEvent.objects.filter(person_id=person.pk, grantee=colleague).exists()
    # and the history page says it in words
    history = client.get(reverse("person_history", args=[person.pk])).content.decode()
    assert "Beviljad" in history and str(colleague) in history


def test_a_refused_request_names_nobody_and_others_cannot_ask_or_decide(client, handler, colleague, manager, outsider):
    person = PersonFactory(unit=handler.unit, protection=ProtectionLevel.PROTECTED_REGISTRATION)
    CaseFactory(person=person, handler=handler)
    client.force_login(colleague)
    client.post(reverse("person_identity_request", args=[person.pk]), {"reason": "Behöver ringa familjen."})
    identity_request = IdentityAccessRequest.objects.get()

    # a colleague cannot decide (not enhetschef) and an outsider cannot even ask
    other_chef = UserFactory(unit=outsider.unit, role="enhetschef")
    client.force_login(other_chef)
    page = reverse("protected_identity_access", args=[person.pk])
    assert client.post(page, {"action": "request_grant", "request_id": identity_request.pk}).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("person_identity_request", args=[person.pk])).status_code == 404

    client.force_login(manager)
    client.post(page, {"action": "request_refuse", "request_id": identity_request.pk})
    identity_request.refresh_from_db()
    assert identity_request.status == IdentityRequestStatus.REFUSED
    assert not _sees_identity(colleague, person)
