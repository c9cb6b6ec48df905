"""ASLAN groups of the user's unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from core.forms import apply_service_errors
from core.policy import access_policy
from interventions import forms, selectors, services
from interventions.views.common import posted_to, require_perm, submit_chosen

# ---------------------------------------------------------------- ASLAN


@access_policy("case")
@login_required
def aslan_groups(request):
    require_perm(request.user, "interventions.view_aslangroup")
    form = forms.AslanGroupForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "interventions.add_aslangroup")
        if form.is_valid():
            try:
                group = services.aslan_group_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Gruppen är skapad."))
                return redirect("interventions:aslan_group", group_id=group.pk)
    return render(
        request,
        "interventions/aslan_groups.html",
        {"groups": selectors.aslan_groups_for_user(user=request.user), "form": form},
        status=400 if form.errors else 200,
    )


ASLAN_ADDED = gettext_lazy("Barnet är tillagt i gruppen.")
ASLAN_MET = gettext_lazy("Träffen och närvaron är registrerade.")


def _aslan_add(request, group, case: Case):
    """The child joins with its custodians as parents."""
    parents = selectors.aslan_parents_for(case=case)
    return services.aslan_participant_add(actor=request.user, group=group, case=case, parents=parents)


def _aslan_meeting(request, group, form):
    """The meeting's date and topic, and the attendance from the form's fields per child."""
    return services.aslan_meeting_record(
        actor=request.user,
        group=group,
        held_on=form.cleaned_data["held_on"],
        topic=form.cleaned_data["topic"],
        attendance=form.attendance(),
    )


@access_policy("case")
@login_required
def aslan_group(request, group_id):
    """An ASLAN group: children (ASLAN cases of the unit) with parents, meetings and attendance."""
    require_perm(request.user, "interventions.view_aslangroup")
    page = selectors.aslan_group_get_for_user(user=request.user, group_id=group_id, request=request)
    group = page.group
    add_form = forms.AslanParticipantForm(
        posted_to(request, "deltagare"), cases=selectors.aslan_cases_available(user=request.user, group=group)
    )
    meeting_form = forms.AslanMeetingForm(posted_to(request, "traff"), participants=page.participants)
    if request.method == "POST":
        require_perm(request.user, "interventions.change_aslangroup")
        submits = {
            "deltagare": (add_form, lambda case: _aslan_add(request, group, case), ASLAN_ADDED),
            "traff": (meeting_form, lambda **_: _aslan_meeting(request, group, meeting_form), ASLAN_MET),
        }
        if submit_chosen(request, submits):
            return redirect("interventions:aslan_group", group_id=group.pk)
    return render(
        request,
        "interventions/aslan_group.html",
        {"group": group, "participants": page.participants, "meetings": page.meetings}
        | {"add_form": add_form, "meeting_form": meeting_form},
        status=400 if (add_form.errors or meeting_form.errors) else 200,
    )
