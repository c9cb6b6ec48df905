from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    """One field for the six-digit code from the app or a recovery code."""

    token = forms.CharField(
        label=_("Engångskod eller reservkod"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text=_("Sex siffror från autentiseringsappen, eller en av dina reservkoder."),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return token.replace(" ", "").strip()


class EnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Kod från appen"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("Skriv de sex siffror som appen visar just nu."),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return token.replace(" ", "").strip()
