"""{% load reporting_tags %}: reporting's slots for pages of other apps.

{% agreement_reminder %}: for the start page, renders reporting/partials/agreement_reminder.html with the
agreements in the user's scope whose renewal decision is due (nothing without reporting.view_agreement).
{{ count|published_count }}: a count of persons or cases as it may be shown ("<5" for 1–4).
"""

from django import template

from reporting.selectors import agreement_reminders_for_user
from reporting.suppression import SUPPRESSED_LABEL, is_suppressed

register = template.Library()


@register.inclusion_tag("reporting/partials/agreement_reminder.html", takes_context=True)
def agreement_reminder(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    reminders = agreement_reminders_for_user(user=user) if user is not None and user.is_authenticated else []
    return {"agreement_reminders": reminders, "perms": context.get("perms")}


@register.filter
def published_count(count: int | None):
    """The count itself, or "<5" when the suppression rule hides it (1–4; None is an already hidden count)."""
    return SUPPRESSED_LABEL if count is None or is_suppressed(count) else count
