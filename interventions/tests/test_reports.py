"""Reports to åklagare/domstol are utlämnanden: producing the ungdomstjänst or medling report records a
disclosure (recipient, legal basis, what was sent); the insats's events appear in the case timeline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.services import case_close
from consent.models import Actor, Disclosure, LegalBasis
from core.models import AccessAction, AccessLog
from interventions import services
from interventions.models import CommunityServiceOrder, CommunityServiceStatus, MeetingKind
from interventions.tests.test_views import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def community_service(make_case, handler, today):
    case = make_case("ungdomstjanst", opened_on=today - datetime.timedelta(days=40))
    order = services.community_service_set(
        actor=handler,
        case=case,
        ordered_hours=20,
        judgment_on=today - datetime.timedelta(days=30),
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
    )
    place = services.community_service_workplace_add(actor=handler, order=order, name="Kyrkans second hand")
    for days_ago, hours in ((20, "12"), (10, "8")):
        services.community_service_session_add(
            actor=handler,
            order=order,
            workplace=place,
            performed_on=today - datetime.timedelta(days=days_ago),
            hours=Decimal(hours),
        )
    services.community_service_end(
        actor=handler, order=order, status=CommunityServiceStatus.COMPLETED, ended_on=today - datetime.timedelta(days=9)
    )
    return case


def test_prosecutor_and_court_are_recipients_in_the_catalogue():
    assert set(Actor.objects.filter(code__in=["aklagare", "domstol"]).values_list("name", flat=True)) == {
        "Åklagare",
        "Domstol",
    }


def test_producing_the_community_service_report_records_an_utlamnande(
    client, handler, community_service, tmp_path, today
):
    case = community_service
    client.force_login(handler)
    page = client.get(reverse("interventions:case", args=[case.pk])).content.decode()
    assert 'id="form-rapport-ungdomstjanst"' in page

    # when the handläggare sends the report to the prosecutor under the duty to report
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-ungdomstjanst"]),
        {"recipient": "aklagare", "recipient_detail": "Åklagarkammaren i Linköping", "legal_basis": "osl_10_28"},
    )

    # then the utlämnande is recorded with recipient, legal basis and what was sent, and the report opens
    disclosure = Disclosure.objects.get()
    assert disclosure.case == case and disclosure.person == case.person
    assert disclosure.recipient.code == "aklagare" and disclosure.legal_basis.code == "osl_10_28"
    assert disclosure.recipient_detail == "Åklagarkammaren i Linköping"
    assert disclosure.what_sent.startswith("Rapport om ungdomstjänst: dom/beslut, 20 av 20 timmar utförda")
    assert disclosure.disclosed_on == today and disclosure.decided_by == handler == disclosure.recorded_by
    url = reverse("interventions:community_service_pdf", args=[case.pk]) + f"?utlamnande={disclosure.pk}"
    assert response.status_code == 302 and response["Location"] == url
    text = " ".join(pdf_text(client.get(url).content, tmp_path).split())
    assert "Rapport om ungdomstjänst" in text
    assert f"Utlämnad {today.isoformat()} till Åklagare med stöd av" in text and "OSL 10 kap. 28 §" in text
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, what=f"utlamnande:{disclosure.pk}").exists()
    # the utlämnande shows on the case page
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Rapport om ungdomstjänst: dom/beslut" in html
    assert "Utlämnande till Åklagare: Rapport om ungdomstjänst" in " ".join(html.split())  # in the timeline


def test_report_without_an_utlamnande_is_a_marked_preview_and_records_nothing(
    client, handler, community_service, make_case, tmp_path
):
    client.force_login(handler)
    url = reverse("interventions:community_service_pdf", args=[community_service.pk])
    text = " ".join(pdf_text(client.get(url).content, tmp_path).split())
    assert "Förhandsgranskning – inte utlämnad." in text
    assert not Disclosure.objects.exists()
    # another case's utlämnande, or a made-up id, is no report of this case
    other = make_case("ungdomstjanst")
    foreign = Disclosure.objects.create(
        person=other.person,
        case=other,
        recipient=Actor.objects.get(code="aklagare"),
        what_sent="x",
        legal_basis=LegalBasis.objects.get(code="osl_10_28"),
        disclosed_on=other.opened_on,
        decided_by=handler,
        recorded_by=handler,
    )
    assert client.get(url + f"?utlamnande={foreign.pk}").status_code == 404
    assert client.get(url + "?utlamnande=abc").status_code == 404


def test_report_to_another_recipient_or_on_consent_without_consent_is_refused(client, handler, community_service):
    client.force_login(handler)
    action = reverse("interventions:case_action", args=[community_service.pk, "rapport-ungdomstjanst"])
    polis = client.post(action, {"recipient": "polis", "legal_basis": "osl_10_28"})
    assert polis.status_code == 400 and "Välj ett giltigt alternativ" in polis.content.decode()
    consent_based = client.post(action, {"recipient": "domstol", "legal_basis": "samtycke"})
    assert consent_based.status_code == 400
    assert "Utlämnande till Domstol med stöd av samtycke går inte" in consent_based.content.decode()
    assert not Disclosure.objects.exists()


def test_producing_the_mediation_report_records_an_utlamnande(client, handler, make_case, today, tmp_path):
    case = make_case("medling")
    mediation = services.mediation_set(actor=handler, case=case, offence="Klotter", prosecutor="Åklagare Ek")
    client.force_login(handler)

    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-medling"]),
        {"recipient": "aklagare", "recipient_detail": "Åklagare Ek", "legal_basis": "osl_10_28"},
    )

    disclosure = Disclosure.objects.get()
    assert disclosure.what_sent.startswith("Rapport om medling: brottet, förutsättningarna enligt 5 §")
    assert response["Location"].endswith(f"medling.pdf?utlamnande={disclosure.pk}")
    text = " ".join(pdf_text(client.get(response["Location"]).content, tmp_path).split())
    assert "Rapport om medling vid brott" in text and "Åklagare Ek" in text
    assert f"Utlämnad {today.isoformat()} till Åklagare" in text
    assert mediation.case_id == disclosure.case_id


def test_insats_events_appear_in_the_case_timeline(client, handler, community_service, make_case, today):
    client.force_login(handler)
    html = " ".join(client.get(reverse("case_detail", args=[community_service.pk])).content.decode().split())
    assert "Ungdomstjänst: 12 timmar utförda på Kyrkans second hand." in html
    assert "Ungdomstjänst: 8 timmar utförda på Kyrkans second hand." in html
    assert "Ungdomstjänsten är fullgjord (20 av 20 timmar)." in html
    # newest first: the completion before the sessions, all after the opening of the case
    assert html.index("fullgjord (20 av") < html.index("8 timmar") < html.index("12 timmar")
    assert html.index("12 timmar") < html.index("Ärendet aktualiserades.")

    case = make_case("medling")
    mediation = services.mediation_set(actor=handler, case=case, offence="Klotter")
    services.mediation_meeting_add(actor=handler, mediation=mediation, kind=MeetingKind.PRE_VICTIM, held_on=today)
    html = " ".join(client.get(reverse("case_detail", args=[case.pk])).content.decode().split())
    assert "Medling: Förmöte med brottsoffret." in html


def _report_form_shown(client, case, name: str) -> bool:
    page = client.get(reverse("interventions:case", args=[case.pk]))
    return any(f.name == name for f in page.context["insats_forms"])


def test_the_mediation_report_is_made_after_the_mediation_and_the_case_have_ended(
    client, handler, make_case, today, tmp_path
):
    # given a medling ended ("Avsluta medlingen": the victim withdrew before it started), then the case closed
    case = make_case("medling", opened_on=today - datetime.timedelta(days=20))
    mediation = services.mediation_set(actor=handler, case=case, offence="Klotter", prosecutor="Åklagare Ek")
    services.mediation_end(
        actor=handler, mediation=mediation, outcome="avbruten", ended_on=today, reason="Brottsoffret avstod"
    )
    client.force_login(handler)
    assert _report_form_shown(client, case, "rapport-medling")
    case_close(actor=handler, case=case, reason="planerat", closed_on=today)
    # then the insats page still offers the report (and only the report), and it is made and printed
    page = client.get(reverse("interventions:case", args=[case.pk]))
    shown = [f.name for section in ("insats_forms", "common_forms") for f in page.context[section]]
    assert shown == ["rapport-medling"]
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-medling"]),
        {"recipient": "aklagare", "recipient_detail": "Åklagare Ek", "legal_basis": "osl_10_28"},
    )
    disclosure = Disclosure.objects.get()
    assert response["Location"].endswith(f"medling.pdf?utlamnande={disclosure.pk}")
    text = " ".join(pdf_text(client.get(response["Location"]).content, tmp_path).split())
    assert f"Utlämnad {today.isoformat()} till Åklagare" in text and "Avbruten" in text
    assert "Brottsoffret avstod" in text and "Förhandsgranskning" not in text  # the outcome, in the report sent


def test_a_link_to_a_form_opens_it(client, handler, community_service):
    client.force_login(handler)
    details = client.get(reverse("case_detail", args=[community_service.pk])).content.decode()
    link = reverse("interventions:case", args=[community_service.pk]) + "?oppna=rapport-ungdomstjanst"
    assert f'href="{link}#form-rapport-ungdomstjanst"' in details
    page = " ".join(client.get(link).content.decode().split())
    assert '<details class="action-form" id="form-rapport-ungdomstjanst" open>' in page
    plain = " ".join(client.get(reverse("interventions:case", args=[community_service.pk])).content.decode().split())
    closed = f'<details class="action-form" id="form-rapport-ungdomstjanst" hx-get="{link}"'
    assert closed in plain and 'name="recipient"' not in plain  # loaded when opened


def test_the_community_service_report_prints_the_assessment_written_after_the_end(
    client, handler, community_service, tmp_path, today
):
    # given a fullgjord ungdomstjänst whose case has been closed
    case = community_service
    case_close(actor=handler, case=case, reason="planerat", closed_on=today)
    client.force_login(handler)
    assert _report_form_shown(client, case, "ungdomstjanst-bedomning")
    version = CommunityServiceOrder.objects.get(case=case).version

    # when the handläggare writes the assessment, then makes the report to the prosecutor
    assessment = "Kim har kommit i tid till varje pass\noch fått gott omdöme av handledaren."
    saved = client.post(
        reverse("interventions:case_action", args=[case.pk, "ungdomstjanst-bedomning"]),
        {"assessment": assessment, "version": version},
    )
    assert saved.status_code == 302
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-ungdomstjanst"]),
        {"recipient": "aklagare", "recipient_detail": "Åklagarkammaren i Linköping", "legal_basis": "osl_10_28"},
    )

    # then the report sent (not a preview) prints the assessment, and the utlämnande says it was sent
    disclosure = Disclosure.objects.get()
    assert disclosure.what_sent.endswith("arbetsplatser, utförda tillfällen och bedömning.")
    text = " ".join(pdf_text(client.get(response["Location"]).content, tmp_path).split())
    assert "Bedömning Kim har kommit i tid till varje pass och fått gott omdöme av handledaren." in text
    assert "Förhandsgranskning" not in text and f"Utlämnad {today.isoformat()} till Åklagare" in text
    # and the case's history says in words who wrote what
    history = client.get(reverse("case_history", kwargs={"case_id": case.pk}))
    changes = {(c["field"].lower(), c["new"]) for r in history.context["rows"] for c in r["changes"]}
    assert ("bedömning", assessment) in changes, changes


def test_a_stale_assessment_form_does_not_overwrite_a_newer_assessment(client, handler, colleague, community_service):
    order = CommunityServiceOrder.objects.get(case=community_service)
    services.community_service_assessment_set(
        actor=colleague, order=order, assessment="Kollegans bedömning", expected_version=order.version
    )
    client.force_login(handler)
    response = client.post(
        reverse("interventions:case_action", args=[community_service.pk, "ungdomstjanst-bedomning"]),
        {"assessment": "Min bedömning", "version": order.version},
    )
    assert response.status_code == 400
    assert CommunityServiceOrder.objects.get(pk=order.pk).assessment == "Kollegans bedömning"
