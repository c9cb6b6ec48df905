"""The one bulk writer for many new rows of one table: COPY on PostgreSQL, one executemany elsewhere.

Used by the CSV import (cases.importer) and the data generator (devdata.datagen), which both write tens of
thousands of plain tuples (building model instances would cost more than the writing). Rows hold the values of
`attnames` in order; nothing is validated or defaulted here, and no signals run, so the callers give every
column the database needs. On PostgreSQL a JSONField value that is a dict or list is JSON-encoded (text is taken
as JSON already, as the generator gives it); elsewhere every value goes through its field's own conversion.
"""

import json
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models


class BulkTable:
    """How to write rows of `attnames` into a model's table; `write` does it on Django's connection and
    `copy_on` on a raw psycopg connection (the generator's background thread)."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], *, batch_size: int = 2000):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[name] for name in attnames]
        self.batch_size = batch_size
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(str(f.column)) for f in self.fields)  # a concrete field has a column
        self.copy_statement = f"COPY {self.table} ({self.columns}) FROM STDIN"
        self._json_at = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write the rows; returns how many."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_statement) as copy:
                return self._copy_rows(copy, rows)
        return self._insert_rows(rows)

    def copy_on(self, raw_connection: Any, rows: Iterable[Sequence[Any]]) -> int:
        """COPY the rows on a raw psycopg connection (same transaction as Django's when it is the same one)."""
        with raw_connection.cursor() as cursor, cursor.copy(self.copy_statement) as copy:
            return self._copy_rows(copy, rows)

    def _copy_rows(self, copy: Any, rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        json_at = self._json_at
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    if isinstance(row[i], dict | list):
                        row[i] = json.dumps(row[i])
            copy.write_row(row)
            count += 1
        return count

    def _insert_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        marks = ", ".join(["%s"] * len(self.fields))
        statement = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
        fields = self.fields
        count = 0
        iterator = iter(rows)
        with connection.cursor() as cursor:
            while batch := list(islice(iterator, self.batch_size)):
                cursor.executemany(
                    statement,
                    [
                        [
                            None if value is None else f.get_db_prep_save(f.to_python(value), connection)
                            for f, value in zip(fields, row, strict=True)
                        ]
                        for row in batch
                    ],
                )
                count += len(batch)
        return count


def bulk_write(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write new rows of `attnames` into the model's table in one COPY (PostgreSQL) or executemany."""
    return BulkTable(model, attnames).write(rows)
