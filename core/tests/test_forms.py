"""apply_service_errors: the one place a service's ValidationError is put onto a form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import apply_service_errors


class _Form(forms.Form):
    name = forms.CharField()
    starts_on = forms.DateField(required=False)


def _valid_form() -> _Form:
    form = _Form(data={"name": "Elsa"})
    assert form.is_valid()
    return form


def test_a_keyed_error_lands_on_its_field_and_an_unknown_key_on_top():
    form = _valid_form()

    apply_service_errors(
        form,
        ValidationError({"starts_on": "Startdatum saknas.", "insats_type": "Insatsen passar inte åldern."}),
    )

    assert form.errors["starts_on"] == ["Startdatum saknas."]
    assert form.errors[NON_FIELD_ERRORS] == ["Insatsen passar inte åldern."]
    assert "insats_type" not in form.errors
    assert not form.is_valid()


def test_an_unkeyed_error_lands_on_top_with_every_message():
    form = _valid_form()

    apply_service_errors(form, ValidationError(["Ärendet är avslutat.", "Kontrollera uppgifterna."]))

    assert form.non_field_errors() == ["Ärendet är avslutat.", "Kontrollera uppgifterna."]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_an_error_on_a_field_removes_it_from_cleaned_data():
    form = _valid_form()

    apply_service_errors(form, ValidationError({"name": "Ange namnet."}))

    assert "name" not in form.cleaned_data
    assert form.errors["name"] == ["Ange namnet."]
