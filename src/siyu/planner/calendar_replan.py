"""Re-planning by a changed workday calendar.

The calendar changes when the brand's `workdays` setting changes (an official schedule
imported, a day added by hand) or when a library that answers for it is upgraded; its
`fingerprint` says so. The tasks of `workdays_only` steps of enabled SOPs that are not yet due
are then timed again from their occurrence (`scheduled_at`), a batch at a time behind a cursor
that survives a crash:

* a pending task whose wanted time moves gets it (due = wanted, the frequency cap places it
  again), with the reason `workday_calendar_changed` and a line in its history;
* a pending task a cap deferred is placed by the cap again (the deferral skips days off);
* a task `failed` for want of a calendar (`workday_calendar_missing`, `no_workday_found`) of
  the SOP's current version comes back to pending at its new time; one the calendar still
  cannot time stays failed;
* a pending task the new calendar cannot time fails with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.model import CUSTOMER_FACING, Step
from siyu.core.reasons import Reason, ReasonCode, reason_columns
from siyu.core.tasks import PLANNER, TaskStatus
from siyu.core.timing import due_timing
from siyu.planner.context import PlanContext
from siyu.planner.loaded_sops import SopBook
from siyu.planner.transitions import change
from siyu.store.sql import insert_ignoring
from siyu.store.tables import calendar_state, task_changes, tasks

STATE_ID = 1
CALENDAR_FAILURES = (ReasonCode.workday_calendar_missing.value, ReasonCode.no_workday_found.value)
CHANGED = Reason.of(ReasonCode.workday_calendar_changed)


def replan_by_calendar(conn: Connection, book: SopBook, ctx: PlanContext, *, batch: int) -> bool:
    """Re-plan a batch of tasks when the calendar is not the one they were planned by; returns
    whether more remain."""
    fingerprint = ctx.settings.calendar.fingerprint
    state = _state(conn)
    if state.planned_fingerprint == fingerprint:
        return False
    cursor = state.cursor if state.target_fingerprint == fingerprint else 0
    steps = _workday_steps(book)
    rows = (
        list(
            conn.execute(
                sa.select(
                    tasks.c.id,
                    tasks.c.sop_id,
                    tasks.c.step_id,
                    tasks.c.sop_version,
                    tasks.c.status,
                    tasks.c.scheduled_at,
                    tasks.c.wanted_at,
                    tasks.c.due_at,
                )
                .where(
                    tasks.c.id > cursor,
                    sa.or_(
                        *(
                            sa.and_(tasks.c.sop_id == sop_id, tasks.c.step_id.in_(sorted(by_id)))
                            for sop_id, by_id in sorted(steps.items())
                        )
                    ),
                    sa.or_(
                        tasks.c.status == TaskStatus.pending.value,
                        sa.and_(tasks.c.status == TaskStatus.failed.value, tasks.c.reason_code.in_(CALENDAR_FAILURES)),
                    ),
                )
                .order_by(tasks.c.id)
                .limit(batch)
            )
        )
        if steps
        else []
    )
    _replan(conn, rows, steps, book, ctx)
    if len(rows) == batch:
        _save(conn, target_fingerprint=fingerprint, cursor=rows[-1].id)
        return True
    _save(conn, planned_fingerprint=fingerprint, target_fingerprint=None, cursor=0)
    return False


def _replan(
    conn: Connection, rows: list[Any], steps: dict[str, dict[str, Step]], book: SopBook, ctx: PlanContext
) -> None:
    moved: list[dict[str, Any]] = []
    revived: list[dict[str, Any]] = []
    recheck_caps: list[int] = []
    failures: dict[Reason, list[int]] = defaultdict(list)
    for row in rows:
        step = steps[row.sop_id].get(row.step_id)
        failed = row.status == TaskStatus.failed.value
        if step is None or (failed and row.sop_version != book.enabled[row.sop_id].version):
            continue
        when = due_timing(step, row.scheduled_at, ctx.settings)
        facing = step.channel in CUSTOMER_FACING
        if when.failure is not None:
            if not failed:
                failures[when.failure].append(row.id)
        elif failed:
            revived.append({"task_id": row.id, "wanted": when.wanted_us, "facing": facing})
        elif when.wanted_us != row.wanted_at:
            moved.append({"task_id": row.id, "wanted": when.wanted_us, "facing": facing})
        elif facing and row.due_at != row.wanted_at:
            recheck_caps.append(row.id)
    _retime(conn, moved, TaskStatus.pending, ctx)
    _retime(conn, revived, TaskStatus.failed, ctx)
    if recheck_caps:
        conn.execute(sa.update(tasks).where(tasks.c.id.in_(recheck_caps)).values(cap_pending=True))
    for reason, ids in failures.items():
        change(conn, ids, TaskStatus.failed, actor=PLANNER, now_us=ctx.now_us, reason=reason)


def _retime(conn: Connection, retimed: list[dict[str, Any]], was: TaskStatus, ctx: PlanContext) -> None:
    """Pending (again) at the new wanted time, which the frequency cap places anew."""
    if not retimed:
        return
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("task_id"), tasks.c.status == was.value)
        .values(
            status=TaskStatus.pending.value,
            wanted_at=sa.bindparam("wanted"),
            due_at=sa.bindparam("wanted"),
            cap_pending=sa.bindparam("facing"),
            **reason_columns(CHANGED),
            updated_at=ctx.now_us,
        ),
        retimed,
    )
    conn.execute(
        sa.insert(task_changes),
        [
            {
                "task_id": item["task_id"],
                "at": ctx.now_us,
                "status": TaskStatus.pending.value,
                "actor": PLANNER,
                **reason_columns(CHANGED),
            }
            for item in retimed
        ],
    )


def _workday_steps(book: SopBook) -> dict[str, dict[str, Step]]:
    """The `workdays_only` steps of every enabled SOP's latest version, by SOP and step id."""
    found: dict[str, dict[str, Step]] = {}
    for stored in book.enabled.values():
        steps = {step.id: step for step in stored.sop.steps if step.workdays_only}
        if steps:
            found[stored.id] = steps
    return found


def _state(conn: Connection) -> Any:
    row = conn.execute(sa.select(calendar_state).where(calendar_state.c.id == STATE_ID)).first()
    if row is None:
        conn.execute(insert_ignoring(conn, calendar_state).values(id=STATE_ID))
        row = conn.execute(sa.select(calendar_state).where(calendar_state.c.id == STATE_ID)).one()
    return row


def _save(conn: Connection, **values: Any) -> None:
    conn.execute(sa.update(calendar_state).where(calendar_state.c.id == STATE_ID).values(**values))
