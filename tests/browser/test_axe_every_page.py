"""axe-core on every HTML page of the product (issue 24 point 6): a Chromium walk over the URL resolver's routes,
each page opened with the ids of a realistic file and signed in as the role that uses it, each form page also
posted empty so its validation errors are scanned. No serious or critical WCAG 2.1 A/AA violation anywhere.

A route that answers no page of its own (API, downloads, PDFs, redirects, POST-only actions answered by a
redirect) is in NOT_PAGES with its reason; test_every_route_is_scanned_or_excused fails on a new route that is in
neither list, so a new page cannot miss the scan, and test_excused_routes_answer_no_html_page checks the reasons.
The Django admin is left out (url_routes() skips it; tests/test_admin.py walks it as every role).
"""

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from cases.models import Case, InsatsCode, InsatsType
from consent.models import Actor
from consent.services import consent_record
from core.models import Role
from decisions.models import Lagrum
from decisions.services import decision_record
from documents.models import DocumentKind
from documents.services import aktbilaga_record, document_add
from interventions import services as insats
from interventions.views.declarations import OPEN_PARAMETER
from interventions.views.insats_page import INSATS_FORMS  # the page's module registers its forms
from interventions.views.plans import PLAN_FORMS
from records.retention import retention_run
from reporting import services as reporting
from reporting import tasks as reporting_tasks
from reporting.figures import Period
from tests.browser.conftest import PASSWORD, axe_violations
from tests.factories import (
    CaseFactory,
    CustodianFactory,
    DistrictFactory,
    JournalEntryFactory,
    PersonFactory,
    UserFactory,
)
from tests.test_url_policies import url_routes

# Routes with no page of their own to scan, and why. Admin URLs are outside url_routes() altogether (the Django
# admin's own templates; tests/test_admin.py walks them as every role).
NOT_PAGES: dict[str, str] = {
    "logout": "POST-only action: signs out and redirects to the login page",
    "oidc_authentication_init": "redirect to the municipality's IdP (404 while SSO is not configured)",
    "oidc_authentication_callback": "the IdP's answer: a redirect (404 while SSO is not configured)",
    "session_keep_alive": "JSON for static/js/session.js (POST-only)",
    "accesslog_export": "CSV download",
    "person_extract_json": "JSON download (registerutdrag)",
    "person_extract_pdf": "PDF (registerutdrag)",
    "cases_import_template": "Excel download (the import template)",
    "entry_delete": "POST-only action: redirects to the case page",
    "decision_letter": "PDF (beslutsbrev)",
    "unexecuted_decisions_ivo": "CSV download (IVO report)",
    "unexecuted_decisions_namnd": "PDF (report to the board)",
    "community_service_pdf": "PDF (ungdomstjänst report)",
    "mediation_pdf": "PDF (medling report)",
    "plan_pdf": "PDF (genomförandeplan)",
    "field_app_sync": "JSON for the field app (POST-only)",
    "field_app_sw": "JavaScript (the field app's service worker)",
    "report_status": "HTML fragment polled by htmx into the report page, scanned there (report_detail)",
    "report_generate": "POST-only action: redirects to the report page",
    "report_new_version": "POST-only action: redirects to the report page",
    "report_file": "PDF, Excel and CSV downloads of a report version",
    "document_download": "file download (a document of the akt)",
    "aktbilaga_download": "file download (an aktbilaga)",
    "api_person_list": "API (JSON)",
    "api_person_detail": "API (JSON)",
    "api_case_list": "API (JSON)",
    "api_case_detail": "API (JSON)",
    "api_statistics_cases": "API (JSON)",
    "api_statistics_agreements": "API (JSON)",
    "api_statistics_field_work": "API (JSON)",
    "api_schema": "API (the OpenAPI schema, YAML/JSON); its HTML page is api_docs",
    "api_not_found": "API (JSON 404 for unknown API paths)",
    "healthz": "health check (JSON)",
    "readyz": "health check (JSON)",
}

ANONYMOUS, HANDLER, COORDINATOR, MANAGER, FIELD_WORKER, ADMINISTRATOR = (
    "anonym",
    "handläggare",
    "samordnare",
    "enhetschef",
    "fältarbetare",
    "systemadministratör",
)


@dataclass
class World:
    """The ids the walk fills path parameters with: one realistic file per insats and the unit's records."""

    person: Any
    custodian: Any
    case: Case  # a bistånd case (ungdomstjänst) with journal, consent, akt and beslut
    signed_entry: Any
    draft_entry: Any
    decision: Any
    document: Any
    aktbilaga: Any
    protected_person: Any
    insats_cases: dict[str, Case]
    session: Any
    purchase: Any
    plan: Any
    aslan_group: Any
    field_shift: Any
    polare_night: Any
    area_effort: Any
    report: Any
    agreement: Any
    retention_run: Any
    users: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One scan: the page `route` (URL name) with `kwargs` from the world, signed in as `role`. With `post`,
    the URL is posted to with those fields (nothing but the CSRF token when empty) from the page the walk is
    on, so the form comes back with its errors."""

    route: str
    role: str
    kwargs: Callable[[World], dict] = lambda world: {}
    post: dict[str, str] | None = None
    ready: str = ""  # a selector to wait for before the scan (a page that builds itself with JavaScript)
    query: str = ""
    within: str = ""  # scan only this part (the rest of the page is scanned by its own visit)
    label: str = ""
    status: int | None = None  # expected status (default 200, or 400 for a post)

    def url(self, world: World) -> str:
        return reverse(self.route, kwargs=self.kwargs(world)) + self.query


def _case(world: World) -> dict:
    return {"case_id": world.case.pk}


def _person(world: World) -> dict:
    return {"person_id": world.person.pk}


def _insats(code: str) -> Callable[[World], dict]:
    return lambda world: {"case_id": world.insats_cases[code].pk}


def _report(world: World) -> dict:
    return {"report_id": world.report.pk}


EMPTY: dict[str, str] = {}

VISITS: list[Visit] = [
    # --- not signed in
    Visit("login", ANONYMOUS),
    Visit("login", ANONYMOUS, post=EMPTY, status=200),  # the sign-in form answers its errors with a 200
    Visit("api_docs", ANONYMOUS, ready=".swagger-ui .info"),
    # --- handläggare
    Visit("home", HANDLER),
    Visit("person_search", HANDLER),
    Visit("person_search", HANDLER, post={"q": "Axesson"}, status=200, label="träffar"),
    Visit("person_register", HANDLER),
    Visit("person_register", HANDLER, post=EMPTY),
    Visit("person_detail", HANDLER, _person),
    Visit("person_edit", HANDLER, _person),
    Visit("person_edit", HANDLER, _person, post=EMPTY),
    Visit("person_identity_request", HANDLER, lambda world: {"person_id": world.protected_person.pk}),
    Visit("person_identity_request", HANDLER, lambda world: {"person_id": world.protected_person.pk}, post=EMPTY),
    Visit("custodian_add", HANDLER, _person),
    Visit("custodian_add", HANDLER, _person, post=EMPTY),
    Visit("custodian_edit", HANDLER, lambda world: {**_person(world), "custodian_id": world.custodian.pk}),
    Visit("custodian_edit", HANDLER, lambda world: {**_person(world), "custodian_id": world.custodian.pk}, post=EMPTY),
    Visit("custodian_end", HANDLER, lambda world: {**_person(world), "custodian_id": world.custodian.pk}),
    Visit("custodian_end", HANDLER, lambda world: {**_person(world), "custodian_id": world.custodian.pk}, post=EMPTY),
    Visit("case_open", HANDLER, _person),
    Visit("case_open", HANDLER, _person, post=EMPTY),
    Visit("case_detail", HANDLER, _case),
    Visit("entry_create", HANDLER, _case, post=EMPTY),
    Visit("case_follow_up", HANDLER, _case, post=EMPTY),
    Visit("entry_edit", HANDLER, lambda world: {**_case(world), "entry_id": world.draft_entry.pk}),
    Visit("entry_edit", HANDLER, lambda world: {**_case(world), "entry_id": world.draft_entry.pk}, post=EMPTY),
    Visit("entry_sign", HANDLER, lambda world: {**_case(world), "entry_id": world.draft_entry.pk}),
    Visit("entry_sign", HANDLER, lambda world: {**_case(world), "entry_id": world.draft_entry.pk}, post=EMPTY),
    Visit("entry_correct", HANDLER, lambda world: {**_case(world), "entry_id": world.signed_entry.pk}),
    Visit("entry_correct", HANDLER, lambda world: {**_case(world), "entry_id": world.signed_entry.pk}, post=EMPTY),
    Visit("case_close", HANDLER, _case),
    Visit("case_close", HANDLER, _case, post=EMPTY),
    Visit("case_history", HANDLER, _case),
    Visit("person_history", HANDLER, _person),
    Visit("case_journal_print", HANDLER, _case),
    Visit("case_journal_print", HANDLER, _case, post=EMPTY),
    Visit("documents:case_document_add", HANDLER, _case),
    Visit("documents:case_document_add", HANDLER, _case, post=EMPTY),
    Visit("documents:person_document_add", HANDLER, _person),
    Visit("documents:person_document_add", HANDLER, _person, post=EMPTY),
    *[Visit("interventions:case", HANDLER, _insats(code), label=code) for code in InsatsCode.values],
    Visit(
        "interventions:case_row",
        HANDLER,
        lambda world: {**_insats(InsatsCode.COMMUNITY_SERVICE)(world), "kind": "timmar", "row_id": world.session.pk},
    ),
    Visit(
        "interventions:case_row",
        HANDLER,
        lambda world: {**_insats(InsatsCode.COMMUNITY_SERVICE)(world), "kind": "timmar", "row_id": world.session.pk},
        post={"form": "ta-bort"},
    ),
    Visit(
        "interventions:case_row",
        HANDLER,
        lambda world: {**_insats(InsatsCode.AVHOPP)(world), "kind": "kopt-insats", "row_id": world.purchase.pk},
    ),
    Visit("interventions:short_case", HANDLER),
    Visit("interventions:short_case", HANDLER, post=EMPTY),
    Visit("interventions:avhopp_costs", HANDLER),
    Visit("interventions:aslan_groups", HANDLER),
    Visit("interventions:aslan_groups", HANDLER, post=EMPTY),
    Visit("interventions:aslan_group", HANDLER, lambda world: {"group_id": world.aslan_group.pk}),
    Visit(
        "interventions:aslan_group", HANDLER, lambda world: {"group_id": world.aslan_group.pk}, post={"form": "traff"}
    ),
    # --- samordnare: the plan pages and Planering
    Visit("interventions:planning", COORDINATOR),
    Visit("interventions:plan", COORDINATOR, lambda world: {"plan_id": world.plan.pk}),
    Visit("interventions:plan_version", COORDINATOR, lambda world: {"plan_id": world.plan.pk, "number": 1}),
    # --- enhetschef
    Visit("accesslog_review", MANAGER),
    Visit("accesslog_review", MANAGER, post=EMPTY, status=200, label="personsökning"),
    Visit("accesslog_person_extract", MANAGER, _person),
    Visit("case_sharing", MANAGER, _case),
    Visit("case_sharing", MANAGER, _case, post={"action": "grant"}),
    Visit("protected_identity_access", MANAGER, lambda world: {"person_id": world.protected_person.pk}),
    Visit(
        "protected_identity_access",
        MANAGER,
        lambda world: {"person_id": world.protected_person.pk},
        post={"action": "grant"},
    ),
    Visit("retention_overview", MANAGER),
    Visit("retention_run_detail", MANAGER, lambda world: {"run_id": world.retention_run.pk}),
    Visit("cases_import", MANAGER),
    Visit("cases_import", MANAGER, post=EMPTY),
    Visit("interventions:caseload", MANAGER),
    Visit("case_reassign", MANAGER, _case),
    Visit("case_reassign", MANAGER, _case, post=EMPTY),
    Visit("decision_create", MANAGER, _case),
    Visit("decision_create", MANAGER, _case, post=EMPTY),
    Visit("decision_execute", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}),
    Visit("decision_execute", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}, post=EMPTY),
    Visit("decision_end", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}),
    Visit("decision_end", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}, post=EMPTY),
    Visit("decision_delay", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}),
    Visit("decision_delay", MANAGER, lambda world: {**_case(world), "decision_id": world.decision.pk}, post=EMPTY),
    Visit("unexecuted_decisions", MANAGER),
    Visit("reporting:index", MANAGER),
    Visit("reporting:figures", MANAGER),
    Visit("reporting:report_create", MANAGER, post=EMPTY),
    Visit("reporting:report_detail", MANAGER, _report),
    Visit("reporting:report_commentary", MANAGER, _report, post={"version": "x"}),
    Visit("reporting:report_finalise", MANAGER, _report),
    Visit("reporting:report_finalise", MANAGER, _report, post=EMPTY),
    Visit("reporting:agreement_list", MANAGER),
    Visit("reporting:agreement_create", MANAGER),
    Visit("reporting:agreement_create", MANAGER, post=EMPTY),
    Visit("reporting:agreement_edit", MANAGER, lambda world: {"agreement_id": world.agreement.pk}),
    # --- fältarbetare: the unit's field work
    Visit("interventions:field_shifts", FIELD_WORKER),
    Visit("interventions:field_shifts", FIELD_WORKER, post={"form": "faltpass"}),
    Visit("interventions:polare", FIELD_WORKER),
    Visit("interventions:field_month", FIELD_WORKER),
    Visit("interventions:area_efforts", FIELD_WORKER),
    Visit(
        "interventions:unit_row",
        FIELD_WORKER,
        lambda world: {"kind": "faltpass", "row_id": world.field_shift.pk},
    ),
    Visit(
        "interventions:unit_row",
        FIELD_WORKER,
        lambda world: {"kind": "faltpass", "row_id": world.field_shift.pk},
        post={"form": "ratta"},
    ),
    Visit(
        "interventions:unit_row", FIELD_WORKER, lambda world: {"kind": "polarkvall", "row_id": world.polare_night.pk}
    ),
    Visit(
        "interventions:unit_row", FIELD_WORKER, lambda world: {"kind": "omradesinsats", "row_id": world.area_effort.pk}
    ),
    Visit("interventions:field_app", FIELD_WORKER),
    # --- systemadministratör: no personal data; the start page and the account pages
    Visit("home", ADMINISTRATOR),
    Visit("password_change", ADMINISTRATOR),
    Visit("password_change", ADMINISTRATOR, post=EMPTY, status=200),  # Django's view answers 200
    Visit("mfa_enrol", ADMINISTRATOR),
]


# forms an empty post saves (every check box may be left unticked)
VALID_WHEN_EMPTY = {"kontroller"}


def _insats_action(code: str, name: str) -> Callable[[World], dict]:
    return lambda world: {"case_id": world.insats_cases[code].pk, "action": name}


def _plan_action(name: str) -> Callable[[World], dict]:
    return lambda world: {"plan_id": world.plan.pk, "action": name}


def _action_visits() -> list[Visit]:
    """Every form of the insats page and the plan page posted empty: the page comes back with its errors."""
    visits = []
    for declaration in INSATS_FORMS:
        # a form of every case (consent, utlämnande) is posted on the SIG case
        code = declaration.insatser[0] if declaration.insatser else InsatsCode.SIG
        if declaration.name in VALID_WHEN_EMPTY:  # no errors to show: the form opened as a link to it opens it
            opened = Visit(
                "interventions:case",
                HANDLER,
                _insats(code),
                query=f"?{OPEN_PARAMETER}={declaration.name}",
                label=declaration.name,
                within=f"#{declaration.html_id}",
            )
            visits.append(opened)
            continue
        action = _insats_action(code, declaration.name)
        visits.append(
            Visit(
                "interventions:case_action",
                HANDLER,
                action,
                post=EMPTY,
                label=declaration.name,
                within=f"#{declaration.html_id}",
            )
        )
    for plan_form in PLAN_FORMS:
        action = _plan_action(plan_form.name)
        visits.append(
            Visit(
                "interventions:plan_action",
                COORDINATOR,
                action,
                post=EMPTY,
                label=plan_form.name,
                within=f"#{plan_form.html_id}",
            )
        )
    return visits


# the second step of a local sign-in, for a handläggare with an authenticator app
SECOND_FACTOR = "tvåsteg"
SECOND_FACTOR_VISITS = [Visit("mfa_verify", SECOND_FACTOR), Visit("mfa_verify", SECOND_FACTOR, post=EMPTY, status=200)]

ALL_VISITS = [*VISITS, *_action_visits(), *SECOND_FACTOR_VISITS]


def _route_name(route: str) -> str:
    return route.rpartition(":")[2]


def test_every_route_is_scanned_or_excused():
    """A route answering HTML is scanned by the walk or listed in NOT_PAGES with its reason; nothing stale."""
    names = [route.name for route in url_routes()]
    assert len(names) == len(set(names)), "the walk tells routes apart by their name"
    scanned = {_route_name(visit.route) for visit in ALL_VISITS}
    assert not scanned & set(NOT_PAGES), "a route is both scanned and excused"
    missing = sorted(set(names) - scanned - set(NOT_PAGES))
    assert not missing, f"routes neither scanned by the axe walk nor in NOT_PAGES: {missing}"
    unknown = sorted((scanned | set(NOT_PAGES)) - set(names))
    assert not unknown, f"no such routes: {unknown}"
    assert all(reason.strip() for reason in NOT_PAGES.values())


@pytest.mark.django_db
def test_excused_routes_answer_no_html_page(client, world):
    """What NOT_PAGES says holds: with real ids, signed in as the enhetschef (who may reach most), none of them
    answers a page of its own."""
    client.force_login(world.users[MANAGER])
    values = {
        "person_id": world.person.pk,
        "case_id": world.case.pk,
        "entry_id": world.draft_entry.pk,
        "decision_id": world.decision.pk,
        "plan_id": world.plan.pk,
        "report_id": world.report.pk,
        "number": 1,
        "kind": "pdf",
        "document_id": world.document.pk,
        "aktbilaga_id": world.aktbilaga.pk,
    }
    insats_pdfs = {"community_service_pdf": InsatsCode.COMMUNITY_SERVICE, "mediation_pdf": InsatsCode.MEDIATION}
    answered = []
    for route in url_routes():
        if route.name not in NOT_PAGES:
            continue
        own = {"case_id": world.insats_cases[insats_pdfs[route.name]].pk} if route.name in insats_pdfs else {}
        response = client.get(route.url({**values, **own}))
        answered.append(response.status_code)
        html = response.get("Content-Type", "").startswith("text/html") and not response.streaming
        if response.status_code == 200 and html:  # (an unknown id gets the 404 page, scanned by the walk)
            assert b"<html" not in response.content.lower(), f"{route.name} answers a page: scan it"
    assert answered.count(200) >= 20, "the excused routes were reached with real ids"


def _insats_type(code: str) -> InsatsType:
    return InsatsType.objects.get(code=code)


@pytest.fixture
def world(handler, colleague, coordinator, manager, other_unit):
    """A busy file in the handler's unit: every insats with its records, a plan, beslut, the akt, a field log,
    an agreement with a generated report, a gallring run, and a protected person."""
    today = timezone.localdate()
    person = PersonFactory(unit=handler.unit, first_name="Alma", last_name="Axesson")
    custodian = CustodianFactory(person=person, name="Bo Axesson")
    police, school = Actor.objects.get(code="polis"), Actor.objects.get(code="skola")
    consent_record(
        actor=handler,
        person=person,
        custodian=custodian,
        actors=[police, school],
        given_on=datetime.date(2025, 3, 2),
        form="skriftligt",
        valid_until=today + datetime.timedelta(days=365),
    )
    case = CaseFactory(handler=handler, person=person, opened_on=today - datetime.timedelta(days=200))
    signed = JournalEntryFactory(case=case, signed_at=timezone.now())
    JournalEntryFactory(case=case, corrects=signed, text="Rättelse av datumet.", signed_at=timezone.now())
    draft = JournalEntryFactory(case=case, text="Ett utkast.")
    documents = [
        document_add(
            actor=handler,
            person=person,
            case=on_case,
            kind=DocumentKind.objects.get(code="dom"),
            document_date=datetime.date(2025, 3, 3),
            received_from="Tingsrätten",
            description="Dom",
            upload=SimpleUploadedFile("dom.txt", b"Dom"),
        )
        for on_case in (case, None)
    ]
    aktbilaga = aktbilaga_record(actor=handler, case=case, kind="brev", filename="brev.pdf", content=b"%PDF-1.4")
    decision = decision_record(
        actor=manager,
        case=case,
        outcome="bifall",
        lagrum=Lagrum.objects.get(code="sol2025-11-1"),
        applied_for="Stöd",
        granted="Stöd",
        reasoning="Behov finns.",
        decided_on=today - datetime.timedelta(days=120),
        period_from=today - datetime.timedelta(days=120),
    )
    protected = PersonFactory(unit=handler.unit, protection="skyddad_folkbokforing")
    CaseFactory(handler=handler, person=protected)

    # one service case per insats (no beslut needed to start it), each with its records
    cases = {}
    for code in InsatsCode.values:
        young = PersonFactory(
            unit=handler.unit,
            first_name="Insats",
            last_name=code.capitalize(),
            birth_date=today.replace(year=today.year - (12 if code == InsatsCode.ASLAN else 16), day=1),
        )
        CustodianFactory(person=young, name=f"Förälder {code}")
        cases[code] = CaseFactory(
            handler=handler, person=young, basis="service", insats_type=_insats_type(code), opened_on=today
        )
    order = insats.community_service_set(
        actor=handler,
        case=cases[InsatsCode.COMMUNITY_SERVICE],
        ordered_hours=20,
        judgment_on=today,
        issued_by="Linköpings tingsrätt",
        report_to="Åklagarkammaren i Linköping",
    )
    workplace = insats.community_service_workplace_add(actor=handler, order=order, name="Second hand-butiken")
    session = insats.community_service_session_add(
        actor=handler, order=order, workplace=workplace, performed_on=today, hours=Decimal("4.5")
    )
    mediation = insats.mediation_set(
        actor=handler, case=cases[InsatsCode.MEDIATION], offence="Skadegörelse på skolan", mediator=handler
    )
    insats.mediation_party_add(actor=handler, mediation=mediation, role="brottsoffer", name="Butiken AB")
    insats.mediation_meeting_add(
        actor=handler, mediation=mediation, kind="formote_brottsoffer", held_on=today, note="Vill mötas"
    )
    insats.victim_support_set(
        actor=handler, case=cases[InsatsCode.VICTIM_SUPPORT], crime_type="ran", crime_on=today, reported_to_police=True
    )
    insats.skk_set(
        actor=handler,
        case=cases[InsatsCode.SKK],
        contact_person="Sven Stöd",
        contact_phone="070-123",
        hours_per_month=Decimal("20"),
        ordered_by="domstol",
        decided_on=today,
    )
    group = insats.aslan_group_create(actor=handler, name="Höstgruppen", starts_on=today)
    aslan_case = cases[InsatsCode.ASLAN]
    participant = insats.aslan_participant_add(
        actor=handler, group=group, case=aslan_case, parents=list(aslan_case.person.custodians.all())
    )
    insats.aslan_meeting_record(
        actor=handler, group=group, held_on=today, topic="Känslor", attendance={participant.pk: (True, 1)}
    )
    avhopp = cases[InsatsCode.AVHOPP]
    insats.defector_assess(
        actor=handler, case=avhopp, assessed_on=today, threat_level="konkret", motivated=True, note="Hot"
    )
    purchase = insats.purchased_service_add(
        actor=handler,
        case=avhopp,
        kind="skyddat_boende",
        provider="Tryggt AB",
        starts_on=today,
        ends_on=None,
        price=Decimal("400000"),
    )
    insats.reoffence_record(actor=handler, case=avhopp, noted_on=today, kind="polisanmalan")
    sig = cases[InsatsCode.SIG]
    for giver in [None, *sig.person.custodians.all()]:  # the school may join the plan with everyone's consent
        consent_record(
            actor=handler,
            person=sig.person,
            custodian=giver,
            actors=[school],
            given_on=today,
            form="skriftligt",
            valid_until=today + datetime.timedelta(days=365),
        )
    plan = insats.plan_create(actor=handler, case=sig, coordinator=coordinator, overall_goal="Klara skolan")
    goal = insats.plan_goal_add(actor=handler, plan=plan, text="Gå i skolan varje dag")
    insats.plan_activity_add(
        actor=handler, plan=plan, goal=goal, what="Samtal med mentor", responsible=school, when="Varje vecka"
    )
    insats.plan_follow_up_schedule(actor=handler, plan=plan, due_on=today + datetime.timedelta(days=7))

    # the field unit's records, kept by its fältarbetare
    field_worker = UserFactory(username="falt", first_name="Frida", last_name="Fältare", unit=other_unit)
    district = DistrictFactory(name="Skäggetorp")
    shift = insats.field_shift_record(
        actor=field_worker,
        worked_on=today,
        district=district,
        area="Centrum",
        staff=[field_worker],
        youths_met=40,
        youths_talked=12,
        starts_at=datetime.time(19, 0),
        ends_at=datetime.time(23, 0),
    )
    polare = insats.polare_add(
        actor=field_worker,
        name="Polle",
        birth_date=today.replace(year=today.year - 16, day=1),
        service_started_on=today.replace(year=today.year - 1, day=1),
    )
    night = insats.polare_night_book(actor=field_worker, polare=polare, worked_on=today)
    effort = insats.area_effort_start(
        actor=field_worker, district=district, starts_on=today, weeks=4, reason="Oro i området"
    )
    insats.field_log_sync(  # an evening logged from the phone: the month page's areas and events
        actor=field_worker,
        payload={
            "key": str(uuid.uuid4()),
            "worked_on": today.isoformat(),
            "starts_at": "19:00",
            "ends_at": "23:00",
            "areas": [{"district": district.pk, "from": "19:00", "met": 9, "talked": 2}],
            "events": [{"kind": "oro", "district": None, "place": "Torget", "note": "Bråk vid busshållplatsen"}],
        },
    )

    # the enhetschef's: an agreement, a generated report (the report job run here), a gallring run
    agreement = reporting.agreement_create(
        actor=manager,
        provider=handler.unit.provider,
        unit=None,
        name="Verksamhetsuppdrag",
        reference="ON 2025-0412",
        starts_on=datetime.date(today.year - 1, 1, 1),
        ends_on=datetime.date(today.year + 1, 12, 31),
        budget=4_000_000,
        volumes=[reporting.VolumeData(insats_type=_insats_type("ungdomstjanst"), min_per_year=30, max_per_year=40)],
    )
    version = reporting.report_request(
        actor=manager, provider=handler.unit.provider, unit=None, kind="year", period=Period.year(today.year - 1)
    )
    reporting_tasks.generate(version.pk)
    run = retention_run(as_of=today, dry_run=True, started_by=manager)

    users = {
        HANDLER: handler,
        COORDINATOR: coordinator,
        MANAGER: manager,
        FIELD_WORKER: field_worker,
        ADMINISTRATOR: UserFactory(username="admin", first_name="Ada", last_name="Admin", role=Role.ADMINISTRATOR),
        SECOND_FACTOR: UserFactory(username="tvasteg", first_name="Tove", last_name="Tvåsteg", unit=handler.unit),
    }
    apps.get_model("otp_totp", "TOTPDevice").objects.create(user=users[SECOND_FACTOR], name="app", confirmed=True)
    return World(
        person=person,
        custodian=custodian,
        case=case,
        signed_entry=signed,
        draft_entry=draft,
        decision=decision,
        document=documents[0],
        aktbilaga=aktbilaga,
        protected_person=protected,
        insats_cases=cases,
        session=session,
        purchase=purchase,
        plan=plan,
        aslan_group=group,
        field_shift=shift,
        polare_night=night,
        area_effort=effort,
        report=version.report,
        agreement=agreement,
        retention_run=run,
        users=users,
    )


def _sign_in(page, base: str, user) -> None:
    """Through the login page, as a person would (the user with an app lands on the code page). Waits for the
    answer to the form itself and then for the page it redirects to: a refused sign-in fails at once with its
    status, instead of a wait for some URL that runs into the timeout on a busy machine."""
    page.goto(f"{base}/logga-in/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)

    def sent(response) -> bool:
        return response.request.method == "POST" and urlsplit(response.url).path == "/logga-in/"

    with page.expect_response(sent) as answer:
        page.get_by_role("button", name="Logga in").click()
    assert answer.value.status == 302, f"signing in as {user.username}: {answer.value.status}, not a redirect"
    page.wait_for_url(urljoin(answer.value.url, answer.value.headers["location"]))


# posts `fields` (and the page's CSRF token) to `url` as a plain form, skipping the browser's own validation
POST_FORM = """([url, fields]) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = url;
    const token = document.querySelector('[name=csrfmiddlewaretoken]');
    for (const [name, value] of Object.entries({csrfmiddlewaretoken: token ? token.value : '', ...fields})) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""


# The walk in two parts that pytest-xdist runs side by side, each with a world of its own: the handläggare's
# pages and forms, and every other role's (with the page an unknown address answers).
WALK_PARTS = {
    "handlaggare": {HANDLER},
    "andra-roller": {ANONYMOUS, COORDINATOR, MANAGER, FIELD_WORKER, ADMINISTRATOR, SECOND_FACTOR},
}


def _part_visits(part: str) -> list[Visit]:
    """The part's visits, role by role (signing in once per role) in the order the roles first appear."""
    visits = [visit for visit in ALL_VISITS if visit.role in WALK_PARTS[part]]
    roles = list(dict.fromkeys(visit.role for visit in visits))
    return sorted(visits, key=lambda visit: roles.index(visit.role))


def test_the_walk_parts_make_every_visit_once():
    assert sorted(map(id, ALL_VISITS)) == sorted(id(visit) for part in WALK_PARTS for visit in _part_visits(part))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("part", WALK_PARTS)
def test_every_page_has_no_serious_accessibility_violations(page, live_server, world, part):
    """Each visit in turn (signing in once per role): the page answers as expected, then axe finds no serious or
    critical violation; every failure is collected, so one run names them all."""
    base = live_server.url
    failures: dict[str, Any] = {}
    signed_in_as = None
    for visit in _part_visits(part):
        if visit.role != signed_in_as:
            page.context.clear_cookies()
            if visit.role != ANONYMOUS:
                _sign_in(page, base, world.users[visit.role])
            signed_in_as = visit.role
        url = visit.url(world)
        name = f"{visit.role} {'POST' if visit.post is not None else 'GET'} {url} {visit.label}".strip()
        if visit.post is None:
            response = page.goto(base + url)
        else:
            with page.expect_navigation() as navigation:
                page.evaluate(POST_FORM, [url, visit.post])
            response = navigation.value
        expected = visit.status or (400 if visit.post is not None else 200)
        path = urlsplit(page.url).path
        if response is None or response.status != expected:
            failures[name] = f"status {response and response.status}"
            continue
        if resolve(path).url_name != _route_name(visit.route):
            failures[name] = f"landed on {page.url}"
            continue
        if visit.ready:
            page.wait_for_selector(visit.ready)
        # the form posted empty is open with its errors: what the page's own scan does not see (closed <details>)
        shown = f"{visit.within}[open] .error-summary" if visit.post is not None else f"{visit.within}[open]"
        if visit.within and not page.locator(shown).count():
            failures[name] = "the form is not shown with its errors"
            continue
        violations = axe_violations(page, visit.within)
        if violations:
            failures[name] = violations
    if part == "andra-roller":
        # the page an unknown address, or a record the user may not see, answers (templates/404.html)
        response = page.goto(f"{base}/arenden/{uuid.uuid4()}/")
        assert response is not None and response.status == 404
        if violations := axe_violations(page):
            failures["404"] = violations
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=2)
