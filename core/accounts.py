"""Writes on a staff member's own account."""

from django.db import transaction

from core.history import change_record
from core.models import ChangeAction, User

# What the history row says instead of any hash: that the password changed, never what to.
PASSWORD_CHANGED = "ändrat av användaren"


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> None:
    """The signed-in user changes her own password (already validated); recorded in the change history."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    change_record(actor=user, instance=user, action=ChangeAction.UPDATE, changes={"password": [None, PASSWORD_CHANGED]})
