"""What the insats page offers follows the insats's state (issue 19 point 12): a finished ungdomstjänst offers
no more forms but its report (and the report's assessment); the avhopp routing suggestion offers the step it
suggests."""

import datetime
import re

import pytest
from django.urls import reverse

from interventions import services
from interventions.models import CommunityServiceStatus, ThreatLevel

pytestmark = pytest.mark.django_db


def _offered(client, case) -> list[str]:
    page = client.get(reverse("interventions:case", args=[case.pk]))
    return [f.name for section in ("insats_forms", "common_forms") for f in page.context[section]]


def test_a_finished_community_service_offers_no_more_forms(client, handler, make_case, today):
    case = make_case("ungdomstjanst", opened_on=today - datetime.timedelta(days=30))
    order = services.community_service_set(
        actor=handler, case=case, ordered_hours=20, judgment_on=today, issued_by="TR", report_to="Åkl"
    )
    client.force_login(handler)
    ongoing = _offered(client, case)
    assert {"ungdomstjanst", "arbetsplats", "timmar", "ungdomstjanst-avslut"} <= set(ongoing)
    services.community_service_end(
        actor=handler, order=order, status=CommunityServiceStatus.INTERRUPTED, ended_on=today, note="Slutade komma"
    )
    finished = _offered(client, case)
    assert not {"ungdomstjanst", "arbetsplats", "timmar", "ungdomstjanst-avslut"} & set(finished)
    # the report, and the assessment it prints, follow the end
    assert {"ungdomstjanst-bedomning", "rapport-ungdomstjanst", "samtycke"} <= set(finished)


@pytest.mark.parametrize(
    ("threat", "motivated", "offers", "not_offers"),
    [
        # Fenix: the handläggare records the utlämnande (the enhetschef also gets the change of handläggare)
        (ThreatLevel.CONCRETE, True, ["?oppna=utlamnande#form-utlamnande"], ["nytt-arende/"]),
        (ThreatLevel.NONE, True, ["nytt-arende/", "?oppna=samtycke#form-samtycke"], ["handlaggare/"]),
    ],
)
def test_the_avhopp_routing_suggestion_offers_the_step_it_suggests(
    client, handler, make_case, today, threat, motivated, offers, not_offers
):
    case = make_case("avhopp")  # 17 years old
    services.defector_assess(actor=handler, case=case, assessed_on=today, threat_level=threat, motivated=motivated)
    client.force_login(handler)
    html = client.get(reverse("interventions:case", args=[case.pk])).content.decode()
    actions = html[html.index('class="routing-actions"') :].split("</ul>")[0]
    assert all(link in actions for link in offers), actions
    assert not any(link in actions for link in not_offers), actions


@pytest.mark.parametrize(
    ("threat", "user", "steps"),
    [
        # Fenix: the enhetschef transfers the case to a new handläggare and records the utlämnande
        (ThreatLevel.CONCRETE, "manager", ["handlaggare/", "?oppna=utlamnande#form-utlamnande"]),
        # SIG: the handläggare opens a SIG case and records the consent to share in SIG
        (ThreatLevel.NONE, "handler", ["nytt-arende/", "?oppna=samtycke#form-samtycke"]),
    ],
)
def test_each_step_the_avhopp_routing_suggests_opens_where_it_is_done(
    request, client, handler, make_case, today, threat, user, steps
):
    # given an avhopp case whose assessment suggests Fenix or SIG
    case = make_case("avhopp")
    services.defector_assess(actor=handler, case=case, assessed_on=today, threat_level=threat, motivated=True)
    client.force_login(request.getfixturevalue(user))
    html = client.get(reverse("interventions:case", args=[case.pk])).content.decode()
    actions = html[html.index('class="routing-actions"') :].split("</ul>")[0]
    links = re.findall(r'href="([^"]+)"', actions)
    assert len(links) == len(steps) and all(any(step in link for link in links) for step in steps), links

    # when the user follows each suggested step, then it opens, a form on the insats page opened
    for link in links:
        page = client.get(link.replace("&amp;", "&"))
        assert page.status_code == 200, link
        path, _hash, fragment = link.partition("#")
        if fragment:
            opened = " ".join(page.content.decode().split())
            assert f'<details class="action-form" id="{fragment}" open>' in opened, link


def test_a_finished_community_service_refuses_more_hours(client, handler, make_case, today):
    case = make_case("ungdomstjanst", opened_on=today - datetime.timedelta(days=30))
    order = services.community_service_set(
        actor=handler, case=case, ordered_hours=20, judgment_on=today, issued_by="TR", report_to="Åkl"
    )
    place = services.community_service_workplace_add(actor=handler, order=order, name="Kyrkan")
    services.community_service_end(
        actor=handler, order=order, status=CommunityServiceStatus.INTERRUPTED, ended_on=today, note="Slutade komma"
    )
    client.force_login(handler)
    # a form still open in another tab is posted after the end: refused with the reason, nothing recorded
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "timmar"]),
        {"workplace": place.pk, "performed_on": today.isoformat(), "hours": "2"},
    )
    assert response.status_code == 400
    assert "Ungdomstjänsten är avslutad och kan inte ändras." in response.content.decode()
    assert not order.sessions.exists()


def test_a_closed_form_is_loaded_from_its_place_when_opened(client, handler, make_case, today):
    """The page carries each closed form's title and a link to its place (the page with it opened, which htmx
    loads into the closed form when opened): the form itself, its fields and its choices are not on the page until
    then, and the place shows it opened, as the direct child htmx picks out, posting to its own action."""
    case = make_case("ungdomstjanst", opened_on=today - datetime.timedelta(days=30))
    services.community_service_set(
        actor=handler, case=case, ordered_hours=20, judgment_on=today, issued_by="TR", report_to="Åkl"
    )
    client.force_login(handler)
    page_url = reverse("interventions:case", args=[case.pk])
    page = client.get(page_url)
    html = " ".join(page.content.decode().split())
    names = [f.name for section in ("insats_forms", "common_forms") for f in page.context[section]]
    assert {"ungdomstjanst", "timmar", "samtycke", "utlamnande"} <= set(names)
    assert 'method="post" action="/insatser/arende/' not in html and 'name="legal_basis"' not in html
    for name in names:
        place = f"{page_url}?oppna={name}"
        closed = (
            f'<details class="action-form" id="form-{name}" hx-get="{place}" hx-trigger="toggle once" '
            f'hx-select="#form-{name} > form" hx-target="find .action-form__wait" hx-swap="outerHTML">'
        )
        assert closed in html
        assert f'<a href="{place}#form-{name}">Öppna formuläret</a>' in html
        opened = " ".join(client.get(place).content.decode().split())
        action = reverse("interventions:case_action", args=[case.pk, name])
        shown = re.search(
            rf'<details class="action-form" id="form-{name}" open> <summary>[^<]+</summary> '
            rf'<form method="post" action="{action}"',
            opened,
        )
        assert shown, name
        assert opened.count('method="post" action="/insatser/arende/') == 1  # only that one
