"""The audit log: who changed which SOP, setting, task or user, and when."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts.actors import Actor
from siyu.core.timeutil import from_us
from siyu.store.tables import audit_log


def record(
    conn: Connection,
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: str,
    now_us: int,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one entry in the caller's transaction, so the change and its record commit together.
    A user is recorded by id and username; a command-line actor by cli@<login>, with no id."""
    conn.execute(
        sa.insert(audit_log).values(
            at=now_us,
            user_id=actor.id,
            actor=actor.username,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )
    )


def entries(
    conn: Connection,
    zone: ZoneInfo,
    *,
    subject_type: str | None = None,
    subject_id: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first; page with `before_id` (the last id of the previous page)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if subject_type is not None:
        query = query.where(audit_log.c.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(audit_log.c.subject_id == subject_id)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return [
        {
            "id": r.id,
            "at": from_us(r.at, zone).isoformat(),
            "actor": r.actor,
            "action": r.action,
            "subject_type": r.subject_type,
            "subject_id": r.subject_id,
            "detail": r.detail,
        }
        for r in conn.execute(query)
    ]
