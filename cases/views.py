"""HTML views for case work (socialsekreterare): parse input, call one selector and/or service, render.

Every view declares its access policy; personal data is read only through cases.selectors, which
apply permissions (404 for anything not visible) and write the access-log rows. Service errors
(ValidationError keyed by field, Swedish) are attached to the form fields in one place: core.forms.apply_service_errors.
A form page goes the same way each time: shown (200), posted and saved by its service (a message and a redirect),
or posted and refused (the form again with its errors, 400): _save and _form_page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import forms, rules, selectors, services
from cases.case_page import TimelineEvent, case_page_parts
from cases.models import Case, JournalEntry, Person
from core.forms import apply_service_errors
from core.http import AuthenticatedRequest
from core.policy import access_policy

_T = TypeVar("_T", bound=Model)  # what a write service returns: the row it wrote


def _save(form: BaseForm, service: Callable[..., _T], /, **kwargs: Any) -> _T | None:
    """Call a service with a valid form's input; a ValidationError it raises lands on the form's fields
    (core.forms.apply_service_errors). Returns what the service returned, or None when it refused."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


def _form_page(request: AuthenticatedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page with a form: 200 when shown, 400 when a posted form comes back with its errors."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


# --- Search (Mina ärenden is interventions.views.home: it also lists plans, medlingar and consents) ----


@access_policy("authenticated")
@login_required
def person_search(request: AuthenticatedRequest) -> HttpResponse:
    """Search by name, personnummer (any common form) or case number; hits are permission-scoped and logged.

    The search is a POST: what was typed (a personnummer, a name) never lands in the address, the browser's
    history or a server's request log. A query string is ignored rather than searched."""
    form = forms.PersonSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = selectors.search(user=request.user, query=form.cleaned_data["q"], request=request)
    return render(request, "cases/search.html", {"form": form, "results": results, "limit": selectors.SEARCH_LIMIT})


# --- People --------------------------------------------------------------------------------------


@access_policy("authenticated")
@login_required
def person_register(request: AuthenticatedRequest) -> HttpResponse:
    """Register a young person with custodians. A number already registered links to that person only
    when the user may see them; otherwise the message gives no hint that the person exists."""
    if not request.user.has_perm("cases.add_person"):
        raise Http404
    form = forms.PersonRegisterForm(request.POST or None, unit_id=request.user.unit_id)
    custodians = forms.CustodianFormSet(request.POST or None, prefix="vh")
    existing = None
    if form.is_valid() & custodians.is_valid():
        rows = [_custodian_data(row) for row in custodians.cleaned_data if row.get("name")]
        try:
            person = services.person_register(actor=request.user, **form.service_fields(), custodians=rows)
        except services.DuplicatePersonError as error:
            # linked only when the user may see who it is (a link to a masked person confirms the number)
            existing = selectors.person_find_identified(user=request.user, person_id=error.existing_id)
            # the import answers the same way for such a row (cases.rules)
            form.add_error("id_number", str(rules.existing_person_message(visible=existing is not None)))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ungdomen är registrerad."))
            return redirect("person_detail", person_id=person.pk)
    context = {"form": form, "custodians": custodians, "existing": existing}
    return _form_page(request, "cases/person_form.html", context)


@access_policy("person")
@login_required
def person_detail(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Person page: identity (masked where protected), custodians, visible cases and consent."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, request=request)
    cases = list(selectors.case_list_for_person(user=request.user, person=person))
    today = timezone.localdate()
    custodians = list(person.custodians.all())  # prefetched by the selector
    user = request.user
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "age": person.age_on(today),
            "current_custodians": [c for c in custodians if c.is_current(today)],
            "former_custodians": [c for c in custodians if not c.is_current(today)],
            "can_edit_person": user.has_perm("cases.change_person"),
            # a protected person's custodians are as hidden as the person (cases.services)
            "can_edit_custodians": person.shows_identity and user.has_perm("cases.change_custodian"),
            "can_add_custodian": person.shows_identity and user.has_perm("cases.add_custodian"),
            "cases": cases,
            "can_open_case": request.user.has_perm("cases.add_case"),
        },
    )


@access_policy("person")
@login_required
def person_identity_request(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Ask to be named for a protected person's identity; the enhetschef of the person's unit decides."""
    person = selectors.person_get_for_user(
        user=request.user, person_id=person_id, request=request, what="identity_request"
    )
    if not person.is_protected or person.shows_identity:
        raise Http404
    form = forms.IdentityRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and _save(
        form, services.identity_access_request, actor=request.user, person=person, reason=form.cleaned_data["reason"]
    ):
        messages.success(request, _("Din begäran är skickad till enhetschefen."))
        return redirect("person_detail", person_id=person.pk)
    pending = selectors.identity_request_pending(user=request.user, person=person)
    return _form_page(request, "cases/identity_request.html", {"person": person, "form": form, "pending": pending})


def _person_for_change(request: AuthenticatedRequest, person_id: UUID, what: str) -> Person:
    """A visible person for an edit page (404 otherwise), logged as seen on that page."""
    return selectors.person_get_for_user(user=request.user, person_id=person_id, request=request, what=what)


@access_policy("person")
@login_required
def person_edit(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Change a person's details. A protected identity the user may not see is neither shown nor offered."""
    if not request.user.has_perm("cases.change_person"):
        raise Http404
    person = _person_for_change(request, person_id, "person_edit")
    form = forms.PersonEditForm(
        request.POST if request.method == "POST" else None,
        identity=person.shows_identity,
        unit_id=person.unit_id,
        initial=forms.PersonEditForm.initial_from(person),
    )
    if form.is_valid() and _save(
        form, services.person_update, actor=request.user, person=person, **form.service_fields()
    ):
        messages.success(request, _("Uppgifterna är sparade."))
        return redirect("person_detail", person_id=person.pk)
    return _form_page(request, "cases/person_edit.html", {"person": person, "form": form})


def _custodian_data(data: dict[str, Any]) -> services.CustodianData:
    return services.CustodianData(**{key: data[key] for key in ("name", "id_number", "relation", "phone", "email")})


def _person_for_custodians(
    request: AuthenticatedRequest, person_id: UUID, what: str, permission: str = "cases.change_custodian"
) -> Person:
    """A visible person whose custodians the user may add or change, logged as seen on that page; 404 without
    the permission (checked before anything is read) or when the person's identity is hidden from the user:
    a protected person's custodians are as hidden as the person."""
    if not request.user.has_perm(permission):
        raise Http404
    person = _person_for_change(request, person_id, what)
    if not person.shows_identity:
        raise Http404
    return person


@access_policy("person")
@login_required
def custodian_add(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Add a vårdnadshavare after registration (e.g. a changed guardianship)."""
    person = _person_for_custodians(request, person_id, "custodian_add", "cases.add_custodian")
    form = forms.CustodianEditForm(request.POST if request.method == "POST" else None, adding=True)
    if form.is_valid() and _save(
        form,
        services.custodian_add,
        actor=request.user,
        person=person,
        data=_custodian_data(form.cleaned_data),
        valid_from=form.cleaned_data["valid_from"],
    ):
        messages.success(request, _("Vårdnadshavaren är tillagd."))
        return redirect("person_detail", person_id=person.pk)
    return _form_page(request, "cases/custodian_form.html", {"person": person, "form": form, "custodian": None})


@access_policy("person")
@login_required
def custodian_edit(request: AuthenticatedRequest, person_id: UUID, custodian_id: int) -> HttpResponse:
    """Change a custodian's details (phone, address of contact...); the old values stay in the history."""
    person = _person_for_custodians(request, person_id, "custodian_edit")
    custodian = selectors.custodian_get(person=person, custodian_id=custodian_id)
    initial = {key: getattr(custodian, key) for key in ("name", "id_number", "relation", "phone", "email", "version")}
    form = forms.CustodianEditForm(request.POST if request.method == "POST" else None, adding=False, initial=initial)
    if form.is_valid() and _save(
        form,
        services.custodian_update,
        actor=request.user,
        person=person,
        custodian=custodian,
        data=_custodian_data(form.cleaned_data),
        expected_version=form.cleaned_data["version"],
    ):
        messages.success(request, _("Vårdnadshavarens uppgifter är sparade."))
        return redirect("person_detail", person_id=person.pk)
    context = {"person": person, "form": form, "custodian": custodian}
    return _form_page(request, "cases/custodian_form.html", context)


@access_policy("person")
@login_required
def custodian_end(request: AuthenticatedRequest, person_id: UUID, custodian_id: int) -> HttpResponse:
    """End a guardianship on a given day; the custodian stays in the record as a former one."""
    person = _person_for_custodians(request, person_id, "custodian_end")
    custodian = selectors.custodian_get(person=person, custodian_id=custodian_id)
    form = forms.CustodianEndForm(
        request.POST if request.method == "POST" else None, initial={"version": custodian.version}
    )
    if form.is_valid() and _save(
        form,
        services.custodian_end,
        actor=request.user,
        person=person,
        custodian=custodian,
        valid_to=form.cleaned_data["valid_to"],
        expected_version=form.cleaned_data["version"],
    ):
        messages.success(request, _("Vårdnaden är avslutad för %(name)s.") % {"name": custodian.name})
        return redirect("person_detail", person_id=person.pk)
    context = {"person": person, "form": form, "custodian": custodian}
    return _form_page(request, "cases/custodian_end.html", context)


# --- Cases ---------------------------------------------------------------------------------------


@access_policy("person")
@login_required
def case_open(request: AuthenticatedRequest, person_id: UUID) -> HttpResponse:
    """Aktualisering: open a case for a visible person; every message in Swedish next to its field."""
    if not request.user.has_perm("cases.add_case"):
        raise Http404
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, request=request, what="case_open")
    form = forms.CaseOpenForm(request.POST or None, user=request.user)
    # the form's fields are case_open's
    case = form.is_valid() and _save(form, services.case_open, actor=request.user, person=person, **form.cleaned_data)
    if not case:
        return _form_page(request, "cases/case_open.html", {"person": person, "form": form})
    messages.success(request, _("Ärende %(number)s är öppnat.") % {"number": case.number})
    if not selectors.case_is_visible(user=request.user, case_id=case.pk):
        # opened in another unit of the same provider: the case page is theirs, not this user's
        messages.info(request, _("Ärendet handläggs av %(unit)s.") % {"unit": case.unit.name})
        return redirect("person_detail", person_id=person.pk)
    return redirect("case_detail", case_id=case.pk)


@dataclass
class TimelineItem:
    on: object
    entry: object = None
    text: str = ""


def _timeline(case: Case, entries: list[JournalEntry], events: list[TimelineEvent]) -> list[TimelineItem]:
    """Journal entries, the case's own events (opened, closed) and the events the apps above add (consents
    given/revoked, insats hours and meetings, utlämnanden: cases.case_page), newest first."""
    items = [TimelineItem(on=entry.occurred_on, entry=entry) for entry in entries]
    items.append(TimelineItem(on=case.opened_on, text=_("Ärendet aktualiserades.")))
    if case.closed_on:
        items.append(
            TimelineItem(
                on=case.closed_on,
                text=_("Ärendet avslutades: %(reason)s.") % {"reason": case.get_closure_reason_display()},
            )
        )
    items.extend(TimelineItem(on=event.on, text=event.text) for event in events)
    # newest first; on the same day journal entries come before events (events are day-level facts)
    items.sort(key=lambda item: (item.on, item.entry is not None), reverse=True)
    return items


def _case_page(
    request: AuthenticatedRequest,
    case: Case,
    *,
    entry_form: forms.JournalEntryForm | None = None,
    follow_up_form: forms.FollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    entries = selectors.case_timeline_entries(case)
    parts = case_page_parts(case=case, user=user, entries=entries)
    can_write = case.is_open and user.has_perm("cases.add_journalentry")
    today = timezone.localdate()
    context = {
        **parts.context,  # e.g. consent_summary (consent), insats_panel (interventions)
        "case": case,
        "person": case.person,
        "age": case.person.age_on(today),
        "follow_up_passed": case.is_open and case.next_follow_up_on is not None and case.next_follow_up_on < today,
        "timeline": _timeline(case, entries, parts.events),
        "case_page_templates": parts.templates,
        "journal_entries": entries,
        "can_write": can_write,
        "can_close": case.is_open and user.has_perm("cases.change_case"),
        "can_reassign": case.is_open and user.has_perm("cases.reassign_case"),
        "entry_form": entry_form or (forms.JournalEntryForm() if can_write else None),
        "follow_up_form": follow_up_form
        or forms.FollowUpForm(initial={"version": case.version, "next_follow_up_on": case.next_follow_up_on}),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@access_policy("case")
@login_required
def case_detail(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Case page: person summary, facts, consent, interventions, timeline and the actions allowed."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request)
    return _case_page(request, case)


def _case_for_change(request: AuthenticatedRequest, case_id: UUID) -> Case:
    """A visible case for a write: not logged as a view (the page shown afterwards is)."""
    return selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, log=False)


def _closed(request: AuthenticatedRequest, case: Case) -> HttpResponse:
    """Back to a closed case, with the reason nothing on it can be changed."""
    messages.error(request, services.CASE_CLOSED)
    return redirect("case_detail", case_id=case.pk)


def _to_entry(case: Case, entry: JournalEntry) -> HttpResponseRedirect:
    return redirect(reverse("case_detail", kwargs={"case_id": case.pk}) + f"#anteckning-{entry.pk}")


def _refused(request: AuthenticatedRequest, error: ValidationError, *, case: Case, entry: JournalEntry) -> HttpResponse:
    """Back to the entry with the reason its page is not offered (services.journal_entry_check); that it is
    signed already is news to the signer, not an error."""
    level = messages.INFO if error.code == "already_signed" else messages.ERROR
    messages.add_message(request, level, " ".join(error.messages))
    return _to_entry(case, entry)


@access_policy("case")
@login_required
@require_POST
def entry_create(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Write a journal entry; "Spara och signera" signs it at once."""
    if not request.user.has_perm("cases.add_journalentry"):
        raise Http404
    case = _case_for_change(request, case_id)
    if not case.is_open:
        return _closed(request, case)
    sign = "signera" in request.POST
    form = forms.JournalEntryForm(request.POST, sign=sign)
    entry = form.is_valid() and _save(
        form, services.journal_entry_create, actor=request.user, case=case, sign=sign, **form.entry_fields()
    )
    if entry:
        messages.success(request, _("Anteckningen är signerad.") if sign else _("Anteckningen är sparad som utkast."))
        return _to_entry(case, entry)
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request)
    return _case_page(request, case, entry_form=form, status=400)


@access_policy("case")
@login_required
def entry_sign(request: AuthenticatedRequest, case_id: UUID, entry_id: int) -> HttpResponse:
    """Sign one's own draft after confirming it on a page of its own (no JavaScript needed); from then on
    it is locked."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, what="entry_sign")
    entry = selectors.journal_entry_get(case=case, entry_id=entry_id)
    try:
        services.journal_entry_check(actor=request.user, case=case, entry=entry, change="sign")
    except ValidationError as error:
        return _refused(request, error, case=case, entry=entry)
    form = forms.SignConfirmForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _form_page(request, "cases/entry_sign.html", {"case": case, "entry": entry, "form": form})
    try:
        services.journal_entry_sign(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Anteckningen är signerad och kan inte längre ändras."))
    return _to_entry(case, entry)


@access_policy("case")
@login_required
@require_POST
def entry_delete(request: AuthenticatedRequest, case_id: UUID, entry_id: int) -> HttpResponse:
    """Remove one's own unsigned draft; signed entries are never deleted (the service refuses)."""
    case = _case_for_change(request, case_id)
    entry = selectors.journal_entry_get(case=case, entry_id=entry_id)
    try:
        if not case.is_open:
            raise ValidationError(services.CASE_CLOSED)
        services.journal_entry_delete(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Utkastet är borttaget."))
    return redirect("case_detail", case_id=case.pk)


@access_policy("case")
@login_required
def entry_edit(request: AuthenticatedRequest, case_id: UUID, entry_id: int) -> HttpResponse:
    """Edit one's own unsigned draft. Signed entries are never offered for editing; asking anyway
    gets the service's refusal and a pointer to "Rätta"."""
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, what="entry_edit")
    entry = selectors.journal_entry_get(case=case, entry_id=entry_id)
    try:
        services.journal_entry_check(actor=request.user, case=case, entry=entry, change="edit")
    except ValidationError as error:
        return _refused(request, error, case=case, entry=entry)
    form = forms.JournalEntryEditForm(
        request.POST or None, initial={"occurred_on": entry.occurred_on, "text": entry.text, "version": entry.version}
    )
    if form.is_valid() and _save(
        form, services.journal_entry_update, actor=request.user, entry=entry, **form.service_fields()
    ):
        messages.success(request, _("Utkastet är sparat."))
        return _to_entry(case, entry)
    return _form_page(request, "cases/entry_edit.html", {"case": case, "entry": entry, "form": form})


@access_policy("case")
@login_required
def entry_correct(request: AuthenticatedRequest, case_id: UUID, entry_id: int) -> HttpResponse:
    """Rätta: a new signed entry linked to a signed one; the original stays visible and unchanged."""
    if not request.user.has_perm("cases.add_journalentry"):
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, what="entry_correct")
    entry = selectors.journal_entry_get(case=case, entry_id=entry_id)
    try:
        services.journal_entry_check(actor=request.user, case=case, entry=entry, change="correct")
    except ValidationError as error:
        return _refused(request, error, case=case, entry=entry)
    form = forms.CorrectionForm(request.POST or None)
    correction = form.is_valid() and _save(
        form, services.journal_entry_correct, actor=request.user, entry=entry, text=form.cleaned_data["text"]
    )
    if correction:
        messages.success(request, _("Rättelsen är signerad. Den ursprungliga anteckningen finns kvar."))
        return _to_entry(case, correction)
    return _form_page(request, "cases/entry_correct.html", {"case": case, "entry": entry, "form": form})


@access_policy("case")
@login_required
@require_POST
def case_follow_up(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Plan (or clear) the next follow-up shown on Mina ärenden; the form carries the case version."""
    if not request.user.has_perm("cases.change_case"):
        raise Http404
    case = _case_for_change(request, case_id)
    form = forms.FollowUpForm(request.POST)
    if form.is_valid() and _save(
        form, services.case_follow_up_plan, actor=request.user, case=case, **form.service_fields()
    ):
        messages.success(request, _("Nästa uppföljning är sparad."))
        return redirect("case_detail", case_id=case.pk)
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request)
    return _case_page(request, case, follow_up_form=form, status=400)


@access_policy("case")
@login_required
def case_close(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Close with reason and date; the form carries the case version (a concurrent change saves nothing)."""
    if not request.user.has_perm("cases.change_case"):
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, what="case_close")
    if not case.is_open:
        return _closed(request, case)
    form = forms.CaseCloseForm(request.POST or None, initial={"version": case.version})
    if form.is_valid() and _save(form, services.case_close, actor=request.user, case=case, **form.service_fields()):
        messages.success(request, _("Ärendet är avslutat."))
        return redirect("case_detail", case_id=case.pk)
    return _form_page(request, "cases/case_close.html", {"case": case, "form": form})


@access_policy("manager")
@login_required
def case_reassign(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    """Byt handläggare: enhetschef only (cases.reassign_case); others get 404 like any hidden page."""
    if not request.user.has_perm("cases.reassign_case"):
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, request=request, what="case_reassign")
    if not case.is_open:
        return _closed(request, case)
    form = forms.CaseReassignForm(request.POST or None, case=case, initial={"version": case.version})
    updated = form.is_valid() and _save(
        form, services.case_reassign, actor=request.user, case=case, **form.service_fields()
    )
    if updated:
        messages.success(request, _("Ny handläggare: %(name)s.") % {"name": updated.handler})
        return redirect("case_detail", case_id=case.pk)
    return _form_page(request, "cases/case_reassign.html", {"case": case, "form": form})
