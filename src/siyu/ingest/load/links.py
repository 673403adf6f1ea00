"""Members and tags files only add: a membership or tag already there (or repeated in the file)
counts as a duplicate; nothing is removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from siyu.ingest.kinds import LinkRecord
from siyu.ingest.load.outcome import Outcome
from siyu.store.batch_sql import BatchInsert, resolve, unknown
from siyu.store.tables import chat_groups, customer_tags, customers, group_members


class MemberLoader:
    """(group, customer) → group_members."""

    holds_rows = False

    def __init__(self, conn: Connection, now_us: int) -> None:
        self.conn = conn
        self.now_us = now_us
        self.insert = BatchInsert(
            conn, group_members, ("group_id", "customer_id", "created_at"), conflict=("group_id", "customer_id")
        )

    def load(self, records: list[LinkRecord]) -> Outcome:
        out = Outcome()
        group_ids = resolve(self.conn, chat_groups, {r.first for r in records})
        customer_ids = resolve(self.conn, customers, {r.second for r in records})
        rows: list[tuple[Any, ...]] = []
        for record in records:
            group_id = group_ids.get(record.first)
            customer_id = customer_ids.get(record.second)
            if group_id is None:
                out.faults.append((record.row, "group", unknown(chat_groups, record.first)))
            if customer_id is None:
                out.faults.append((record.row, "customer", unknown(customers, record.second)))
            if group_id is not None and customer_id is not None:
                rows.append((group_id, customer_id, self.now_us))
        out.inserted = self.insert.run(rows)
        out.unchanged = len(rows) - out.inserted
        return out

    def finish(self) -> Outcome:
        return Outcome()


class TagLoader:
    """(customer, tag) → customer_tags."""

    holds_rows = False

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.insert = BatchInsert(conn, customer_tags, ("customer_id", "tag"), conflict=("customer_id", "tag"))

    def load(self, records: list[LinkRecord]) -> Outcome:
        out = Outcome()
        customer_ids = resolve(self.conn, customers, {r.first for r in records})
        rows: list[tuple[Any, ...]] = []
        for record in records:
            customer_id = customer_ids.get(record.first)
            if customer_id is None:
                out.faults.append((record.row, "customer", unknown(customers, record.first)))
            else:
                rows.append((customer_id, record.second))
        out.inserted = self.insert.run(rows)
        out.unchanged = len(rows) - out.inserted
        return out

    def finish(self) -> Outcome:
        return Outcome()
