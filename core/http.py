"""The request type of views behind sign-in, for the type checker.

`login_required` (and the admin site) let only a signed-in user through, so in those views `request.user` is a
`User`, never `AnonymousUser`. Django builds the request; this class is used in annotations only.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User:
    """`request.user` of a request behind sign-in, as a `User`, for code that takes a plain `HttpRequest`
    (the insats page's form declarations). Anyone else is refused, though sign-in never lets them through."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
