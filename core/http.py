"""The request type of views behind sign-in, for the type checker.

`login_required` (and the admin site) let only a signed-in user through, so in those views `request.user` is a
`User`, never `AnonymousUser`. Django builds the request; this class is used in annotations only.
"""

from django.http import HttpRequest

from core.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
