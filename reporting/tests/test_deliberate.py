"""The report's commentary and "Fastställ" are deliberate (issues 25.5 and 19.11): two people editing the
draft's texts never overwrite each other, "Fastställ" asks first (without JavaScript), and saving commentary
keeps the figures the manager has reviewed."""

import datetime
import re

import pytest

from cases.models import Case
from core.models import Role
from reporting import services, tasks
from reporting.figures import Period
from reporting.models import GenerationStatus, ReportVersion, VersionStatus
from tests.factories import CaseFactory, PersonFactory, UserFactory

CONFLICT = "Någon annan har sparat ändringar i version av uppföljning medan du redigerade"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(manager, unit, media):
    draft = services.report_request(
        actor=manager, provider=unit.provider, unit=None, kind="year", period=Period.year(2016)
    )
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def second_manager(unit):
    return UserFactory(username="manager2", first_name="Greta", last_name="Chef", unit=unit, role=Role.MANAGER)


def _page_version(html: str) -> str:
    """The version the page's commentary form carries (a hidden field, as the browser posts it)."""
    form = html[html.index('id="commentary-heading"') :]
    match = re.search(r'name="version" value="(\d+)"', form)
    assert match is not None, "the commentary form carries its version"
    return match[1]


def _commentary(version: str, summary: str, reference: str = "") -> dict:
    return {"reference": reference, "summary": summary, "version": version}


@pytest.mark.django_db
def test_two_managers_editing_the_commentary_the_second_is_refused(client, manager, second_manager, draft):
    url = f"/uppfoljning/rapporter/{draft.report_id}/"
    # both open the draft
    client.force_login(manager)
    mine = _page_version(client.get(url).content.decode())
    other = type(client)()
    other.force_login(second_manager)
    theirs = _page_version(other.get(url).content.decode())

    # the first saves
    first = client.post(f"{url}kommentarer/", _commentary(mine, "Verksamheten uppfyller kraven.", "ON 1"))
    assert first.status_code == 302
    ReportVersion.objects.filter(pk=draft.pk).update(generation_status=GenerationStatus.DONE)  # files made

    # the second's save is refused with the conflict message, and what she typed is still on the page
    second = other.post(f"{url}kommentarer/", _commentary(theirs, "Volymerna är för låga.", "ON 2"))
    assert second.status_code == 409
    html = second.content.decode()
    assert CONFLICT in html and "Inget av det du skrev har sparats" in html
    assert "Sammanfattning är nu: Verksamheten uppfyller kraven." in html
    assert "Volymerna är för låga." in html  # her text is kept in the form
    assert draft.commentary.get(section="summary").text == "Verksamheten uppfyller kraven."
    draft.report.refresh_from_db()
    assert draft.report.reference == "ON 1"

    # reloaded, her save goes through
    fresh = _page_version(other.get(url).content.decode())
    assert other.post(f"{url}kommentarer/", _commentary(fresh, "Volymerna är för låga.")).status_code == 302
    assert draft.commentary.get(section="summary").text == "Volymerna är för låga."


@pytest.mark.django_db
def test_fastststall_asks_for_confirmation_on_a_page_of_its_own(client, manager, draft):
    url = f"/uppfoljning/rapporter/{draft.report_id}/faststall/"
    client.force_login(manager)
    detail = client.get(f"/uppfoljning/rapporter/{draft.report_id}/").content.decode()
    assert f'href="{url}"' in detail  # a link to the confirmation page, not a button that finalises

    page = client.get(url)
    assert page.status_code == 200 and "Jag har granskat siffrorna och kommentarerna" in page.content.decode()
    # a post without the confirmation finalises nothing
    unconfirmed = client.post(url, {"version": draft.version})
    assert unconfirmed.status_code == 400
    assert "Bekräfta att versionen ska fastställas." in unconfirmed.content.decode()
    draft.refresh_from_db()
    assert draft.finalise_requested_by is None and draft.generation_status == GenerationStatus.DONE

    # the texts changed after the confirmation page was opened: refused
    ReportVersion.objects.filter(pk=draft.pk).update(version=draft.version + 1)
    stale = client.post(url, {"version": draft.version, "confirm": "on"}, follow=True)
    assert CONFLICT in stale.content.decode()
    draft.refresh_from_db()
    assert draft.finalise_requested_by is None

    confirmed = client.post(url, {"version": draft.version, "confirm": "on"})
    assert confirmed.status_code == 302
    tasks.generate(draft.pk)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.FINALISED and draft.finalised_by == manager


def _new_cases(handler, count: int) -> None:
    for day in range(count):
        CaseFactory(
            handler=handler,
            person=PersonFactory(unit=handler.unit, birth_date=datetime.date(2000, 1, 1)),
            opened_on=datetime.date(2016, 3, 1) + datetime.timedelta(days=day),
        )


@pytest.mark.django_db
def test_saving_commentary_keeps_the_reviewed_figures_until_new_ones_are_asked_for(client, manager, handler, draft):
    _new_cases(handler, 12)
    reviewed = services.report_request(
        actor=manager, provider=draft.report.provider, unit=None, kind="year", period=Period.year(2016)
    )
    ReportVersion.objects.filter(pk=reviewed.pk).update(generation_status=GenerationStatus.NOT_STARTED)
    services.report_generation_queue(actor=manager, version=reviewed)
    tasks.generate(reviewed.pk)
    reviewed.refresh_from_db()
    figures = reviewed.figures
    # the data change after the manager has looked at the figures
    _new_cases(handler, 15)
    assert Case.objects.count() == 27

    client.force_login(manager)
    url = f"/uppfoljning/rapporter/{reviewed.report_id}/"
    version = _page_version(client.get(url).content.decode())
    assert "De ändras bara när du hämtar dem på nytt" in client.get(url).content.decode()
    client.post(f"{url}kommentarer/", _commentary(version, "Kommentar till siffrorna jag har sett."))
    tasks.generate(reviewed.pk)
    reviewed.refresh_from_db()
    assert reviewed.figures == figures  # the files are made again with the same figures

    # asked for, the figures are fetched anew
    client.post(f"{url}skapa/")
    tasks.generate(reviewed.pk)
    reviewed.refresh_from_db()
    assert reviewed.figures != figures
