"""Ids met so far in one file, kept in a temporary table so that a file of a million customers
finds its repeated ids without holding them all in Python."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.store.batch_sql import BatchInsert, batches
from siyu.store.sql import drop_temporary, temporary_table


class SeenIds:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.table = temporary_table(
            conn,
            "siyu_ingest_seen",
            sa.Column("external_id", sa.String(128), primary_key=True),
            sa.Column("row", sa.Integer, nullable=False),
            dropped_on_commit=False,
        )
        self.insert = BatchInsert(conn, self.table, ("external_id", "row"))

    def rows_of(self, external_ids: Collection[str]) -> dict[str, int]:
        """The row where each of these ids was first seen, for those seen before."""
        found: dict[str, int] = {}
        query = sa.select(self.table.c.external_id, self.table.c.row)
        for part in batches(list(external_ids)):
            found.update((e, r) for e, r in self.conn.execute(query.where(self.table.c.external_id.in_(part))))
        return found

    def add(self, pairs: list[tuple[str, int]]) -> None:
        self.insert.run(pairs)

    def drop(self) -> None:
        drop_temporary(self.conn, self.table)
