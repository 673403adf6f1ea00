"""Queuing outbox rows, set-based: one INSERT … SELECT … ON CONFLICT (key) DO NOTHING, the one
place the columns of a new delivery are listed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.channels.base import Purpose
from siyu.store.sql import insert_ignoring
from siyu.store.tables import deliveries


def queue(
    conn: Connection,
    where: list[ColumnElement[bool]],
    *,
    key: Any,
    purpose: Purpose,
    adapter: str,
    task_id: Any,
    staff_id: Any,
    now_us: int,
    batch_id: Any = None,
) -> int:
    """Queue one delivery per row the SELECT of `key`, `task_id`, `staff_id` … WHERE `where`
    finds; a key already queued is left alone. Returns how many were queued (from RETURNING:
    PostgreSQL's driver reports -1 rows for an INSERT … SELECT)."""
    now = sa.literal(now_us, sa.BigInteger)
    rows = sa.select(
        key,
        sa.literal(purpose.value),
        sa.literal(adapter),
        task_id,
        staff_id,
        sa.literal("queued"),
        sa.literal(0),
        now,
        sa.literal(False),
        now,
        now,
        sa.null() if batch_id is None else batch_id,
    ).where(*where)
    columns = [
        "key",
        "purpose",
        "adapter",
        "task_id",
        "staff_id",
        "status",
        "attempts",
        "next_attempt_at",
        "in_doubt",
        "created_at",
        "updated_at",
        "batch_id",
    ]
    statement = insert_ignoring(conn, deliveries).from_select(columns, rows)
    return len(conn.execute(statement.returning(deliveries.c.id)).all())
