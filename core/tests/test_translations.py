"""The Swedish catalogue is compiled, complete, and used for what users read."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"


def test_compiled_catalogue_covers_every_message_in_the_po_file():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    msgids = po.count('\nmsgid "') - 1  # minus the header entry
    assert "#, fuzzy" not in po  # a fuzzy entry would be left out of the compiled catalogue
    compiled = gettext.GNUTranslations((CATALOGUE / "django.mo").open("rb"))
    # every entry (singular or plural) is compiled; msgstr equals msgid since Swedish is the source language
    assert len(compiled._catalog) - 1 >= msgids > 1000
    for text in ["Mina ärenden", "Loggkontroll", "Genomförandeplan", "Samtycke", "Uppföljning"]:
        assert compiled.gettext(text) == text


@pytest.mark.django_db
def test_pages_are_rendered_in_swedish(client):
    with translation.override("sv"):
        html = client.get("/logga-in/").content.decode()
    assert 'lang="sv"' in html
    assert "Logga in" in html
    assert "Användarnamn" in html  # Django's own strings come from its Swedish catalogue
