"""What the insats page offers follows the insats's state (issue 19 point 12): a finished ungdomstjänst offers
no more forms but its report (and the report's assessment); the avhopp routing suggestion offers the step it
suggests."""

import datetime

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
