"""Fast row writer for the benchmark generator: COPY on PostgreSQL, executemany elsewhere.

The generator assigns primary keys itself (from the table's current maximum), so it never needs
rows back from the database and holds only ids in memory. Columns a caller does not give get one
constant default per table, taken from the model field (``now`` for ``auto_now``/``auto_now_add``).
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone


@dataclass
class Table:
    model: type[models.Model]
    columns: list[str]
    defaults: tuple[Any, ...]
    next_id: int
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def _default(f: models.Field[Any, Any]) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    if f.has_default():
        value = f.get_default()
    elif f.null:
        value = None
    else:
        value = ""
    if isinstance(f, models.JSONField):
        return json.dumps(value)
    if isinstance(f, models.FileField):
        return ""
    return value


class Writer:
    """Buffers rows per table; ``flush`` writes them in the order the tables were declared."""

    def __init__(self) -> None:
        self.tables: dict[type[models.Model], Table] = {}
        self.counts: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"

    def declare(self, model: type[models.Model], columns: Sequence[str]) -> Table:
        given = ["id", *columns]
        rest = [f for f in model._meta.concrete_fields if f.column not in given]
        table = Table(
            model=model,
            columns=given + [str(f.column) for f in rest],
            defaults=tuple(_default(f) for f in rest),
            next_id=self._max_id(model) + 1,
        )
        self.tables[model] = table
        return table

    def _max_id(self, model: type[models.Model]) -> int:
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's table
            return int(cursor.fetchone()[0])

    def add(self, model: type[models.Model], *values: Any) -> int:
        """Queue one row (values in the declared column order, without id) and return its id."""
        table = self.tables[model]
        pk = table.next_id
        table.next_id += 1
        table.rows.append((pk, *values, *table.defaults))
        return pk

    def reserve(self, model: type[models.Model]) -> int:
        """An id for a row that is only known later (``put``)."""
        table = self.tables[model]
        table.next_id += 1
        return table.next_id - 1

    def put(self, model: type[models.Model], pk: int, *values: Any) -> None:
        table = self.tables[model]
        table.rows.append((pk, *values, *table.defaults))

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                if not table.rows:
                    continue
                name = table.model._meta.db_table
                self.counts[name] = self.counts.get(name, 0) + len(table.rows)
                quoted = ", ".join(connection.ops.quote_name(c) for c in table.columns)
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                        for row in table.rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(table.columns))
                    rows = [tuple(_sqlite(v) for v in row) for row in table.rows]
                    for start in range(0, len(rows), 5000):
                        cursor.executemany(
                            f"INSERT INTO {name} ({quoted}) VALUES ({marks})",  # noqa: S608 - a model's table and columns
                            rows[start : start + 5000],
                        )
                table.rows.clear()

    def finish(self) -> None:
        """Move the id sequences past the ids written here, and refresh the planner's statistics."""
        self.flush()
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in self.tables.values():
                name = table.model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {name}))"  # noqa: S608 - a model's table
                )


def _sqlite(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
