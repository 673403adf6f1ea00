"""A failed SOP step, recorded on its SOP (`sop_state.last_error…`) so that one SOP cannot stop
the others: the tick rolls back the step's savepoint, records the failure and goes on.

The stored text is the error's class and the first line of its message, shortened: never the
SQL statement or its parameters, which may hold customer data."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.sops.overview import SopFailure
from siyu.store.sql import insert_ignoring
from siyu.store.tables import sop_state

ERROR_CHARS = 300


class SopStepError(Exception):
    """Raised by a brand-wide step when the work of one SOP failed in it (a `fire` group), so
    that the tick can record it on that SOP and go on without it."""

    def __init__(self, sop_id: str) -> None:
        self.sop_id = sop_id
        super().__init__(f"SOP {sop_id} failed")


def error_text(exc: BaseException) -> str:
    """`ClassName: first line of the message`, at most ERROR_CHARS characters. A database error
    is described by the driver's error, without SQLAlchemy's `[SQL: …]` and parameters."""
    if isinstance(exc, SopStepError) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, sa.exc.StatementError) and exc.orig is not None:
        exc = exc.orig
    lines = str(exc).strip().splitlines()
    message = lines[0].strip() if lines else ""
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    text = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text)
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def record(conn: Connection, sop_id: str, step: str, exc: BaseException, *, now_us: int) -> SopFailure:
    """Record a failure of `step` on the SOP. A tick records at most one per SOP (its steps stop
    at the first), so `failures` counts the ticks in a row that failed."""
    conn.execute(insert_ignoring(conn, sop_state).values(sop_id=sop_id))
    failure = SopFailure(sop_id, step, error_text(exc), now_us)
    conn.execute(
        sa.update(sop_state)
        .where(sop_state.c.sop_id == sop_id)
        .values(
            last_error=failure.error,
            last_error_step=step,
            last_error_at=now_us,
            failures=sop_state.c.failures + 1,
        )
    )
    count = conn.execute(sa.select(sop_state.c.failures).where(sop_state.c.sop_id == sop_id)).scalar_one()
    return SopFailure(sop_id, step, failure.error, now_us, int(count))


def clear(conn: Connection, sop_ids: Collection[str]) -> None:
    """The SOPs ran cleanly: forget their last failure."""
    if not sop_ids:
        return
    conn.execute(
        sa.update(sop_state)
        .where(sop_state.c.sop_id.in_(sorted(sop_ids)), sop_state.c.failures > 0)
        .values(last_error=None, last_error_step=None, last_error_at=None, failures=0)
    )
