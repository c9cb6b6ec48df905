"""Token authentication for API clients: `Authorization: Bearer ui_<prefix>.<secret>`.

The key is looked up by its prefix and compared by SHA-256 in constant time. An unknown, revoked or
expired key is a 401 with the same message (no hint which).
"""

import datetime
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.models import ApiToken, hash_key
from api.services import split_key

KEYWORDS = (b"bearer", b"token")
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ogiltig Authorization-rubrik: ange ”Bearer <nyckel>”."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ogiltig eller utgången API-nyckel.")) from None
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        invalid = exceptions.AuthenticationFailed(_("Ogiltig eller utgången API-nyckel."))
        prefix = split_key(key)
        if prefix is None:
            raise invalid
        token = ApiToken.objects.select_related("user").filter(key_prefix=prefix).first()
        now = timezone.now()
        if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
            raise invalid
        if not token.is_usable(now) or not token.user.is_active:
            raise invalid
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            # at most one write a minute per token; a conditional update so parallel requests do not queue
            ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
