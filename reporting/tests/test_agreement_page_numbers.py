"""The agreement page shows its budget the Swedish way, "3 854 000 kr", not "3854000 kr" (issue 19.5)."""

import pytest
from django.urls import reverse

NB = "\u00a0"


@pytest.mark.django_db
def test_the_agreement_page_shows_the_budget_as_3_854_000_kr(client, manager, agreement):
    client.force_login(manager)

    html = client.get(reverse("reporting:agreement_list")).content.decode()

    assert f"<dd>3{NB}854{NB}000{NB}kr</dd>" in html and "3854000" not in html
