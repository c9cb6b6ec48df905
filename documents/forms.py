from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentKind


class DocumentAddForm(forms.Form):
    """A received document: its kind, date, sender, description and the file (checked by documents.services)."""

    kind = forms.ModelChoiceField(label=_("Typ av handling"), queryset=DocumentKind.objects.none())
    document_date = forms.DateField(
        label=_("Datum"),
        help_text=_("Handlingens datum, t.ex. domens datum eller när brevet kom in."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_from = forms.CharField(label=_("Inkommen från"), max_length=200, required=False)
    description = forms.CharField(label=_("Beskrivning"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, JPEG, PNG, Word (docx), Excel (xlsx), OpenDocument-text (odt) eller vanlig text."),
        max_length=200,
        allow_empty_file=True,  # the service refuses an empty file with its own message, like every other check
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["document_date"].initial = timezone.localdate

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "document_date": data["document_date"],
            "received_from": data["received_from"],
            "description": data["description"],
            "upload": data["file"],
        }
