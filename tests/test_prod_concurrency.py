"""No lost edits: the second of two concurrent saves gets a Swedish conflict, nothing is overwritten."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.exceptions import NotFound

from cases.models import Case, Person
from core.concurrency import EditConflict, api_exception_handler, version_check_and_bump
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def save_follow_up(*, case: Case, version, follow_up: datetime.date) -> Case:
    """The pattern a service follows: lock, check and bump, change, save."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        version_check_and_bump(instance=locked, expected_version=version, submitted={"next_follow_up_on": follow_up})
        locked.next_follow_up_on = follow_up
        locked.save(update_fields=["next_follow_up_on", "version"])
        return locked


def test_second_save_from_the_same_version_is_refused_and_shows_what_is_saved(handler):
    # given two people who opened the same case at version 1
    case = CaseFactory(handler=handler)
    first_view = Case.objects.get(pk=case.pk)
    second_view = Case.objects.get(pk=case.pk)

    # when the first saves, then the second saves from the version they loaded
    saved = save_follow_up(case=first_view, version=first_view.version, follow_up=datetime.date(2025, 6, 1))
    with pytest.raises(EditConflict) as conflict:
        save_follow_up(case=second_view, version=second_view.version, follow_up=datetime.date(2025, 7, 1))

    # then the first change stands, the version went up once, and the message says what is saved now
    case.refresh_from_db()
    assert saved.version == 2 and case.version == 2
    assert case.next_follow_up_on == datetime.date(2025, 6, 1)
    message = conflict.value.messages[0]
    assert "Någon annan har sparat ändringar i ärende" in message
    assert "Nästa uppföljning är nu: 2025-06-01" in message
    assert "version 1" in message and "version 2" in message
    assert conflict.value.code == "conflict"


def test_saving_from_the_current_version_works_again_after_reload(handler):
    case = CaseFactory(handler=handler)
    save_follow_up(case=case, version=1, follow_up=datetime.date(2025, 6, 1))
    saved = save_follow_up(case=case, version=2, follow_up=datetime.date(2025, 7, 1))
    assert saved.version == 3


def test_missing_version_is_a_swedish_form_error(handler):
    case = CaseFactory(handler=handler)
    with pytest.raises(ValidationError) as error:
        save_follow_up(case=case, version="", follow_up=datetime.date(2025, 6, 1))
    assert "versionsuppgift" in error.value.messages[0]


def test_conflict_never_reveals_a_protected_identity():
    person = PersonFactory(protection="skyddad_folkbokforing", first_name="Hemlig")
    Person.objects.filter(pk=person.pk).update(version=2)
    locked = Person.objects.get(pk=person.pk)
    with pytest.raises(EditConflict) as conflict:
        version_check_and_bump(instance=locked, expected_version=1, submitted={"first_name": "Annan"})
    assert "Hemlig" not in conflict.value.messages[0]
    assert "(skyddad uppgift)" in conflict.value.messages[0]


def test_api_answers_409_with_the_saved_version(handler):
    case = CaseFactory(handler=handler)
    save_follow_up(case=case, version=1, follow_up=datetime.date(2025, 6, 1))
    with pytest.raises(EditConflict) as conflict:
        save_follow_up(case=case, version=1, follow_up=datetime.date(2025, 8, 1))

    response = api_exception_handler(conflict.value, {})

    assert response.status_code == 409
    assert response.data["current_version"] == 2
    assert response.data["changes"] == [
        {"field": "next_follow_up_on", "label": "Nästa uppföljning", "current": "2025-06-01"}
    ]
    # other errors are left to DRF
    assert api_exception_handler(NotFound(), {}).status_code == 404
