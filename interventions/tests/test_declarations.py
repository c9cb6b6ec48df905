"""The form declarations of the insats page and the plan page: a bad declaration stops the import (it raises
when made or registered), and every form the pages offered before is declared once with its text."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from interventions import forms, todo
from interventions.views.declarations import (
    INSATS_FORMS,
    PLAN_FORMS,
    InsatsForm,
    PlanForm,
    Registry,
    fields_of,
)
from interventions.views.todo_links import TODO_LINKS


def _declare(**changes):
    values = {
        "name": "timmar-test",
        "title": _("Registrera utförda timmar"),
        "button": _("Registrera timmar"),
        "form": forms.SessionForm,
        "perm": "interventions.change_communityserviceorder",
        "run": lambda request, case, form: None,
        "message": _("Timmarna är registrerade."),
        "anchor": "ungdomstjanst",
        "insatser": ("ungdomstjanst",),
    }
    return InsatsForm(**{**values, **changes})


def test_a_correct_declaration_is_accepted():
    assert _declare().html_id == "form-timmar-test"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"perm": "interventions.change_communityserviceordr"}, "permission"),  # a typo in the codename
        ({"perm": "intervention.change_communityserviceorder"}, "permission"),  # a typo in the app
        ({"insatser": ("ungdomstjänst",)}, "unknown insats"),
        ({"name": "Timmar test"}, "not a slug"),
        ({"anchor": "#ungdomstjanst"}, "not a slug"),
        ({"form": dict}, "not a form class"),
        ({"title": ""}, "required"),
        ({"section": "annat"}, "section"),
    ],
)
def test_a_bad_declaration_fails_when_it_is_made(changes, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        _declare(**changes)


def test_a_plan_form_with_a_bad_permission_fails_when_it_is_made():
    with pytest.raises(ImproperlyConfigured, match="permission"):
        PlanForm(
            name="mal",
            title="Lägg till mål",
            button="Lägg till mål",
            form=forms.GoalForm,
            perm="interventions.change_plans",
            run=lambda request, plan, form: None,
            message="Målet är tillagt.",
            anchor="mal",
        )


def test_a_name_registered_twice_fails_at_registration():
    registry: Registry[InsatsForm] = Registry(page="test page")
    registry.register(_declare())
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        registry.register(_declare(title=_("Något annat")))


def test_initial_values_name_only_fields_the_form_has():
    with pytest.raises(ImproperlyConfigured, match="no fields"):
        fields_of("mediation", forms.ChecksForm, recorded="checks_recorded_on")


def test_the_pages_declare_every_form_once_in_page_order():
    assert [d.name for d in INSATS_FORMS] == [
        "ungdomstjanst",
        "arbetsplats",
        "timmar",
        "ungdomstjanst-avslut",
        "ungdomstjanst-bedomning",
        "rapport-ungdomstjanst",
        "medling",
        "part",
        "kontroller",
        "medling-start",
        "samrad",
        "medlingsmote",
        "medling-avslut",
        "rapport-medling",
        "stod",
        "skk",
        "hotbild",
        "kopt-insats",
        "aterfall",
        "plan",
        "samtycke",
        "aterkalla",
        "utlamnande",
    ]
    assert [d.name for d in PLAN_FORMS] == [
        "andra",
        "skriv",
        "aktor",
        "mal",
        "aktivitet",
        "aktivitet-klar",
        "godkannande",
        "tranare",
        "uppfoljning-planera",
        "uppfoljning",
        "revidera",
        "samtycke",
        "aterkalla",
    ]


def test_every_kind_of_to_do_item_has_a_link():
    assert set(TODO_LINKS) == set(todo.KINDS)
