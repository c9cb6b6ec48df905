"""Form bases shared by the insatser: duplicate confirmation, corrections and removals of recorded rows, and
the version an edit form carries."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.forms import BaseForm


class DuplicateConfirmForm(BaseForm):
    """A registration that may look like a copy of a row already recorded: the service refuses an exact copy
    unless confirmed. The box stays hidden until the service has raised that question."""

    confirm_duplicate = forms.BooleanField(
        label=_("Ja, det är en egen registrering (inte en dubblett)"), required=False, widget=forms.HiddenInput
    )

    def add_error(self, field, error):
        if field == "confirm_duplicate" or (isinstance(error, dict) and "confirm_duplicate" in error):
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
        super().add_error(field, error)


class CorrectionForm(BaseForm):
    """Why a recorded row is corrected; last on the form."""

    change_reason = forms.CharField(
        label=_("Varför rättas uppgifterna"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("Skriv varför uppgifterna rättas.")},
        help_text=_("Sparas i ändringshistoriken tillsammans med de tidigare värdena."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"] = self.fields.pop("change_reason")


class RemoveForm(BaseForm):
    change_reason = forms.CharField(
        label=_("Varför tas raden bort"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": _("Skriv varför raden tas bort.")},
        help_text=_("Raden försvinner ur listor och summor; ändringshistoriken behåller den och skälet."),
    )


class VersionedForm(BaseForm):
    """A form that edits a record carries the version the user saw (optimistic locking, core.concurrency): the
    service refuses it with the Swedish conflict message when someone saved in between. Empty while there is
    no record yet (the form creates it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def service_data(self) -> dict:
        """The cleaned fields as the service takes them: the version the user saw as expected_version."""
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data
