"""What happened to a task, as events analytics read: `task_sent` (a channel took it),
`task_delivered` (the provider confirmed it reached the customer), `task_done` (a person did
it), `task_replied` (the customer answered). Idempotent by id (`siyu:task:42:sent`), so a
repeat of the same news stores nothing. Tasks whose target is a staff member (moments) have no
customer or group to hang an event on and produce none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.timeutil import local_day
from siyu.store.sql import insert_ignoring
from siyu.store.tables import events, staff, tasks

CHUNK = 500
TYPES = {"sent": "task_sent", "delivered": "task_delivered", "done": "task_done", "replied": "task_replied"}


def _source() -> sa.Select[Any]:
    return sa.select(
        tasks.c.id,
        tasks.c.sop_id,
        tasks.c.step_id,
        tasks.c.target_type,
        tasks.c.target_id,
        tasks.c.channel,
        tasks.c.mode,
        tasks.c.variant,
        staff.c.external_id.label("staff"),
    ).select_from(tasks.outerjoin(staff, staff.c.id == tasks.c.executor_id))


def _event(row: Any, what: str, *, at: int, zone: ZoneInfo, extra: dict[str, Any] | None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "task": int(row.id),
        "sop": row.sop_id,
        "step": row.step_id,
        "channel": row.channel,
        "mode": row.mode,
        "staff": row.staff,
    }
    if row.variant is not None:
        properties["variant"] = row.variant
    properties.update(extra or {})
    return {
        "external_id": f"siyu:task:{row.id}:{what}",
        "type": TYPES[what],
        "customer_id": row.target_id if row.target_type == "customer" else None,
        "group_id": row.target_id if row.target_type == "group" else None,
        "at": at,
        "day": local_day(at, zone),
        "properties": properties,
    }


def record(
    conn: Connection,
    task_id: int,
    what: str,
    *,
    now_us: int,
    zone: ZoneInfo,
    at_us: int | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Store the event `what` (a TYPES key) of a task; returns whether it was new."""
    row = conn.execute(_source().where(tasks.c.id == task_id)).first()
    if row is None or row.target_type not in ("customer", "group"):
        return False
    values = _event(row, what, at=now_us if at_us is None else at_us, zone=zone, extra=extra)
    # RETURNING, not rowcount: PostgreSQL's driver reports -1 rows for this insert
    statement = insert_ignoring(conn, events, ("external_id",)).values(**values).returning(events.c.id)
    return conn.execute(statement).first() is not None


def record_all(
    conn: Connection,
    task_ids: Sequence[int],
    what: str,
    *,
    now_us: int,
    zone: ZoneInfo,
    extra: dict[str, Any] | None = None,
) -> None:
    """`record` for many tasks: one read and one insert per CHUNK tasks."""
    for start in range(0, len(task_ids), CHUNK):
        chunk = list(task_ids[start : start + CHUNK])
        rows = conn.execute(_source().where(tasks.c.id.in_(chunk), tasks.c.target_type.in_(("customer", "group"))))
        values = [_event(row, what, at=now_us, zone=zone, extra=extra) for row in rows]
        if values:
            conn.execute(insert_ignoring(conn, events, ("external_id",)).rows(), values)
