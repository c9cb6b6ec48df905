"""The insats factories make records the product itself would accept: every field and constraint validates, and
a factory plan has the one current version plan_create leaves, so the pages read it as a plan."""

import pytest

from interventions import selectors
from interventions.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factories.factory.django.DjangoModelFactory)
    and value.__module__ == factories.__name__
    and value is not factories.InsatsCaseFactory
]


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_makes_a_record_that_validates(factory_class):
    record = factory_class()
    record.full_clean()


def test_a_factory_plan_has_one_current_version_the_plan_page_reads():
    plan = factories.PlanFactory()
    goal = factories.GoalFactory(version=plan.versions.get())
    state = selectors.plan_detail(plan=plan)
    assert state.version.number == 1
    assert list(state.version.goals.all()) == [goal]
