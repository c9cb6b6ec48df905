"""The one helper that writes access-log rows (loggkontroll).

Views, exports, PDFs and the API call it through their app's selectors, inside the request's
transaction: if the insert fails, the transaction fails and the data is not shown (fail closed).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from core.client_ip import client_ip
from core.models import AccessAction, AccessLog, User

# The rows of one call in order, the columns that are the same for all of them given once (PostgreSQL).
_INSERT_SEEN = f"""
INSERT INTO {AccessLog._meta.db_table}
    (at, user_id, role, unit_id, action, what, ip_address, person_id, case_id, protected_identity)
SELECT %s, %s, %s, %s, %s, %s, %s::inet, seen.person_id, seen.case_id, seen.protected_identity
FROM unnest(%s::uuid[], %s::uuid[], %s::boolean[]) WITH ORDINALITY AS seen(person_id, case_id, protected_identity, n)
ORDER BY seen.n
"""


@dataclass(frozen=True)
class Seen:
    """One named person shown to a user; protected_identity is True when a masked identity was unmasked."""

    person_id: UUID
    case_id: UUID | None = None
    protected_identity: bool = False


def access_log_record(
    *,
    user: User,
    seen: Iterable[Seen],
    action: AccessAction,
    what: str,
    request: HttpRequest | None = None,
) -> int:
    """Write one row per person seen (de-duplicated) and return how many were written."""
    unique: dict[tuple[UUID, UUID | None], Seen] = {}
    for item in seen:
        unique.setdefault((item.person_id, item.case_id), item)
    if not unique:
        return 0
    role = ",".join(user.role_names)[:100]
    ip = client_ip(request)
    if connection.vendor == "postgresql":
        # One statement whatever the number of rows, without a model instance per row: a list page logs every
        # row it shows (Planering: thousands), and building and compiling them cost more than the insert.
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_SEEN,
                [
                    timezone.now(),  # as auto_now_add would (time frozen in tests included)
                    user.pk,
                    role,
                    user.unit_id,
                    str(action),
                    what[:60],
                    ip,
                    [item.person_id for item in unique.values()],
                    [item.case_id for item in unique.values()],
                    [item.protected_identity for item in unique.values()],
                ],
            )
        return len(unique)
    rows = [
        AccessLog(
            user=user,
            role=role,
            unit_id=user.unit_id,
            person_id=item.person_id,
            case_id=item.case_id,
            action=action,
            what=what[:60],
            protected_identity=item.protected_identity,
            ip_address=ip,
        )
        for item in unique.values()
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
