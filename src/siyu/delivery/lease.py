"""Claiming outbox rows with a lease, and writing results back only while the lease is ours.

A worker claims up to `limit` rows that are due (queued for an attempt, or sent and due for a
poll) and not leased by a live worker: a conditional UPDATE on SQLite (one writer at a time),
`FOR UPDATE SKIP LOCKED` on PostgreSQL (workers never wait for each other's rows). A claimed
queued row starts an attempt: its `attempt_started_at` is set in the same commit. If a row is
claimed while an earlier attempt was never finished (the worker died, or took longer than its
lease), that attempt's outcome is unknown: the row is marked `in_doubt`, and the next attempt
asks the provider before sending again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.store.tables import deliveries

D = deliveries
CLAIMABLE = ("queued", "sent")


@dataclass(frozen=True)
class Lease:
    owner: str
    until_us: int


def claim(conn: Connection, *, owner: str, now_us: int, lease_us: int, limit: int) -> list[Any]:
    """Claim due rows; returns them as they are after the claim, oldest due first."""
    pick = (
        sa.select(D.c.id)
        .where(
            D.c.status.in_(CLAIMABLE),
            D.c.next_attempt_at <= now_us,
            sa.or_(D.c.lease_until.is_(None), D.c.lease_until < now_us),
        )
        .order_by(D.c.next_attempt_at, D.c.id)
        .limit(limit)
    )
    chosen: ColumnElement[bool]
    if conn.dialect.name == "postgresql":
        # a MATERIALIZED CTE runs the pick once: as an IN subquery PostgreSQL may re-run it per
        # row (seen after the table was emptied and analyzed), claiming the whole queue
        picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        chosen = D.c.id == picked.c.id
    else:
        chosen = D.c.id.in_(pick.scalar_subquery())
    starting = D.c.status == "queued"
    statement = (
        sa.update(D)
        .where(chosen)
        .values(
            lease_owner=owner,
            lease_until=now_us + lease_us,
            in_doubt=sa.or_(D.c.in_doubt, sa.and_(starting, D.c.attempt_started_at.is_not(None))),
            attempts=sa.case((starting, D.c.attempts + 1), else_=D.c.attempts),
            attempt_started_at=sa.case((starting, now_us), else_=D.c.attempt_started_at),
            updated_at=now_us,
        )
        .returning(*D.c)
    )
    rows = list(conn.execute(statement))
    rows.sort(key=lambda row: (row.next_attempt_at, row.id))
    return rows


def still_ours(lease: Lease) -> list[Any]:
    """The WHERE of every write-back: the row's lease is still the one we took."""
    return [D.c.lease_owner == lease.owner, D.c.lease_until == lease.until_us]


def write_back(conn: Connection, delivery_id: int, lease: Lease, values: dict[str, Any]) -> bool:
    """Apply `values` and release the lease, if the lease is still ours; returns whether it was."""
    done = conn.execute(
        sa.update(D)
        .where(D.c.id == delivery_id, *still_ours(lease))
        .values(lease_owner=None, lease_until=None, **values)
    )
    return bool(done.rowcount)
