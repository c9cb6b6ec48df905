"""No silent overwrites (optimistic locking, core.concurrency): the ungdomstjänst details form and the plan page's
edit forms carry the version the user saw. Two people open the same form; the first saves; the second is
refused with the Swedish conflict message and nothing of theirs is saved."""

import pytest
from django.urls import reverse

from interventions import services
from interventions.models import CommunityServiceOrder, Plan, PlanVersion

CONFLICT = "Någon annan har sparat ändringar"


def _form_data(response, context_key: str, name: str) -> dict:
    """The values a user would post from the page's form `name` as shown (the hidden version included)."""
    page_form = next(f for f in response.context[context_key] if f.name == name)
    form = page_form.form
    return {field: form[field].value() for field in form.fields if form[field].value() is not None}


@pytest.fixture
def order(make_case, handler, today):
    case = make_case("ungdomstjanst")
    return services.community_service_set(
        actor=handler, case=case, ordered_hours=30, judgment_on=today, issued_by="Linköpings TR", report_to="Åkl"
    )


@pytest.mark.django_db
def test_a_concurrent_edit_of_the_community_service_order_is_refused(client, handler, colleague, order):
    page = reverse("interventions:case", args=[order.case_id])
    action = reverse("interventions:case_action", args=[order.case_id, "ungdomstjanst"])
    # given both open the insats page and its details form (version 1)
    client.force_login(handler)
    mine = _form_data(client.get(page), "insats_forms", "ungdomstjanst")
    client.force_login(colleague)
    theirs = _form_data(client.get(page), "insats_forms", "ungdomstjanst")
    assert mine["version"] == theirs["version"] == 1
    # when the colleague saves first, then the handler saves what she started from
    assert client.post(action, {**theirs, "ordered_hours": 40, "supervisor_name": "Kim"}).status_code == 302
    client.force_login(handler)
    response = client.post(action, {**mine, "ordered_hours": 25})
    # then the handler is told, with the saved values, and the colleague's values stand
    assert response.status_code == 400
    text = response.content.decode()
    assert CONFLICT in text and "Utdömda timmar är nu: 40" in text
    order = CommunityServiceOrder.objects.get(pk=order.pk)
    assert (order.ordered_hours, order.supervisor_name, order.version) == (40, "Kim", 2)


@pytest.mark.django_db
def test_a_form_shown_before_the_order_existed_does_not_overwrite_it(client, handler, colleague, make_case, today):
    case = make_case("ungdomstjanst")
    action = reverse("interventions:case_action", args=[case.pk, "ungdomstjanst"])
    client.force_login(handler)
    blank = _form_data(client.get(reverse("interventions:case", args=[case.pk])), "insats_forms", "ungdomstjanst")
    assert "version" not in blank  # no order yet
    details = {"judgment_on": today.isoformat(), "issued_by": "TR", "report_to": "Åkl"}
    client.force_login(colleague)
    assert client.post(action, {**blank, **details, "ordered_hours": 40}).status_code == 302
    client.force_login(handler)
    response = client.post(action, {**blank, **details, "ordered_hours": 20})
    assert response.status_code == 400 and CONFLICT in response.content.decode()
    assert CommunityServiceOrder.objects.get(case=case).ordered_hours == 40


@pytest.fixture
def plan(make_case, handler, coordinator):
    return services.plan_create(
        actor=handler, case=make_case("sig"), coordinator=coordinator, overall_goal="Inga nya brott"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "mine", "theirs"),
    [
        ("andra", {"overall_goal": "Skolan varje dag"}, {"overall_goal": "Ett arbete"}),
        ("tranare", {"name": "Tina Tränare"}, {"name": "Kim Tränare", "phone": "070-1"}),
    ],
)
def test_a_concurrent_edit_of_the_plan_is_refused(client, handler, colleague, plan, name, mine, theirs):
    page = reverse("interventions:plan", args=[plan.pk])
    action = reverse("interventions:plan_action", args=[plan.pk, name])
    base = {"follow_up_method": "Möte varje månad"} if name == "andra" else {}
    client.force_login(handler)
    my_form = _form_data(client.get(page), "forms", name)
    client.force_login(colleague)
    their_form = _form_data(client.get(page), "forms", name)
    assert my_form["version"] == their_form["version"] == 1
    assert client.post(action, {**their_form, **base, **theirs}).status_code == 302
    client.force_login(handler)
    response = client.post(action, {**my_form, **base, **mine})
    assert response.status_code == 400 and CONFLICT in response.content.decode()
    plan = Plan.objects.get(pk=plan.pk)
    current = PlanVersion.objects.get(plan=plan, superseded_at__isnull=True)
    assert plan.version == 2
    if name == "andra":
        assert current.overall_goal == "Ett arbete"
    else:
        assert (plan.trainer_name, plan.trainer_phone) == ("Kim Tränare", "070-1")
        assert "Personlig tränare är nu: Kim Tränare" in response.content.decode()
