"""Events: idempotent by external id (`INSERT … ON CONFLICT DO NOTHING`).

An id already stored before this import counts as a duplicate, whatever its content (the first
write wins). An id repeated inside the file is fine when the rows are identical, and a fault when
they differ: after a batch whose insert skipped rows, the rows are compared with what this import
stored (events with an id past the largest id found when the import began).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.ingest.kinds import EventRecord
from siyu.ingest.load.outcome import Outcome
from siyu.store.batch_sql import BatchInsert, IdCache, batches, placeholder, unknown
from siyu.store.tables import chat_groups, customers, events

COLUMNS = ("external_id", "type", "customer_id", "group_id", "at", "day", "properties")

Stored = tuple[str, int | None, int | None, int]  # type, customer id, group id, at


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _customer_rows(records: list[EventRecord], customer_ids: dict[str, int]) -> list[tuple[Any, ...]] | None:
    """The common batch in one pass: customer events whose customers all exist (None otherwise)."""
    try:
        return [(r[1], r[2], customer_ids[r[3] or ""], None, r[5], r[6], r[7]) for r in records]
    except KeyError:
        return None


class EventLoader:
    holds_rows = False

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.insert = BatchInsert(conn, events, COLUMNS, conflict=("external_id",))
        self.first_new_id = (conn.scalar(sa.select(sa.func.max(events.c.id))) or 0) + 1
        self.stored = 0  # events this import has stored so far
        self.customers = IdCache(conn, customers)
        self.groups = IdCache(conn, chat_groups)

    def load(self, records: list[EventRecord]) -> Outcome:
        out = Outcome()
        customer_ids = self.customers.lookup({r[3] for r in records if r[3] is not None})
        wanted_groups = {r[4] for r in records if r[4] is not None}
        rows = None if wanted_groups else _customer_rows(records, customer_ids)
        if rows is None:
            rows, written = self._checked_rows(records, customer_ids, self.groups.lookup(wanted_groups), out)
        else:
            written = records
        out.inserted = self.insert.run(rows)
        out.unchanged = len(rows) - out.inserted
        self.stored += out.inserted
        if out.unchanged and self.stored:  # a skipped row may repeat one this import stored
            repeats = self._differing_repeats(rows, written)
            out.faults.extend(repeats)
            out.unchanged -= len(repeats)
        return out

    @staticmethod
    def _checked_rows(
        records: list[EventRecord], customer_ids: dict[str, int], group_ids: dict[str, int], out: Outcome
    ) -> tuple[list[tuple[Any, ...]], list[EventRecord]]:
        """Rows to insert, and their records; unknown customers and groups become faults."""
        rows: list[tuple[Any, ...]] = []
        written: list[EventRecord] = []
        for record in records:
            row, external_id, kind, customer, group, at, day, properties = record
            customer_id = group_id = None
            if customer is not None:
                customer_id = customer_ids.get(customer)
                if customer_id is None:
                    out.faults.append((row, "customer", unknown(customers, customer)))
            if group is not None:
                group_id = group_ids.get(group)
                if group_id is None:
                    out.faults.append((row, "group", unknown(chat_groups, group)))
            if (customer is not None and customer_id is None) or (group is not None and group_id is None):
                continue
            rows.append((external_id, kind, customer_id, group_id, at, day, properties))
            written.append(record)
        return rows, written

    def _differing_repeats(self, rows: list[tuple[Any, ...]], written: list[EventRecord]) -> list[tuple[int, str, str]]:
        """Rows whose id this import already stored from another row with different content."""
        stored: dict[str, tuple[Stored, Any]] = {}
        mark = placeholder(self.conn)
        columns = "external_id, type, customer_id, group_id, at, properties"
        ids = sorted({row[0] for row in rows})
        for part in batches(ids):
            sql = (
                f"SELECT {columns} FROM events WHERE id >= {mark} AND external_id IN ({', '.join([mark] * len(part))})"
            )
            for external_id, kind, customer_id, group_id, at, properties in self.conn.exec_driver_sql(
                sql, (self.first_new_id, *part)
            ):
                stored[external_id] = ((kind, customer_id, group_id, at), properties)
        faults = []
        for (external_id, kind, customer_id, group_id, at, _day, properties), record in zip(rows, written, strict=True):
            found = stored.get(external_id)
            if found is None:
                continue
            same = found[0] == (kind, customer_id, group_id, at) and _json(found[1]) == json.loads(properties)
            if not same:
                faults.append(
                    (record[0], "id", f'id "{external_id}" appears earlier in this file with different content')
                )
        return faults

    def finish(self) -> Outcome:
        return Outcome()
