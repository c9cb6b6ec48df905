"""No leaks: walk every route as a user who may see none of the data, with the ids
of records they may not see, and find nothing: the answer is the one a non-existent id gets (404, never
403), no name, number, address or journal text appears, nothing is written and nothing is access-logged.

Then each surface that shows a person — lists, search, case page, PDF, exports, API, admin and logs — is
checked for a skyddad identitet shown to a colleague who is not named by the enhetschef.
"""

import datetime
import logging
import re
import subprocess
import uuid

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases.models import ProtectionLevel
from consent.models import Actor
from consent.services import consent_record
from core.history import change_record
from core.models import AccessLog, ChangeAction, Role
from decisions.models import Decision, Lagrum
from documents.models import DocumentKind
from documents.services import aktbilaga_record, document_add
from interventions import services as intervention_services
from interventions.views.declarations import OPEN_PARAMETER
from interventions.views.insats_page import INSATS_FORMS  # importing the pages registers their forms
from interventions.views.plans import PLAN_FORMS
from tests.environment import require
from tests.factories import (
    CaseFactory,
    CustodianFactory,
    DistrictFactory,
    JournalEntryFactory,
    PersonFactory,
    UserFactory,
)
from tests.test_url_policies import url_routes

PROJECT_APPS = ["cases", "consent", "decisions", "documents", "interventions", "reporting", "core", "records", "api"]
# Rows everyone may know exist (catalogues, organisation): their ids are no secret.
PUBLIC_MODELS = {
    "cases.insatstype",
    "consent.actor",
    "consent.legalbasis",
    "core.unit",
    "core.provider",
    "decisions.lagrum",
    "decisions.delegationrule",
    "documents.documentkind",
}


@pytest.fixture
def secret_file(handler, coordinator):
    """A file in the handler's unit: a person with custodian, a SIG case, journal, consent and a plan."""
    person = PersonFactory(
        unit=handler.unit,
        first_name="Leakus",
        last_name="Hemligsson",
        birth_date=datetime.date(2008, 7, 9),
        street_address="Läckvägen 13",
    )
    CustodianFactory(person=person, name="Vårdnadshavare Hemligsson")
    case = CaseFactory(handler=handler, person=person, number="2019-7351", insats_type_id=_insats("sig"))
    JournalEntryFactory(case=case, text="Mycket hemlig journaltext")
    consent_record(
        actor=handler,
        person=person,
        custodian=None,
        actors=[Actor.objects.filter(needs_consent=True).first()],
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
        note="Hemlig samtyckesanteckning",
    )
    plan = intervention_services.plan_create(
        actor=handler, case=case, coordinator=coordinator, overall_goal="Hemligt planmål"
    )
    intervention_services.plan_goal_add(actor=handler, plan=plan, text="Hemligt delmål")
    Decision.objects.create(  # an avslag: its letter route is walked with this beslut's id
        case=case,
        outcome="avslag",
        lagrum=Lagrum.objects.first(),
        applied_for="Hemlig ansökan",
        reasoning="Hemlig beslutsmotivering",
        decided_on=datetime.date(2025, 3, 3),
        delegate=handler,
    )
    # the akt: a received document (on the case and on the person) and an aktbilaga given out
    for on_case in (case, None):
        document_add(
            actor=handler,
            person=person,
            case=on_case,
            kind=DocumentKind.objects.get(code="dom"),
            document_date=datetime.date(2025, 3, 3),
            received_from="Tingsrätten",
            description="Hemlig dombeskrivning",
            upload=SimpleUploadedFile("dom Hemligsson.txt", b"Dom i hemligt mal"),
        )
    aktbilaga_record(actor=handler, case=case, kind="brev", filename="brev.pdf", content=b"%PDF-1.4 hemligt")
    # the unit's field log from the phone: an event note (month page, shift rows walked with their ids)
    intervention_services.field_log_sync(
        actor=handler,
        payload={
            "key": str(uuid.uuid4()),
            "worked_on": timezone.localdate().isoformat(),  # this month: on the month page's first view
            "starts_at": "19:00",
            "ends_at": "23:00",
            "areas": [{"district": DistrictFactory(name="Läckdalen").pk, "from": "19:00", "met": 9, "talked": 2}],
            "events": [{"kind": "oro", "district": None, "place": "Hemliga torget", "note": "Hemlig fälthändelse"}],
        },
    )
    return case


def _insats(code):
    return apps.get_model("cases", "InsatsType").objects.get(code=code).pk


def _secrets(case) -> list[str]:
    person = case.person
    return [
        "Leakus",
        "Hemligsson",
        person.id_number,
        f"{person.id_number[:8]}-{person.id_number[8:]}",
        person.id_number[2:8] + "-" + person.id_number[8:],
        "Läckvägen",
        case.number,
        "Mycket hemlig journaltext",
        "Hemlig samtyckesanteckning",
        "Hemligt planmål",
        "Hemligt delmål",
        "Hemlig beslutsmotivering",
        "Hemlig dombeskrivning",
        "dom Hemligsson",
        "Hemlig fälthändelse",
    ]


def _foreign_ids() -> dict[str, list]:
    """Primary keys of every personal-data row (everything in the database belongs to the handler's unit)."""
    uuids, ints = [], []
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            if label in PUBLIC_MODELS or label.startswith(("core.", "records.", "api.")):  # no personal-data rows
                continue
            pk = model._meta.pk
            values = list(model._base_manager.values_list("pk", flat=True)[:50])
            if isinstance(pk, models.UUIDField):
                uuids.extend(values)
            elif isinstance(pk, (models.AutoField, models.BigAutoField)):
                ints.extend(values)
    return {"uuid": sorted(set(uuids), key=str), "int": sorted(set(ints))}


# Derived aggregates a statistics read may refresh (the PostgreSQL summary of counts, no person in it): not a
# change of anyone's data.
DERIVED = {"reporting.StatisticsSummary", "reporting.StatisticsState", "reporting.StatisticsScopeState",
           "reporting.StatisticsDirty"}  # fmt: skip


def _row_counts() -> dict[str, int]:
    counts = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model is not AccessLog and model._meta.label not in DERIVED:
                counts[model._meta.label] = model._base_manager.count()
    return counts


def _assert_clean(response, secrets, where):
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # a streamed CSV
    body = raw.decode(errors="replace")
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{where}: {leaked}"


def _has_ids(route) -> bool:
    return not route.is_regex and any(conv in ("uuid", "int") for conv in route.converters.values())


def _requests(route, ids):
    """(url, is_foreign_uuid) pairs: every id parameter filled with foreign ids, one parameter at a time. A route
    without id parameters has none: its baseline requests are its whole walk."""
    if not _has_ids(route):
        return []
    converters = route.converters
    urls = []
    uuid_params = [name for name, conv in converters.items() if conv == "uuid"]
    int_params = [name for name, conv in converters.items() if conv == "int"]
    for value in ids["uuid"]:
        for name in uuid_params:
            urls.append((route.url({name: value}), True))
    for value in ids["int"]:
        for name in int_params:
            # with the foreign parent too, e.g. /arenden/<foreign case>/anteckningar/<foreign entry>/
            fill = {name: value}
            for parent in uuid_params:
                fill[parent] = ids["uuid"][0]
            urls.append((route.url(fill), bool(uuid_params)))
    return urls


# The walk in parts that pytest-xdist runs side by side, each with every check of its own (rows unchanged, nothing
# access-logged): the routes without ids (the pages a persona may open, and the search), and the routes taking ids
# (about 1 000 requests a persona) dealt round in ID_PARTS.
ID_PARTS = 3
WALK_PARTS = ["pages", *(f"ids{part + 1}of{ID_PARTS}" for part in range(ID_PARTS))]


def _walk_routes(part: str) -> list:
    routes = url_routes()
    if part == "pages":
        return [route for route in routes if not _has_ids(route)]
    with_ids = [route for route in routes if _has_ids(route)]
    return with_ids[WALK_PARTS.index(part) - 1 :: ID_PARTS]


def test_the_walk_parts_take_every_route_once():
    walked = [route.route for part in WALK_PARTS for route in _walk_routes(part)]
    assert sorted(walked) == sorted(route.route for route in url_routes())


def _sign_in_again_if_signed_out(client, user) -> None:
    """A route may sign the client out (logga-ut): every route is walked signed in, or a 302 to the login page
    would pass for "nothing leaked". The session as the server holds it decides (one query), rather than a
    fresh sign-in before every route."""
    if client.session.get(SESSION_KEY) != str(user.pk):
        client.force_login(user)


def _check(response, secrets, where) -> None:
    if response.status_code < 400 and response.get("Content-Type", "").startswith("application/pdf"):
        _assert_clean_pdf(response, secrets, where)
    _assert_clean(response, secrets, where)


@pytest.mark.django_db
@pytest.mark.parametrize("part", WALK_PARTS)
@pytest.mark.parametrize("persona", ["outsider", "stats_client"])
def test_walk_every_route_with_foreign_ids_and_find_nothing(client, request, secret_file, persona, part):
    user = request.getfixturevalue(persona)
    secrets = _secrets(secret_file)
    ids = _foreign_ids()
    assert secret_file.pk in ids["uuid"] and secret_file.person.pk in ids["uuid"]
    counts = _row_counts()
    routes = _walk_routes(part)
    assert routes, part
    walked_signed_in = 0
    for route in routes:
        _sign_in_again_if_signed_out(client, user)
        baseline = {}
        for method in ("get", "post"):
            url = route.url()
            response = getattr(client, method)(url)
            baseline[method] = response.status_code
            _check(response, secrets, f"{persona} {method.upper()} {url} ({route.name})")
        walked_signed_in += baseline["get"] == 200
        for url, foreign_uuid in _requests(route, ids):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                where = f"{persona} {method.upper()} {url} ({route.name})"
                assert response.status_code != 403 or baseline[method] == 403, f"403 confirms existence: {where}"
                if foreign_uuid:
                    assert response.status_code == baseline[method], f"{where}: {response.status_code}"
                _check(response, secrets, where)
    if part == "pages":
        # every page a persona may open is among the routes without ids
        assert walked_signed_in >= 10, f"only {walked_signed_in} pages answered the signed-in persona"
        # the search pages with the secrets as queries
        _sign_in_again_if_signed_out(client, user)
        for query in secrets[:4]:
            # the search box shows back what was typed; nothing else of the person may appear
            others = [secret for secret in secrets if secret not in query and query not in secret]
            _assert_clean(client.post(reverse("person_search"), {"q": query}), others, f"search {query}")
    assert _row_counts() == counts, "a request by someone who may not see the data changed it"
    assert not AccessLog.objects.filter(user=user).exists(), "an access-log row means a person was shown"


def _assert_clean_pdf(response, secrets, where):
    require("pdftotext")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True).stdout.decode()
    leaked = [secret for secret in secrets if secret in text]
    assert not leaked, f"{where} (PDF): {leaked}"


@pytest.mark.django_db
def test_socialsekreterare_of_another_unit_gets_404_on_case_pdf_export_and_api(client, outsider, secret_file):
    client.force_login(outsider)
    plan = secret_file.plans.get()
    for url in (
        reverse("case_detail", kwargs={"case_id": secret_file.pk}),
        reverse("interventions:plan_pdf", kwargs={"plan_id": plan.pk}),
        reverse("person_extract_json", kwargs={"person_id": secret_file.person.pk}),
        reverse("person_extract_pdf", kwargs={"person_id": secret_file.person.pk}),
        reverse("api_case_detail", kwargs={"case_id": secret_file.pk}),
        reverse("api_person_detail", kwargs={"person_id": secret_file.person.pk}),
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_a_record_you_may_not_see_answers_like_one_that_does_not_exist(client, outsider, secret_file):
    client.force_login(outsider)
    real = client.get(reverse("case_detail", kwargs={"case_id": secret_file.pk}))
    missing = client.get(reverse("case_detail", kwargs={"case_id": uuid.uuid4()}))
    assert real.status_code == missing.status_code == 404

    def page(response):  # the CSRF token is masked differently on every response
        text = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert page(real) == page(missing)


# --- skyddad identitet on every surface ----------------------------------------------------------


@pytest.fixture
def protected_case(handler):
    person = PersonFactory(
        unit=handler.unit,
        first_name="Maskerad",
        last_name="Fingeradsson",
        street_address="Skyddsgatan 5",
        protection=ProtectionLevel.PROTECTED_REGISTRATION,
        district=DistrictFactory(name="Hemligområdet"),
    )
    change_record(actor=handler, instance=person, action=ChangeAction.CREATE)  # as registration records it
    case = CaseFactory(handler=handler, person=person, insats_type_id=_insats("sig"))
    JournalEntryFactory(case=case, text="Anteckning om skyddad person")
    return case


def _masked_secrets(case) -> list[str]:
    person = case.person
    return [
        "Maskerad",
        "Fingeradsson",
        "Skyddsgatan",
        person.id_number,
        f"{person.id_number[:8]}-{person.id_number[8:]}",
        "Hemligområdet",  # district and birth date are masked too (issue 25 point 4)
        person.birth_date.isoformat(),
    ]


@pytest.mark.django_db
def test_protected_identity_never_shown_on_any_surface(client, handler, coordinator, protected_case, caplog):
    """The handläggare works the case but is not named by the enhetschef: masked everywhere."""
    secrets = _masked_secrets(protected_case)
    person = protected_case.person
    plan = intervention_services.plan_create(actor=handler, case=protected_case, coordinator=coordinator)
    protected_document = document_add(
        actor=handler,
        person=person,
        case=protected_case,
        kind=DocumentKind.objects.get(code="intyg"),
        document_date=datetime.date(2025, 3, 3),
        received_from="Skolan",
        description="Maskerad Fingeradsson bor på Skyddsgatan",
        upload=SimpleUploadedFile("intyg Fingeradsson.txt", b"Intyg"),
    )
    client.force_login(handler)
    caplog.set_level(logging.DEBUG)
    surfaces = {
        "list (Mina ärenden)": client.get(reverse("home")),
        "search by name": client.post(reverse("person_search"), {"q": "Fingeradsson"}),
        "search by number": client.post(reverse("person_search"), {"q": person.id_number}),
        "person page": client.get(reverse("person_detail", kwargs={"person_id": person.pk})),
        "case page (with the akt)": client.get(reverse("case_detail", kwargs={"case_id": protected_case.pk})),
        "plan page": client.get(reverse("interventions:plan", kwargs={"plan_id": plan.pk})),
        # every form opened: a closed form is not on its page until it is loaded from there
        **{
            f"plan page, {declaration.name} opened": client.get(
                reverse("interventions:plan", kwargs={"plan_id": plan.pk}), {OPEN_PARAMETER: declaration.name}
            )
            for declaration in PLAN_FORMS
        },
        **{
            f"insats page, {declaration.name} opened": client.get(
                reverse("interventions:case", args=[protected_case.pk]), {OPEN_PARAMETER: declaration.name}
            )
            for declaration in INSATS_FORMS
            if declaration.fits(protected_case)
        },
        "history": client.get(reverse("person_history", kwargs={"person_id": person.pk})),
        "akt: add document": client.get(reverse("documents:case_document_add", args=[protected_case.pk])),
        "akt: journal print form": client.get(reverse("case_journal_print", args=[protected_case.pk])),
        "API people": client.get(reverse("api_person_list")),
        "API person": client.get(reverse("api_person_detail", kwargs={"person_id": person.pk})),
        "API cases": client.get(reverse("api_case_list")),
        "API people by district": client.get(reverse("api_person_list"), {"district": person.district_id}),
        "registration with the number": client.post(
            reverse("person_register"),
            {
                "id_kind": "personnummer",
                "id_number": person.id_number,
                "first_name": "Ny",
                "last_name": "Person",
                "vh-TOTAL_FORMS": "0",
                "vh-INITIAL_FORMS": "0",
            },  # fmt: skip
        ),
    }
    # the search pages repeat what the user typed; the rest must not appear
    typed = {
        "search by name": {"Fingeradsson"},
        "search by number": {person.id_number},
        "registration with the number": {person.id_number, "Hemligområdet"},  # the form offers every district
    }
    for where, response in surfaces.items():
        assert response.status_code == (400 if where.startswith("registration") else 200), where
        _assert_clean(response, [s for s in secrets if s not in typed.get(where, set())], where)
    assert "kan inte registreras här" in surfaces["registration with the number"].content.decode()
    assert 'name="giver"' in surfaces["insats page, samtycke opened"].content.decode()  # the forms were there
    # a typed number or district never finds (and so confirms) the masked person
    for where in ["search by number", "registration with the number", "API people by district"]:
        assert str(person.pk) not in surfaces[where].content.decode(), where
    history = [change for row in surfaces["history"].context["rows"] for change in row["changes"]]
    assert {change["new"] for change in history if change["field"] in ("område", "födelsedatum")} == {"***"}
    _assert_clean_pdf(client.get(reverse("interventions:plan_pdf", kwargs={"plan_id": plan.pk})), secrets, "plan PDF")
    journal = client.post(
        reverse("case_journal_print", args=[protected_case.pk]),
        {"since": "2020-01-01", "until": "2030-01-01", "action": "preview"},
    )
    _assert_clean_pdf(journal, secrets, "journal print")
    # a document that names the person cannot be opened by someone who sees the identity masked
    assert client.get(reverse("documents:document_download", args=[protected_document.pk])).status_code == 403
    # logs: no log line carries the identity
    for record in caplog.records:
        line = record.getMessage()
        assert not [secret for secret in secrets if secret in line], line
    # the access log holds ids only and marks that nothing was unmasked
    assert AccessLog.objects.filter(person_id=person.pk).exists()
    assert not AccessLog.objects.filter(person_id=person.pk, protected_identity=True).exists()


@pytest.mark.django_db
def test_protected_identity_masked_in_exports(client, manager, protected_case):
    secrets = _masked_secrets(protected_case)
    person = protected_case.person
    client.force_login(manager)
    client.get(reverse("case_detail", kwargs={"case_id": protected_case.pk}))
    exports = {
        "loggkontroll CSV": client.get(reverse("accesslog_export")),
        "registerutdrag JSON": client.get(reverse("person_extract_json", kwargs={"person_id": person.pk})),
        "loggutdrag CSV": client.get(
            reverse("accesslog_person_extract", kwargs={"person_id": person.pk}), {"format": "csv"}
        ),
    }
    for where, response in exports.items():
        assert response.status_code == 200, where
        _assert_clean(response, secrets, where)
    pdf = client.get(reverse("person_extract_pdf", kwargs={"person_id": person.pk}))
    _assert_clean_pdf(pdf, secrets, "registerutdrag PDF")


@pytest.mark.django_db
def test_protected_identity_is_not_in_the_admin_at_all(client, handler, protected_case):
    """Even a staff member given person rights directly finds no person in the admin: people are read in the
    app only (issue 25; tests/test_admin.py walks every admin page as every role)."""
    staff = UserFactory(username="admin-staff", is_staff=True, unit=handler.unit, role=Role.ADMINISTRATOR)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__in=["view_person", "view_case"])
    )
    client.force_login(staff)
    secrets = _masked_secrets(protected_case)
    for url in (
        "/admin/cases/person/",
        "/admin/cases/case/",
        f"/admin/cases/person/{protected_case.person.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        _assert_clean(response, secrets, url)


@pytest.mark.django_db
def test_consent_forms_do_not_name_the_custodians_of_a_protected_person(client, handler, protected_case):
    """The insats page's consent and revocation forms offer the custodians: numbered, not named."""
    person = protected_case.person
    parent = CustodianFactory(person=person, name="Hemlig Förälder")
    consent_record(
        actor=handler,
        person=person,
        custodian=parent,
        actors=[Actor.objects.get(code="skola")],
        given_on=protected_case.opened_on,
        form="skriftligt",
    )
    client.force_login(handler)
    url = reverse("interventions:case", args=[protected_case.pk])
    # the page, and each form opened (a closed form is loaded from there when opened)
    pages = {
        opened: client.get(f"{url}?oppna={opened}" if opened else url).content.decode()
        for opened in ("", "samtycke", "aterkalla")
    }
    assert not [opened for opened, page in pages.items() if "Hemlig" in page]
    assert "Vårdnadshavare 1" in pages["samtycke"]  # offered as a giver of a new consent, without the name


def test_custodians_of_a_protected_identity_are_not_named_on_plan_pdf_or_aslan(client, handler, coordinator):
    """A custodian's name gives the family away: masked wherever the young person's identity is."""
    today = datetime.date.today()
    person = PersonFactory(
        unit=handler.unit,
        first_name="Maskerad",
        last_name="Fingeradsson",
        birth_date=today.replace(year=today.year - 12, day=1),
        protection=ProtectionLevel.PROTECTED_REGISTRATION,
    )
    custodian = CustodianFactory(person=person, name="Förälder Skyddadsson")
    sig = CaseFactory(handler=handler, person=person, insats_type_id=_insats("sig"))
    plan = intervention_services.plan_create(actor=handler, case=sig, coordinator=coordinator)
    intervention_services.plan_agreement_record(actor=handler, plan=plan, custodian=custodian, agreed_on=today)
    aslan = CaseFactory(handler=handler, person=person, insats_type_id=_insats("aslan"))
    group = intervention_services.aslan_group_create(actor=handler, name="Gruppen", starts_on=today)
    intervention_services.aslan_participant_add(actor=handler, group=group, case=aslan, parents=[custodian])
    secrets = [*_masked_secrets(sig), "Skyddadsson"]
    client.force_login(handler)
    response = client.get(reverse("interventions:aslan_group", kwargs={"group_id": group.pk}))
    assert response.status_code == 200
    _assert_clean(response, secrets, "ASLAN group")
    # the plan page's forms still offer the custodian by name (interventions.forms.giver_choices)
    page = client.get(reverse("interventions:plan", kwargs={"plan_id": plan.pk})).content.decode()
    agreements = page[page.index('id="godkannanden"') :].split("</section>")[0]
    assert "Skyddadsson" not in agreements
    _assert_clean_pdf(client.get(reverse("interventions:plan_pdf", kwargs={"plan_id": plan.pk})), secrets, "plan PDF")
