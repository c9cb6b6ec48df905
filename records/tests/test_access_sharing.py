"""Sharing a case across units and naming staff for skyddad identitet: granted and revoked by the
enhetschef in the UI with a reason, logged, and effective on the next request."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import ProtectionLevel
from core.models import AccessGrantEvent, AccessLog, GrantAction, GrantKind, Role
from records.services import case_share_grant, protected_identity_grant
from tests.factories import CaseFactory, PersonFactory, UserFactory


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Selma"))


@pytest.fixture
def coordinator_elsewhere(other_unit):
    """samordnare of another unit: the typical receiver of a shared SIG case."""
    return UserFactory(
        username="samordnare2", first_name="Sam", last_name="Andra", unit=other_unit, role=Role.COORDINATOR
    )


@pytest.mark.django_db
def test_manager_shares_case_with_other_unit_and_revokes_it(client, manager, case, coordinator_elsewhere):
    sharing = reverse("case_sharing", kwargs={"case_id": case.pk})
    case_page = reverse("case_detail", kwargs={"case_id": case.pk})
    client.force_login(coordinator_elsewhere)
    assert client.get(case_page).status_code == 404

    # given the enhetschef on the sharing page
    client.force_login(manager)
    page = client.get(sharing)
    assert page.status_code == 200
    assert "Sam Andra" in page.content.decode()  # offered as a candidate

    # when sharing with a reason
    response = client.post(
        sharing, {"action": "grant", "grant-grantee": coordinator_elsewhere.pk, "grant-reason": "SIG-samordning"}
    )
    assert response.status_code == 302

    # then the samordnare sees the case, and the grant is logged with its reason
    client.force_login(coordinator_elsewhere)
    assert client.get(case_page).status_code == 200
    event = AccessGrantEvent.objects.get()
    assert (event.kind, event.action, event.reason) == (GrantKind.CASE_VIEW, GrantAction.GRANT, "SIG-samordning")
    assert (event.actor, event.grantee, event.case_id) == (manager, coordinator_elsewhere, case.pk)

    # when revoking
    client.force_login(manager)
    response = client.post(
        sharing, {"action": "revoke", "revoke-grantee": coordinator_elsewhere.pk, "revoke-reason": "Insatsen avslutad"}
    )
    assert response.status_code == 302
    client.force_login(coordinator_elsewhere)
    assert client.get(case_page).status_code == 404
    assert list(AccessGrantEvent.objects.order_by("id").values_list("action", flat=True)) == ["grant", "revoke"]


@pytest.mark.django_db
def test_sharing_needs_a_reason_shown_next_to_the_field(client, manager, case, coordinator_elsewhere):
    client.force_login(manager)
    response = client.post(
        reverse("case_sharing", kwargs={"case_id": case.pk}),
        {"action": "grant", "grant-grantee": coordinator_elsewhere.pk, "grant-reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html and 'aria-invalid="true"' in html
    assert not AccessGrantEvent.objects.exists()


@pytest.mark.django_db
def test_sharing_page_is_404_for_everyone_but_the_units_manager(client, handler, colleague, outsider, case, other_unit):
    other_manager = UserFactory(unit=other_unit, role=Role.MANAGER)
    sharing = reverse("case_sharing", kwargs={"case_id": case.pk})
    for user in (handler, colleague, outsider, other_manager):
        client.force_login(user)
        assert client.get(sharing).status_code == 404, user
        assert client.post(sharing, {"action": "grant"}).status_code == 404, user


@pytest.mark.django_db
def test_service_refuses_non_managers_and_same_unit(handler, manager, colleague, case):
    with pytest.raises(ValidationError):
        case_share_grant(actor=handler, case=case, grantee=colleague, reason="vill dela")
    with pytest.raises(ValidationError) as error:
        case_share_grant(actor=manager, case=case, grantee=colleague, reason="vill dela")
    assert "grantee" in error.value.message_dict


@pytest.mark.django_db
def test_stats_user_cannot_be_given_a_case(manager, case, stats_client):
    with pytest.raises(ValidationError):
        case_share_grant(actor=manager, case=case, grantee=stats_client, reason="statistik")


# --- skyddad identitet ---------------------------------------------------------------------------


@pytest.fixture
def protected_case(handler):
    person = PersonFactory(
        unit=handler.unit,
        first_name="Hemlig",
        last_name="Skyddadsson",
        protection=ProtectionLevel.PROTECTED_REGISTRATION,
        street_address="Gömdvägen 7",
    )
    return CaseFactory(handler=handler, person=person)


@pytest.mark.django_db
def test_named_staff_see_protected_identity_and_each_view_is_flagged(client, manager, colleague, protected_case):
    person = protected_case.person
    case_page = reverse("case_detail", kwargs={"case_id": protected_case.pk})
    client.force_login(colleague)
    html = client.get(case_page).content.decode()
    assert "Skyddadsson" not in html and "Skyddad identitet" in html
    assert AccessLog.objects.get(user=colleague, person_id=person.pk).protected_identity is False

    # the enhetschef names the colleague
    client.force_login(manager)
    grants = reverse("protected_identity_access", kwargs={"person_id": person.pk})
    assert "Skyddadsson" not in client.get(grants).content.decode()  # the manager is not named: masked
    response = client.post(grants, {"action": "grant", "grant-grantee": colleague.pk, "grant-reason": "Ansvarig"})
    assert response.status_code == 302

    client.force_login(colleague)
    html = client.get(case_page).content.decode()
    assert "Hemlig Skyddadsson" in html
    flagged = AccessLog.objects.filter(user=colleague, person_id=person.pk, protected_identity=True)
    assert flagged.count() == 1

    # revoked: masked again at once
    client.force_login(manager)
    client.post(grants, {"action": "revoke", "revoke-grantee": colleague.pk, "revoke-reason": "Bytt tjänst"})
    client.force_login(colleague)
    assert "Skyddadsson" not in client.get(case_page).content.decode()
    kinds = set(AccessGrantEvent.objects.values_list("kind", flat=True))
    assert kinds == {GrantKind.PROTECTED_IDENTITY}


@pytest.mark.django_db
def test_protected_identity_page_is_404_for_others(client, handler, outsider, protected_case):
    url = reverse("protected_identity_access", kwargs={"person_id": protected_case.person.pk})
    for user in (handler, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_identity_grant_refused_for_unprotected_person(manager, colleague, handler):
    person = PersonFactory(unit=handler.unit)
    with pytest.raises(ValidationError):
        protected_identity_grant(actor=manager, person=person, grantee=colleague, reason="behövs inte")


@pytest.mark.django_db
def test_role_groups_hold_the_documented_permissions(manager, handler):
    assert manager.has_perm("core.manage_access") and manager.has_perm("core.view_accesslog")
    assert manager.has_perm("cases.export_person")
    assert not handler.has_perm("core.manage_access") and not handler.has_perm("core.view_accesslog")
    statistics = Group.objects.get(name=Role.STATISTICS)
    assert not statistics.permissions.filter(content_type__app_label__in=["cases", "consent"]).exists()


@pytest.mark.django_db
def test_case_and_person_pages_link_to_access_pages_by_permission(client, manager, handler, case):
    case_page = reverse("case_detail", kwargs={"case_id": case.pk})
    person_page = reverse("person_detail", kwargs={"person_id": case.person.pk})
    sharing = reverse("case_sharing", kwargs={"case_id": case.pk})
    extract = reverse("person_extract_pdf", kwargs={"person_id": case.person.pk})
    client.force_login(manager)
    assert sharing in client.get(case_page).content.decode()
    assert extract in client.get(person_page).content.decode()
    client.force_login(handler)
    html = client.get(case_page).content.decode()
    assert sharing not in html and reverse("case_history", kwargs={"case_id": case.pk}) in html
    assert extract not in client.get(person_page).content.decode()
