"""Medling as the mediator meets it: parties, the § 5 checks and their date, the forms that still apply, and
the report's signature."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions import services
from interventions.models import Mediation, MediationParty
from interventions.tests.test_views import pdf_text
from interventions.views.declarations import OPEN_PARAMETER


@pytest.fixture
def mediation(make_case, handler):
    case = make_case("medling")
    return services.mediation_set(actor=handler, case=case, offence="Skadegörelse på skolan", mediator=handler)


def checks(**overrides):
    values = {
        "offender_volunteers": True,
        "victim_volunteers": True,
        "reported_to_police": True,
        "offender_admitted": True,
        "suitability_assessed": True,
        "suitability_note": "Båda vill mötas",
    }
    return {**values, **overrides}


def insats_page(client, case, opened: str = "") -> str:
    """The insats page; with `opened`, as the link to that form shows it (a closed form is loaded when opened)."""
    query = f"?{OPEN_PARAMETER}={opened}" if opened else ""
    return client.get(reverse("interventions:case", args=[case.pk]) + query).content.decode()


# ---------------------------------------------------------------- parties


@pytest.mark.django_db
def test_the_young_person_is_never_a_party_twice(mediation, handler, client):
    person = mediation.case.person
    with pytest.raises(ValidationError) as offender:
        services.mediation_party_add(
            actor=handler, mediation=mediation, role="garningsperson", name=person.display_name
        )
    assert offender.value.message_dict["role"] == ["Gärningspersonen är ärendets ungdom och är redan part i medlingen."]
    with pytest.raises(ValidationError) as same_number:
        services.mediation_party_add(
            actor=handler, mediation=mediation, role="brottsoffer", name="Någon", id_number=person.id_number
        )
    assert "redan är part i medlingen som gärningsperson" in same_number.value.message_dict["id_number"][0]
    assert MediationParty.objects.filter(mediation=mediation).count() == 1

    # the page's form adds a victim; it offers no role to pick
    client.force_login(handler)
    html = insats_page(client, mediation.case)
    assert 'name="role"' not in html
    response = client.post(
        reverse("interventions:case_action", args=[mediation.case.pk, "part"]), {"name": "Kim Offer"}
    )
    assert response.status_code == 302
    assert list(mediation.parties.values_list("role", "is_case_person")) == [
        ("brottsoffer", False),
        ("garningsperson", True),
    ]


# ---------------------------------------------------------------- § 5 checks


@pytest.mark.django_db
def test_the_date_entered_for_the_checks_is_kept(mediation, handler, client, today):
    entered = today - datetime.timedelta(days=6)
    client.force_login(handler)
    url = reverse("interventions:case_action", args=[mediation.case.pk, "kontroller"])
    client.post(url, {**checks(victim_volunteers=False), "recorded_on": entered.isoformat()})
    assert Mediation.objects.get().checks_recorded_on == entered

    # the form shows the date again, so saving it once more (the victim now agrees) keeps it
    html = insats_page(client, mediation.case, opened="kontroller")
    assert re.search(rf'name="recorded_on" value="{entered.isoformat()}"', html)
    services.mediation_checks_record(actor=handler, mediation=mediation, **checks(), recorded_on=None)
    assert Mediation.objects.get().checks_recorded_on == entered


@pytest.mark.django_db
def test_checkbox_labels_do_not_repeat_frivilligt(mediation, handler, client):
    client.force_login(handler)
    html = insats_page(client, mediation.case, opened="kontroller")
    assert "deltar frivilligt" in html
    assert "frivilligt <span" not in html  # "Gärningspersonen deltar frivilligt (frivilligt)"
    checkbox = r'<label for="id_checks_[a-z_]+(?:volunteers|police|admitted|assessed)">(.*?)</label>'
    checkbox_labels = re.findall(checkbox, html)
    assert len(checkbox_labels) == 5
    assert not [label for label in checkbox_labels if "(frivilligt)" in label]
    assert re.search(r'Lämplighetsbedömning <span class="optional">\(frivilligt\)</span>', html)  # text fields are


# ---------------------------------------------------------------- forms by status


@pytest.mark.django_db
def test_a_started_or_finished_mediation_offers_only_what_still_applies(mediation, handler, client, today):
    client.force_login(handler)
    html = insats_page(client, mediation.case)
    assert 'id="form-kontroller"' in html and 'id="form-medling-start"' in html

    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    services.mediation_checks_record(actor=handler, mediation=mediation, **checks())
    services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    html = insats_page(client, mediation.case)
    assert 'id="form-medling-start"' not in html and 'id="form-kontroller"' not in html
    assert 'id="form-medling-avslut"' in html and 'id="form-medlingsmote"' in html

    services.mediation_end(
        actor=handler, mediation=mediation, outcome="overenskommelse", ended_on=today, agreement_text="Ursäkt"
    )
    html = insats_page(client, mediation.case)
    for name in ("medling", "part", "kontroller", "medling-start", "samrad", "medlingsmote", "medling-avslut"):
        assert f'id="form-{name}"' not in html, name
    assert "Påbörja medling" not in html and "Avsluta medlingen" not in html
    assert "Överenskommelse" in html  # the outcome is still shown
    assert 'id="form-rapport-medling"' in html  # the report with the outcome follows the end (issue 21)


# ---------------------------------------------------------------- the report's signature


@pytest.mark.django_db
def test_report_keeps_the_signature_lines_with_their_text_on_one_page(mediation, handler, client, today, tmp_path):
    services.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Kim Offer")
    services.mediation_checks_record(actor=handler, mediation=mediation, **checks())
    services.mediation_start(actor=handler, mediation=mediation, started_on=today)
    services.mediation_end(
        actor=handler, mediation=mediation, outcome="overenskommelse", ended_on=today, agreement_text="Ursäkt"
    )
    client.force_login(handler)
    url = reverse("interventions:mediation_pdf", args=[mediation.case.pk])
    signer = handler.get_full_name()
    seen_pages = set()
    # Lengthen the agreement one line at a time so that the page break passes through every line of the block.
    for lines in range(18, 62):
        text = "\n".join(f"Punkt {n} i överenskommelsen." for n in range(1, lines)) + "\nSista punkten."
        Mediation.objects.filter(pk=mediation.pk).update(agreement_text=text)
        pages = pdf_text(client.get(url).content, tmp_path).split("\f")
        seen_pages.add(len([page for page in pages if page.strip()]))
        page = next(page for page in pages if "Underskrift" in page)
        assert signer in page and "Medlingsverksamheten" in page and "Datum:" in page, lines
        assert "Sista punkten." in page, f"the signature is alone on its page ({lines} lines)"
    assert len(seen_pages) > 1  # the sweep did cross a page break
