"""Per-SOP planning bookkeeping (`sop_state`): what the planner has already done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.store.sql import insert_ignoring
from siyu.store.tables import sop_state


@dataclass(frozen=True)
class SopState:
    sop_id: str
    planned_version: int | None = None
    audience_checked_at: int | None = None
    event_watermark: int = 0
    recurring_until: int | None = None
    recurring_target: int | None = None
    recurring_cursor: int = 0
    last_tick_at: int | None = None
    last_error: str | None = None  # the last failure (planner.failures), until a clean tick
    last_error_step: str | None = None
    last_error_at: int | None = None
    failures: int = 0


def load(conn: Connection, sop_id: str) -> SopState:
    row = conn.execute(sa.select(sop_state).where(sop_state.c.sop_id == sop_id)).first()
    if row is None:
        conn.execute(insert_ignoring(conn, sop_state).values(sop_id=sop_id))
        return SopState(sop_id)
    return SopState(**row._asdict())


def save(conn: Connection, sop_id: str, **values: Any) -> None:
    conn.execute(sa.update(sop_state).where(sop_state.c.sop_id == sop_id).values(**values))
