"""The consent and utlämnande forms of the insats page and the plan page: each turns its posted form into the
consent service's call. The pages themselves (interventions.views) own the URLs, the permission check, the
re-render with errors and the redirect, through their form declarations; the layering (consent below
interventions) keeps the pages out of here, so the URLs stay as they were.
"""

from django.http import HttpRequest

from cases.models import Case
from consent.forms import ConsentRecordForm, ConsentRevokeForm, DisclosureForm, custodian_for_giver
from consent.models import Consent, ConsentRevocation, Disclosure
from consent.services import consent_record, consent_revoke, disclosure_record
from core.http import signed_in_user


def consent_record_posted(request: HttpRequest, case: Case, form: ConsentRecordForm) -> Consent:
    """A consent from the young person or one of the custodians (the form's `giver`) to the chosen actors."""
    data = form.cleaned_data
    return consent_record(
        actor=signed_in_user(request),
        person=case.person,
        custodian=custodian_for_giver(case, data["giver"]),
        actors=list(data["actors"]),
        given_on=data["given_on"],
        form=data["form"],
        valid_until=data["valid_until"],
        note=data["note"],
    )


def consent_revoke_posted(request: HttpRequest, case: Case, form: ConsentRevokeForm) -> ConsentRevocation:
    """Revoke a consent of the case's person, for the chosen actors or all of them."""
    return consent_revoke(actor=signed_in_user(request), **form.cleaned_data)


def disclosure_record_posted(request: HttpRequest, case: Case, form: DisclosureForm) -> Disclosure:
    """An utlämnande about the case's person, recorded on the case."""
    return disclosure_record(actor=signed_in_user(request), person=case.person, case=case, **form.cleaned_data)
