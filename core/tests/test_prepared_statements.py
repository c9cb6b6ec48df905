"""The application's PostgreSQL connections prepare the statements they repeat (config/settings.py,
DB_PREPARED_STATEMENTS): a page's statements are the same text for every user, with the values sent apart, so
after DB_PREPARE_THRESHOLD runs PostgreSQL no longer parses and plans them (issue 23)."""

import pytest
from django.conf import settings
from django.db import connection

from core.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.requires("postgresql")]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_and_again_is_prepared_with_its_values_apart():
    users = [UserFactory() for _ in range(3)]
    threshold = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold")
    assert threshold is not None, "prepared statements are off (DB_PREPARED_STATEMENTS)"
    assert not [text for text in _prepared() if "core_user" in text and "last_login" in text]
    for n in range(threshold + 1):
        user = users[n % len(users)]  # other values, the same statement
        assert User.objects.filter(username=user.username).values_list("pk", flat=True).get() == user.pk
    prepared = [text for text in _prepared() if "core_user" in text and '"username" = $1' in text]
    assert prepared, _prepared()
    assert not [text for text in prepared if any(user.username in text for user in users)]
