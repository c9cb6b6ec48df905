"""Writes on a staff member's own account."""

from django.db import transaction

from core.history import change_record
from core.models import ChangeAction, User

# What the history row says instead of any hash: that the password changed, never what to.
PASSWORD_CHANGED = "ändrat av användaren"
PASSWORD_SET_BY_OWNER = "nytt lösenord satt"
PASSWORD_SET_BY_ADMINISTRATOR = "satt av administratör, byts vid nästa inloggning"


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> None:
    """The signed-in user changes her own password (already validated); recorded in the change history."""
    user.set_password(new_password)
    user.password_change_required = False  # now only its owner knows it
    user.save(update_fields=["password", "password_change_required"])
    change_record(actor=user, instance=user, action=ChangeAction.UPDATE, changes={"password": [None, PASSWORD_CHANGED]})


@transaction.atomic
def user_password_set_in_admin(*, actor: User, user: User) -> None:
    """After a password was set in the admin ("Ändra lösenord"): recorded in the change history, never the
    password. Set for someone else, two people know it, so its owner must change it at the next sign-in."""
    if actor.pk == user.pk:
        what = PASSWORD_SET_BY_OWNER
    else:
        what = PASSWORD_SET_BY_ADMINISTRATOR
        User.objects.filter(pk=user.pk).update(password_change_required=True)
        user.password_change_required = True
    change_record(actor=actor, instance=user, action=ChangeAction.UPDATE, changes={"password": [None, what]})
