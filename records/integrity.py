"""Integrity checks for a database, and the manifest a backup carries to prove a restore is complete.

The manifest is taken inside the same snapshot that pg_dump reads (records/management/commands/
backup_database.py), so after a restore every number must match exactly:
- row counts of every table;
- the access log: count, highest id and a digest over every row (its continuity: nothing missing,
  nothing changed, nothing added in between).
Checks that need no manifest: journal correction chains (a correction is signed and points at a signed
entry of the same case, with no loops) and id sequences ahead of the rows (so new rows do not collide).
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models

from cases.models import JournalEntry
from core.models import AccessLog

MANIFEST_VERSION = 1


@dataclass
class Problem:
    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.detail}"


def _counted_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]


def row_counts() -> dict[str, int]:
    return {model._meta.db_table: model._default_manager.count() for model in _counted_models()}


def access_log_digest(*, up_to_id: int | None = None) -> dict:
    """Count, highest id and SHA-256 over the rows (in id order), streamed in chunks."""
    rows = AccessLog.objects.order_by("id")
    if up_to_id is not None:
        rows = rows.filter(id__lte=up_to_id)
    digest = hashlib.sha256()
    count, highest = 0, 0
    for row in rows.values_list(
        "id", "at", "user_id", "role", "unit_id", "person_id", "case_id", "action", "what", "protected_identity"
    ).iterator(chunk_size=5000):
        digest.update(("|".join("" if value is None else str(value) for value in row) + "\n").encode())
        count, highest = count + 1, row[0]
    return {"count": count, "max_id": highest, "sha256": digest.hexdigest()}


def manifest_build() -> dict:
    return {"version": MANIFEST_VERSION, "row_counts": row_counts(), "access_log": access_log_digest()}


def journal_chain_problems() -> list[Problem]:
    problems = []
    entries = {
        entry["id"]: entry
        for entry in JournalEntry.objects.filter(
            models.Q(corrects__isnull=False) | models.Q(corrections__isnull=False)
        ).values("id", "case_id", "corrects_id", "signed_at")
    }
    for entry in entries.values():
        target_id = entry["corrects_id"]
        if target_id is None:
            continue
        target = entries.get(target_id)
        if target is None:
            problems.append(Problem("journal", f"rättelse {entry['id']} pekar på en anteckning som saknas"))
            continue
        if target["case_id"] != entry["case_id"]:
            problems.append(Problem("journal", f"rättelse {entry['id']} pekar på ett annat ärendes anteckning"))
        if entry["signed_at"] is None:
            problems.append(Problem("journal", f"rättelse {entry['id']} är inte signerad"))
        if target["signed_at"] is None:
            problems.append(Problem("journal", f"anteckning {target_id} är rättad men inte signerad"))
        seen = {entry["id"]}
        current = entries.get(target_id)  # the walk may reach an entry that is missing, so typed optional
        while current is not None and current["corrects_id"] is not None:
            if current["id"] in seen:
                problems.append(Problem("journal", f"rättelsekedjan från {entry['id']} går i cirkel"))
                break
            seen.add(current["id"])
            current = entries.get(current["corrects_id"])
    return problems


def sequence_problems() -> list[Problem]:
    """PostgreSQL: every id sequence is ahead of the highest id (a restore that forgot setval collides)."""
    if connection.vendor != "postgresql":
        return []
    problems = []
    with connection.cursor() as cursor:
        for model in _counted_models():
            pk = model._meta.pk
            if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue
            table, column = model._meta.db_table, pk.column
            if column is None:  # only a non-concrete field has no column; a primary key always has one
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(table), column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            cursor.execute(f"SELECT max({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}")
            highest = cursor.fetchone()[0] or 0
            next_value = last_value + 1 if is_called else last_value
            if next_value <= highest:
                problems.append(Problem("sekvens", f"{table}: nästa id {next_value} men högsta id är {highest}"))
    return problems


def manifest_problems(manifest: dict) -> list[Problem]:
    problems = []
    counts = row_counts()
    for table, expected in sorted(manifest.get("row_counts", {}).items()):
        actual = counts.get(table)
        if actual is None:
            problems.append(Problem("radantal", f"{table} saknas"))
        elif actual != expected:
            problems.append(Problem("radantal", f"{table}: {actual} rader, säkerhetskopian hade {expected}"))
    expected_log = manifest.get("access_log")
    if expected_log:
        actual_log = access_log_digest(up_to_id=expected_log["max_id"])
        if actual_log["count"] != expected_log["count"]:
            problems.append(
                Problem(
                    "åtkomstlogg",
                    f"{actual_log['count']} rader upp till id {expected_log['max_id']}, "
                    f"säkerhetskopian hade {expected_log['count']}",
                )
            )
        elif actual_log["sha256"] != expected_log["sha256"]:
            problems.append(Problem("åtkomstlogg", "raderna skiljer sig från säkerhetskopian"))
    return problems


def integrity_problems(manifest: dict | None = None) -> list[Problem]:
    problems = journal_chain_problems() + sequence_problems()
    if manifest is not None:
        problems += manifest_problems(manifest)
    return problems
