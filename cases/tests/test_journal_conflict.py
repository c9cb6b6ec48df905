"""A journal draft open in two tabs (or on two devices): the second save is refused, never a silent overwrite
(issue 25.5)."""

import re

import pytest
from django.urls import reverse

from cases.models import JournalEntry
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _form_version(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match is not None
    return match[1]


def test_the_second_of_two_edits_of_a_draft_is_refused_with_the_conflict_message(client, handler):
    case = CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit))
    client.force_login(handler)
    client.post(
        reverse("entry_create", args=[case.pk]),
        {"kind": "telefon", "occurred_on": "2025-03-10", "text": "Ringde.", "utkast": "1"},
    )
    entry = JournalEntry.objects.get(case=case)
    url = reverse("entry_edit", args=[case.pk, entry.pk])
    # two tabs open the draft
    first_tab = _form_version(client.get(url).content.decode())
    second_tab = _form_version(client.get(url).content.decode())

    saved = client.post(url, {"occurred_on": "2025-03-10", "text": "Ringde mamma.", "version": first_tab})
    assert saved.status_code == 302
    refused = client.post(url, {"occurred_on": "2025-03-11", "text": "Ringde pappa.", "version": second_tab})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Någon annan har sparat ändringar i journalanteckning medan du redigerade" in html
    assert "Anteckning är nu: Ringde mamma." in html
    entry.refresh_from_db()
    assert (entry.text, entry.version) == ("Ringde mamma.", 2)

    # a form without a version is refused too (an old page still open when this was deployed)
    missing = client.post(url, {"occurred_on": "2025-03-11", "text": "Ringde pappa."})
    assert missing.status_code == 400
    entry.refresh_from_db()
    assert entry.text == "Ringde mamma."
