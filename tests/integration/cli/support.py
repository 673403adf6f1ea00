"""Reading the audit log the CLI writes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import audit_log


def audit_rows(engine: Engine) -> list[tuple[Any, ...]]:
    """(user_id, actor, action, subject_type, subject_id, detail), oldest first."""
    columns = (audit_log.c.user_id, audit_log.c.actor, audit_log.c.action)
    columns += (audit_log.c.subject_type, audit_log.c.subject_id, audit_log.c.detail)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(*columns).order_by(audit_log.c.id))]
