"""Återfall on SIG and avhopp cases: the service rules, the form on the insats page, and access."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import ClosureReason
from cases.services import case_close
from core.models import AccessLog, ChangeAction, ChangeLog
from interventions import services
from interventions.models import Reoffence

DAY = datetime.timedelta(days=1)


@pytest.mark.django_db
def test_reoffence_is_recorded_with_history(handler, make_case, today):
    case = make_case("sig")
    reoffence = services.reoffence_record(
        actor=handler,
        case=case,
        noted_on=today,
        offence_on=today - 3 * DAY,
        kind="polisanmalan",
        note="  Anmäld för stöld  ",
    )
    reoffence.refresh_from_db()
    assert (reoffence.case_id, reoffence.kind, reoffence.note) == (case.pk, "polisanmalan", "Anmäld för stöld")
    assert reoffence.recorded_by == handler and reoffence.get_kind_display() == "Polisanmälan"
    row = ChangeLog.objects.get(object_type="interventions.reoffence", object_id=str(reoffence.pk))
    assert row.action == ChangeAction.CREATE and row.case_id == case.pk and row.person_id == case.person_id
    assert row.changes["kind"] == [None, "polisanmalan"]


@pytest.mark.django_db
def test_avhopp_cases_record_reoffences_too_and_offence_date_is_optional(handler, make_case, today):
    case = make_case("avhopp")
    reoffence = services.reoffence_record(actor=handler, case=case, noted_on=today, kind="dom")
    assert reoffence.offence_on is None and reoffence.note == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("noted", "offence", "field", "message"),
    [
        (1, None, "noted_on", "Datumet kan inte ligga i framtiden."),
        (0, 1, "offence_on", "Datumet kan inte ligga i framtiden."),
        (-5, -2, "offence_on", "Brottsdatum kan inte vara efter datumet då återfallet blev känt."),
    ],
)
def test_dates_are_checked(handler, make_case, today, noted, offence, field, message):
    case = make_case("sig")
    with pytest.raises(ValidationError) as error:
        services.reoffence_record(
            actor=handler,
            case=case,
            noted_on=today + noted * DAY,
            offence_on=None if offence is None else today + offence * DAY,
            kind="misstankt_brott",
        )
    assert error.value.message_dict[field] == [message]
    assert not Reoffence.objects.exists() and not ChangeLog.objects.filter(object_type="interventions.reoffence")


@pytest.mark.django_db
def test_only_open_sig_and_avhopp_cases(handler, make_case, today):
    with pytest.raises(ValidationError, match="Återfall registreras bara för SIG och avhopp."):
        services.reoffence_record(actor=handler, case=make_case("medling"), noted_on=today, kind="dom")
    closed = make_case("sig")
    case_close(actor=handler, case=closed, closed_on=today, reason=ClosureReason.PLANNED)
    with pytest.raises(ValidationError, match="Ärendet är avslutat och kan inte ändras."):
        services.reoffence_record(actor=handler, case=closed, noted_on=today, kind="dom")
    assert not Reoffence.objects.exists()


@pytest.mark.django_db
def test_handler_records_reoffence_on_the_insats_page(client, handler, make_case, today):
    case = make_case("sig")
    client.force_login(handler)
    page = reverse("interventions:case", args=[case.pk])
    html = client.get(page).content.decode()
    assert 'id="aterfall-heading">Återfall</h2>' in html
    assert "Inget återfall är registrerat i ärendet." in html
    assert f'href="{page}?oppna=aterfall#form-aterfall"' in html  # the form, closed: opening it loads it
    opened = client.get(f"{page}?oppna=aterfall").content.decode()
    assert f'action="{reverse("interventions:case_action", args=[case.pk, "aterfall"])}"' in opened

    url = reverse("interventions:case_action", args=[case.pk, "aterfall"])
    response = client.post(
        url,
        {"noted_on": today.isoformat(), "offence_on": (today - 2 * DAY).isoformat(), "kind": "dom", "note": "Rån"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#aterfall")
    reoffence = Reoffence.objects.get(case=case)
    assert reoffence.kind == "dom" and reoffence.recorded_by == handler

    html = client.get(page).content.decode()
    assert "Återfallet är registrerat." in html
    assert "Registrerade återfall" in html and today.isoformat() in html and "Rån" in html


@pytest.mark.django_db
def test_page_form_shows_service_errors_on_the_field(client, handler, make_case, today):
    case = make_case("avhopp")
    client.force_login(handler)
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "aterfall"]),
        {"noted_on": (today - 5 * DAY).isoformat(), "offence_on": today.isoformat(), "kind": "annat"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Brottsdatum kan inte vara efter datumet då återfallet blev känt." in html
    assert 'href="#id_reoffence_offence_on"' in html
    assert not Reoffence.objects.exists()


@pytest.mark.django_db
def test_no_reoffence_section_or_action_for_other_insatser(client, handler, make_case, today):
    case = make_case("medling")
    client.force_login(handler)
    assert "aterfall-heading" not in client.get(reverse("interventions:case", args=[case.pk])).content.decode()
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "aterfall"]),
        {"noted_on": today.isoformat(), "kind": "dom"},
    )
    assert response.status_code == 404
    assert not Reoffence.objects.exists()


@pytest.mark.django_db
def test_outsider_gets_404_and_nothing_is_saved_or_logged(client, outsider, make_case, today):
    case = make_case("sig")
    client.force_login(outsider)
    assert client.get(reverse("interventions:case", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("interventions:case_action", args=[case.pk, "aterfall"]),
        {"noted_on": today.isoformat(), "kind": "dom"},
    )
    assert response.status_code == 404
    assert not Reoffence.objects.exists()
    assert not AccessLog.objects.filter(user=outsider).exists()
