"""{% load reporting_tags %}{% agreement_reminder %}: the agreement reminder for the signed-in manager.

For the start page: renders reporting/partials/agreement_reminder.html with the agreements in the
user's scope whose renewal decision is due (nothing for users without reporting.view_agreement).
"""

from django import template

from reporting.selectors import agreement_reminders_for_user

register = template.Library()


@register.inclusion_tag("reporting/partials/agreement_reminder.html", takes_context=True)
def agreement_reminder(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    reminders = agreement_reminders_for_user(user=user) if user is not None and user.is_authenticated else []
    return {"agreement_reminders": reminders, "perms": context.get("perms")}
