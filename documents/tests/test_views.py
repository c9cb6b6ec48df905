"""The akt on the case page: adding a received document, opening it (attachment, nosniff, access-logged), and
the documents given out (reports under an utlämnande, the plan given to the family) kept as aktbilagor."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import InsatsType, ProtectionLevel
from consent.models import Disclosure
from core.models import AccessAction, AccessLog
from documents.models import Aktbilaga, AktbilagaKind, Document, DocumentKind
from documents.tests.conftest import stored_files
from documents.tests.test_services import PDF_BYTES
from interventions import services as intervention_services
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(handler):
    return CaseFactory(handler=handler, person=PersonFactory(unit=handler.unit, first_name="Dora"))


def _post(client, case, content=PDF_BYTES, name="dom.pdf", **extra):
    return client.post(
        reverse("documents:case_document_add", args=[case.pk]),
        {
            "kind": DocumentKind.objects.get(code="dom").pk,
            "document_date": "2026-11-02",
            "received_from": "Linköpings tingsrätt",
            "description": "Dom i mål B 123-26",
            "file": SimpleUploadedFile(name, content),
            **extra,
        },
    )


def test_a_document_added_on_the_case_is_in_the_akt_and_the_timeline(client, handler, case, media_root):
    client.force_login(handler)
    assert client.get(reverse("documents:case_document_add", args=[case.pk])).status_code == 200
    response = _post(client, case)
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    document = Document.objects.get()
    html = " ".join(client.get(reverse("case_detail", args=[case.pk])).content.decode().split())
    assert "Dom i mål B 123-26" in html
    assert reverse("documents:document_download", args=[document.pk]) in html
    assert "Dokument inkom: Dom från Linköpings tingsrätt." in html  # the timeline


def test_a_document_opens_only_as_an_attachment_and_is_access_logged(client, handler, colleague, case, media_root):
    client.force_login(handler)
    _post(client, case, content=b"<html><script>alert(1)</script></html>", name="brev.html")
    document = Document.objects.get()
    assert document.content_type == "text/plain"  # HTML is text to us: never served as HTML
    client.force_login(colleague)
    response = client.get(reverse("documents:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and 'filename="brev.txt"' in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert b"".join(response.streaming_content) == b"<html><script>alert(1)</script></html>"
    read = AccessLog.objects.get(user=colleague, what="dokument")
    assert read.person_id == case.person_id and read.case_id == case.pk and read.action == AccessAction.VIEW


def test_a_refused_upload_says_why_in_swedish_and_stores_nothing(client, handler, case, media_root, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    client.force_login(handler)
    for content, message in (
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "Filtypen tas inte emot"),
        (b"", "Filen är tom."),
        (PDF_BYTES + b"x" * 200, "Filen är för stor. Största tillåtna storlek är 100\xa0byte."),
    ):
        response = _post(client, case, content=content, name="fil.pdf")
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Document.objects.exists() and stored_files(media_root) == []


def test_outsider_and_statistics_get_404_on_every_akt_page(client, handler, outsider, stats_client, case, media_root):
    client.force_login(handler)
    _post(client, case)
    document = Document.objects.get()
    aktbilaga = Aktbilaga.objects.create(
        person=case.person,
        case=case,
        number=1,
        kind=AktbilagaKind.LETTER,
        filename="brev.pdf",
        file="aktbilagor/x",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        produced_by=handler,
    )
    for user in (outsider, stats_client):
        client.force_login(user)
        for url in (
            reverse("documents:case_document_add", args=[case.pk]),
            reverse("documents:person_document_add", args=[case.person.pk]),
            reverse("documents:document_download", args=[document.pk]),
            reverse("documents:aktbilaga_download", args=[aktbilaga.pk]),
        ):
            assert client.get(url).status_code == 404, url
        assert _post(client, case).status_code == 404
    assert Document.objects.count() == 1


def test_a_protected_person_s_documents_are_listed_without_names_and_cannot_be_opened(
    client, handler, colleague, manager, media_root
):
    person = PersonFactory(unit=handler.unit, protection=ProtectionLevel.PROTECTED_REGISTRATION)
    case = CaseFactory(handler=handler, person=person)
    client.force_login(manager)  # the enhetschef sees protected identities
    manager.user_permissions.add(Permission.objects.get(codename="view_protected_identity"))
    _post(client, case, name="dom Dora Hemlig.pdf", description="Dora Hemlig bor på Gömda vägen")
    document = Document.objects.get()
    client.force_login(colleague)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Dora Hemlig" not in html and "Gömda vägen" not in html
    response = client.get(reverse("documents:document_download", args=[document.pk]))
    assert response.status_code == 403
    assert not AccessLog.objects.filter(user=colleague, what="dokument").exists()


def test_a_person_level_document_is_added_from_the_person(client, handler, case, media_root):
    client.force_login(handler)
    response = client.post(
        reverse("documents:person_document_add", args=[case.person.pk]),
        {
            "kind": DocumentKind.objects.get(code="intyg").pk,
            "document_date": "2026-10-01",
            "received_from": "Skolan",
            "description": "",
            "file": SimpleUploadedFile("intyg.txt", "Intyg om närvaro".encode()),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[case.person.pk])
    document = Document.objects.get()
    assert document.case is None and document.person == case.person
    # it shows on every case of the person, marked as the person's
    assert "(gäller personen)" in client.get(reverse("case_detail", args=[case.pk])).content.decode()


# --- documents out -------------------------------------------------------------------------------------------


@pytest.fixture
def community_service(handler):
    today = datetime.date.today()
    case = CaseFactory(
        handler=handler,
        insats_type=InsatsType.objects.get(code="ungdomstjanst"),
        opened_on=today - datetime.timedelta(days=40),
    )
    intervention_services.community_service_set(
        actor=handler,
        case=case,
        ordered_hours=20,
        judgment_on=today - datetime.timedelta(days=30),
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
    )
    return case


def test_a_report_sent_under_an_utlamnande_is_kept_and_opened_again_as_sent(
    client, handler, colleague, community_service, media_root
):
    case = community_service
    client.force_login(handler)
    # when the report is produced for an utlämnande to the prosecutor
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-ungdomstjanst"]),
        {"recipient": "aklagare", "legal_basis": "osl_10_28"},
    )
    sent = client.get(response["Location"]).content
    # then the exact PDF is aktbilaga 1 of the case, tied to the utlämnande
    aktbilaga = Aktbilaga.objects.get()
    disclosure = Disclosure.objects.get()
    assert (aktbilaga.number, aktbilaga.kind, aktbilaga.disclosure_pk) == (
        1,
        AktbilagaKind.COMMUNITY_SERVICE_REPORT,
        disclosure.pk,
    )
    assert aktbilaga.sent_to == "Åklagare"
    assert aktbilaga.produced_by == handler
    with aktbilaga.file.open("rb") as stored:
        assert stored.read() == sent
    # printing it again for the same utlämnande returns what was sent, and keeps nothing new
    assert client.get(response["Location"]).content == sent
    assert Aktbilaga.objects.count() == 1
    # a preview is not given out: nothing kept
    client.get(reverse("interventions:community_service_pdf", args=[case.pk]))
    assert Aktbilaga.objects.count() == 1
    # it opens from the case page's akt and from the utlämnande row, for a colleague too, logged
    client.force_login(colleague)
    html = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    url = reverse("documents:aktbilaga_download", args=[aktbilaga.pk])
    assert html.count(url) == 2
    download = client.get(url)
    assert b"".join(download.streaming_content) == sent
    assert download["Content-Disposition"] == f'attachment; filename="ungdomstjanst-{case.number}.pdf"'
    assert AccessLog.objects.filter(user=colleague, what="aktbilaga", case_id=case.pk).exists()


def test_the_plan_given_to_the_family_is_kept_each_time_it_is_given(client, handler, coordinator, media_root):
    case = CaseFactory(handler=handler)
    plan = intervention_services.plan_create(actor=handler, case=case, coordinator=coordinator, overall_goal="Mål")
    client.force_login(handler)
    url = reverse("interventions:plan_pdf", args=[plan.pk])
    client.get(url)  # looking at it gives nothing out
    assert not Aktbilaga.objects.exists()
    first = client.get(url + "?lamnas_ut=1").content
    client.get(url + "?lamnas_ut=1")
    kept = list(Aktbilaga.objects.order_by("number"))
    assert [(a.number, a.kind, a.disclosure_pk) for a in kept] == [
        (1, "genomforandeplan", None),
        (2, "genomforandeplan", None),
    ]
    with kept[0].file.open("rb") as stored:
        assert stored.read() == first


def test_the_report_with_the_outcome_is_made_after_the_medling_and_the_case_have_ended(client, handler, media_root):
    today = datetime.date.today()
    case = CaseFactory(handler=handler, insats_type=InsatsType.objects.get(code="medling"), opened_on=today)
    mediation = intervention_services.mediation_set(actor=handler, case=case, offence="Klotter", prosecutor="Ek")
    intervention_services.mediation_end(
        actor=handler, mediation=mediation, outcome="avbruten", ended_on=today, reason="Brottsoffret avböjde"
    )
    case.closed_on, case.closure_reason = today, "planerat"
    case.save(update_fields=["closed_on", "closure_reason"])
    client.force_login(handler)
    page = client.get(reverse("interventions:case", args=[case.pk])).content.decode()
    assert 'id="form-rapport-medling"' in page and 'id="form-medlingsmote"' not in page
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "rapport-medling"]),
        {"recipient": "aklagare", "legal_basis": "osl_10_28"},
    )
    assert response.status_code == 302
    client.get(response["Location"])
    assert Aktbilaga.objects.get().kind == AktbilagaKind.MEDIATION_REPORT


def _case_page_queries(client, user, n: int, django_assert_max_num_queries) -> int:
    case = CaseFactory.create(handler=user, person=PersonFactory.create(unit=user.unit))
    for index in range(n):
        Document.objects.create(
            person=case.person,
            case=case,
            kind=DocumentKind.objects.get(code="brev"),
            document_date=datetime.date(2025, 3, 1) + datetime.timedelta(days=index),
            received_from="Skolan",
            original_name=f"brev-{index}.txt",
            file=f"dokument/{index:032x}",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
            uploaded_by=user,
        )
        Aktbilaga.objects.create(
            person=case.person,
            case=case,
            number=index + 1,
            kind=AktbilagaKind.LETTER,
            filename="brev.pdf",
            file=f"aktbilagor/{index:032x}",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            produced_by=user,
        )
    client.force_login(user)
    client.get(reverse("person_search"))  # the first request after login renews the session (one write)
    with django_assert_max_num_queries(40) as captured:
        response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200 and response.content.decode().count("brev-") == n
    return len(captured)


def test_the_akt_on_the_case_page_costs_the_same_queries_for_2_or_40_documents(
    client, handler, colleague, django_assert_max_num_queries
):
    assert _case_page_queries(client, colleague, 2, django_assert_max_num_queries) == _case_page_queries(
        client, handler, 40, django_assert_max_num_queries
    )
