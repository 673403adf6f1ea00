"""The batch half of the store's SQL toolkit (the rest is store.sql), shared by the loaders and
the planner: external ids → internal ids in batches, and bulk inserts that run on the driver
with plain tuples (no per-row SQLAlchemy work on the hot path)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.store.sql import dialect_insert

T = TypeVar("T")

BATCH_IDS = 5_000  # ids per IN list: well under SQLite's and PostgreSQL's parameter limits

KNOWN_AS = {"customers": "customer", "chat_groups": "group", "staff": "staff"}
IMPORT_FIRST = {"customers": "customers", "chat_groups": "groups", "staff": "staff"}


def unknown(table: sa.Table, external_id: str) -> str:
    return f'unknown {KNOWN_AS[table.name]} "{external_id}" (import {IMPORT_FIRST[table.name]} first)'


def batches(items: Sequence[T], size: int = BATCH_IDS) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholder(conn: Connection) -> str:
    """The driver's positional parameter marker (drivers' SQL skips SQLAlchemy's per-value work)."""
    return "?" if conn.dialect.paramstyle in ("qmark", "numeric") else "%s"


def resolve(conn: Connection, table: sa.Table, external_ids: Collection[str]) -> dict[str, int]:
    """Internal ids of the given external ids that exist (absent ones are simply missing)."""
    found: dict[str, int] = {}
    name = conn.dialect.identifier_preparer.format_table(table)
    mark = placeholder(conn)
    for part in batches(list(external_ids)):
        sql = f"SELECT external_id, id FROM {name} WHERE external_id IN ({', '.join([mark] * len(part))})"
        found.update(conn.exec_driver_sql(sql, tuple(part)).all())
    return found


class IdCache:
    """External ids → ids of one table, remembered across the batches of one import (bounded: it
    starts over past `limit` entries), so that a big events file asks the database about each
    customer about once rather than once per batch."""

    def __init__(self, conn: Connection, table: sa.Table, limit: int = 200_000) -> None:
        self.conn = conn
        self.table = table
        self.limit = limit
        self.known: dict[str, int] = {}

    def lookup(self, external_ids: set[str]) -> dict[str, int]:
        """The known ids among these (unknown ones are absent, and asked again next time)."""
        missing = external_ids - self.known.keys()
        if missing:
            if len(self.known) + len(missing) > self.limit:
                self.known = {}
                missing = external_ids
            self.known.update(resolve(self.conn, self.table, missing))
        return self.known


class BatchInsert:
    """`INSERT … [ON CONFLICT (…) DO NOTHING]` compiled once for this connection's dialect with
    positional parameters, run by the driver's executemany. `run` returns the rows inserted."""

    def __init__(self, conn: Connection, table: sa.Table, columns: Sequence[str], conflict: Sequence[str] = ()) -> None:
        self.conn = conn
        dialect = conn.dialect
        stmt = dialect_insert(conn, table).values({c: sa.bindparam(c) for c in columns})
        if conflict:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
        paramstyle = "qmark" if dialect.name == "sqlite" else "format"
        positional: Any = type(dialect)  # the same dialect, with positional parameters
        compiled = stmt.compile(dialect=positional(paramstyle=paramstyle), for_executemany=True)
        if list(compiled.positiontup or ()) != list(columns):
            raise AssertionError(f"unexpected parameter order {compiled.positiontup}")
        self.sql = str(compiled)

    def run(self, rows: Sequence[tuple[Any, ...]]) -> int:
        if not rows:
            return 0
        return self.conn.exec_driver_sql(self.sql, rows).rowcount
