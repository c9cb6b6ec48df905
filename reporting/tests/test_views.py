"""Follow-up pages: managers only, own scope only (404 otherwise), progress display, files, agreements."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from core.models import Role
from jobs.models import OutboxMessage
from reporting import services, tasks
from reporting.figures import Period
from reporting.models import Agreement, GenerationStatus, Report, ReportVersion, VersionStatus
from tests.factories import ProviderFactory, UnitFactory, UserFactory

D = datetime.date


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(manager, unit):
    return services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )


@pytest.fixture
def other_manager(db):
    """enhetschef at another provider: none of `unit`'s reports or agreements exist for them."""
    return UserFactory(
        username="other_manager", unit=UnitFactory(provider=ProviderFactory(name="Annan utförare")), role=Role.MANAGER
    )


def _urls(report_id, agreement_id):
    return [
        ("get", "/uppfoljning/"),
        ("get", "/uppfoljning/siffror/"),
        ("get", "/uppfoljning/overenskommelser/"),
        ("get", "/uppfoljning/overenskommelser/ny/"),
        ("get", f"/uppfoljning/overenskommelser/{agreement_id}/"),
        ("get", f"/uppfoljning/rapporter/{report_id}/"),
        ("get", f"/uppfoljning/rapporter/{report_id}/status/"),
        ("get", f"/uppfoljning/rapporter/{report_id}/v1/pdf/"),
        ("post", f"/uppfoljning/rapporter/{report_id}/skapa/"),
        ("post", f"/uppfoljning/rapporter/{report_id}/kommentarer/"),
        ("post", f"/uppfoljning/rapporter/{report_id}/faststall/"),
        ("post", f"/uppfoljning/rapporter/{report_id}/ny-version/"),
        ("post", "/uppfoljning/rapporter/ny/"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["handler", "outsider", "coordinator", "stats_client"])
def test_only_managers_reach_the_follow_up_pages(client, request, persona, draft, agreement):
    client.force_login(request.getfixturevalue(persona))
    for method, url in _urls(draft.report_id, agreement.pk):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.django_db
def test_a_manager_of_another_provider_gets_404_for_this_providers_records(client, other_manager, draft, agreement):
    client.force_login(other_manager)
    for method, url in _urls(draft.report_id, agreement.pk):
        if url in ("/uppfoljning/", "/uppfoljning/siffror/", "/uppfoljning/overenskommelser/"):
            continue
        if url.endswith("/ny/"):
            continue
        assert getattr(client, method)(url).status_code == 404, url
    assert "2016-01-01" not in client.get("/uppfoljning/").content.decode()
    assert agreement.name not in client.get("/uppfoljning/overenskommelser/").content.decode()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, draft):
    response = client.get(f"/uppfoljning/rapporter/{draft.report_id}/")
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


@pytest.mark.django_db
def test_manager_index_lists_reports(client, manager, draft, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(15):
        response = client.get("/uppfoljning/")
    assert response.status_code == 200
    assert "2016-01-01 – 2016-12-31" in response.content.decode()


@pytest.mark.django_db
def test_starting_a_report_in_the_browser_queues_one_job(client, manager, unit):
    client.force_login(manager)
    data = {"scope": f"provider-{unit.provider_id}", "kind": "h1", "year": "2016"}
    response = client.post("/uppfoljning/rapporter/ny/", data)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/uppfoljning/rapporter/{report.pk}/"
    assert (report.period_start, report.period_end, report.unit) == (D(2016, 1, 1), D(2016, 6, 30), None)
    client.post("/uppfoljning/rapporter/ny/", data)  # double click
    assert ReportVersion.objects.count() == 1
    assert OutboxMessage.objects.filter(task_name="reporting.tasks.report_generate").count() == 1


@pytest.mark.django_db
def test_own_unit_scope_and_custom_period(client, manager, unit):
    client.force_login(manager)
    response = client.post(
        "/uppfoljning/rapporter/ny/",
        {"scope": f"unit-{unit.pk}", "kind": "custom", "start": "2017-01-01", "end": "2017-05-31"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.unit == unit and (report.period_start, report.period_end) == (D(2017, 1, 1), D(2017, 5, 31))


@pytest.mark.django_db
def test_bad_period_is_explained_in_swedish_and_nothing_is_saved(client, manager, unit, other_manager):
    client.force_login(manager)
    response = client.post(
        "/uppfoljning/rapporter/ny/",
        {"scope": f"provider-{unit.provider_id}", "kind": "custom", "start": "2017-05-31", "end": "2017-01-01"},
    )
    assert response.status_code == 400
    assert "Periodens slut kan inte vara före dess början." in response.content.decode()
    # a scope that is not the manager's own
    other_provider = other_manager.unit.provider_id
    response = client.post(
        "/uppfoljning/rapporter/ny/", {"scope": f"provider-{other_provider}", "kind": "year", "year": "2016"}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_progress_is_shown_while_busy_with_and_without_javascript(
    client, manager, draft, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(16):
        page = client.get(f"/uppfoljning/rapporter/{draft.report_id}/")
    html = page.content.decode()
    assert '<progress id="report-progress" max="100" value="0">' in html
    assert 'hx-trigger="every 2s"' in html  # htmx polls the status partial
    assert '<meta http-equiv="refresh" content="3">' in html  # without JS the page refreshes itself
    ReportVersion.objects.filter(pk=draft.pk).update(
        generation_status=GenerationStatus.RUNNING, progress=40, progress_step="Siffrorna är klara"
    )
    with django_assert_max_num_queries(10):
        status = client.get(f"/uppfoljning/rapporter/{draft.report_id}/status/", headers={"HX-Request": "true"})
    assert 'value="40"' in status.content.decode() and "Siffrorna är klara" in status.content.decode()
    assert "HX-Refresh" not in status


@pytest.mark.django_db
def test_a_failure_shows_the_reason_and_a_retry_button(client, manager, draft, media):
    ReportVersion.objects.filter(pk=draft.pk).update(
        generation_status=GenerationStatus.FAILED, failure_reason="Rapporten kunde inte skapas: OSError: disken är full"
    )
    client.force_login(manager)
    status = client.get(f"/uppfoljning/rapporter/{draft.report_id}/status/", headers={"HX-Request": "true"})
    html = status.content.decode()
    assert "disken är full" in html and "Försök igen" in html
    assert status["HX-Refresh"] == "true"
    response = client.post(f"/uppfoljning/rapporter/{draft.report_id}/skapa/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.generation_status == GenerationStatus.QUEUED and draft.failure_reason == ""


@pytest.mark.django_db
def test_commentary_finalise_and_the_finalised_version_is_read_only(client, manager, draft, media):
    client.force_login(manager)
    tasks.generate(draft.pk)
    response = client.post(
        f"/uppfoljning/rapporter/{draft.report_id}/kommentarer/",
        {
            "reference": "ON 2017/12",
            "summary": "Verksamheten uppfyller kraven.",
            "assessment": "Förläng.",
            "version": draft.version,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.generation_status == GenerationStatus.QUEUED  # regenerated with the commentary
    assert draft.commentary.get(section="summary").text == "Verksamheten uppfyller kraven."
    assert draft.report.reference == "ON 2017/12"
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    client.post(f"/uppfoljning/rapporter/{draft.report_id}/faststall/", {"confirm": "on", "version": draft.version})
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.FINALISED

    page = client.get(f"/uppfoljning/rapporter/{draft.report_id}/").content.decode()
    assert "Spara kommentarer" not in page and "Skapa ny version" in page
    response = client.post(
        f"/uppfoljning/rapporter/{draft.report_id}/kommentarer/", {"summary": "Ändrad i efterhand"}, follow=True
    )
    assert "Versionen är fastställd och kan inte ändras" in response.content.decode()
    assert draft.commentary.get(section="summary").text == "Verksamheten uppfyller kraven."


@pytest.mark.django_db
def test_files_are_served_only_through_the_permission_check(client, manager, outsider, other_manager, draft, media):
    client.force_login(manager)
    assert client.get(f"/uppfoljning/rapporter/{draft.report_id}/v1/pdf/").status_code == 404  # not generated yet
    tasks.generate(draft.pk)
    for kind, content_type in [("pdf", "application/pdf"), ("xlsx", "spreadsheetml"), ("csv", "text/csv")]:
        response = client.get(f"/uppfoljning/rapporter/{draft.report_id}/v1/{kind}/")
        assert response.status_code == 200 and content_type in response["Content-Type"]
        assert response["Cache-Control"] == "private, no-store"
    assert client.get(f"/uppfoljning/rapporter/{draft.report_id}/v1/exe/").status_code == 404
    assert client.get(f"/uppfoljning/rapporter/{draft.report_id}/v2/pdf/").status_code == 404
    for persona in (outsider, other_manager):
        client.force_login(persona)
        assert client.get(f"/uppfoljning/rapporter/{draft.report_id}/v1/pdf/").status_code == 404


@pytest.mark.django_db
def test_figures_for_any_period_on_screen_and_as_excel_and_csv(client, manager, unit, seed_2016, agreement):
    client.force_login(manager)
    query = f"scope=provider-{unit.provider_id}&kind=year&year=2016"
    page = client.get(f"/uppfoljning/siffror/?{query}").content.decode()
    assert "353" in page and "Skäggetorp" in page and "<svg" in page
    xlsx = client.get(f"/uppfoljning/siffror/?{query}&format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    csv = client.get(f"/uppfoljning/siffror/?{query}&format=csv")
    assert "Nya ärenden;2016-01-01 – 2016-12-31;353" in csv.content.decode("utf-8-sig")
    invalid = client.get(f"/uppfoljning/siffror/?scope=provider-{unit.provider_id}&kind=custom&start=&end=")
    assert "Ange första dagen i perioden." in invalid.content.decode()


# Agreements ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_manager_creates_an_agreement_with_volumes_in_the_browser(client, manager, unit):
    client.force_login(manager)
    data = {
        "scope": f"provider-{unit.provider_id}",
        "name": "Brottsförebyggande verksamhet",
        "reference": "ON 2018/7",
        "starts_on": "2019-01-01",
        "ends_on": "2020-12-31",
        "budget": "3854000",
        "notice_months": "12",
        "min_ungdomstjanst": "30",
        "max_ungdomstjanst": "40",
        "min_stod_brottsutsatta": "700",
        "max_stod_brottsutsatta": "700",
    }
    response = client.post("/uppfoljning/overenskommelser/ny/", data, follow=True)
    assert "Nämnden ska ta ställning senast 2019-12-31" in response.content.decode()
    agreement = Agreement.objects.get()
    assert agreement.volumes.count() == 2 and agreement.unit is None

    bad = client.post("/uppfoljning/overenskommelser/ny/", data | {"max_ungdomstjanst": "20"})
    assert bad.status_code == 400
    assert "Högsta volym får inte vara mindre än lägsta." in bad.content.decode()
    assert Agreement.objects.count() == 1


@pytest.mark.django_db
def test_manager_edits_and_records_the_decision(client, manager, agreement, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(16):
        page = client.get(f"/uppfoljning/overenskommelser/{agreement.pk}/")
    assert "2017-12-31" in page.content.decode()
    data = {
        "name": agreement.name,
        "reference": agreement.reference,
        "starts_on": "2014-01-01",
        "ends_on": "2018-12-31",
        "budget": "3854000",
        "notice_months": "12",
        "renewal_decided_on": "2017-11-20",
        "version": "1",
        "min_medling": "30",
        "max_medling": "30",
    }
    assert client.post(f"/uppfoljning/overenskommelser/{agreement.pk}/", data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.renewal_decided_on == D(2017, 11, 20) and agreement.volumes.count() == 1
    stale = client.post(f"/uppfoljning/overenskommelser/{agreement.pk}/", data)
    assert stale.status_code == 400 and "Någon annan har ändrat" in stale.content.decode()


@pytest.mark.django_db
def test_agreement_list_query_count(client, manager, agreement, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get("/uppfoljning/overenskommelser/")
    assert "Brottsförebyggande verksamhet" in response.content.decode()


@pytest.fixture
def agreement_due(unit):
    """An agreement ending in six months: past its decision date (12 months before the end)."""
    today = timezone.localdate()
    return Agreement.objects.create(
        provider=unit.provider,
        name="Uppdrag som snart löper ut",
        starts_on=today.replace(year=today.year - 2),
        ends_on=today + datetime.timedelta(days=180),
        budget=1_000_000,
    )


def _render_reminder(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load reporting_tags %}{% agreement_reminder %}").render(
        Context({"request": request, "perms": None})
    )


@pytest.mark.django_db
def test_the_reminder_appears_from_the_decision_date_until_decided(client, manager, handler, agreement_due):
    assert "Uppdrag som snart löper ut" in _render_reminder(manager)
    assert "Uppdrag som snart löper ut" not in _render_reminder(handler)  # not a manager
    client.force_login(manager)
    assert "Påminnelse" in client.get("/uppfoljning/").content.decode()
    assert "Uppdrag som snart löper ut" in client.get("/").content.decode()  # the manager's start page
    agreement_due.renewal_decided_on = timezone.localdate()
    agreement_due.save()
    assert "Uppdrag som snart löper ut" not in _render_reminder(manager)


@pytest.mark.django_db
def test_no_reminder_before_the_decision_date(manager, unit):
    today = timezone.localdate()
    Agreement.objects.create(
        provider=unit.provider,
        name="Långt uppdrag",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=800),
        budget=1,
    )
    assert "Långt uppdrag" not in _render_reminder(manager)
