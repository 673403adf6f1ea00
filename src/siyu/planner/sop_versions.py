"""Editing and switching off SOPs.

A new version re-plans what is not yet due: a pending task of an older version whose step
still exists and would fire at the same instant is carried over to the new version (content,
channel, mode and executor follow the new step); any other pending task is cancelled, and the
new version's one-off steps still to come and recurring occurrences are planned for every open
entry. Done, sent and due tasks keep the version they ran under. Switching an SOP off cancels
its pending tasks; switching it on again continues from then."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import CUSTOMER_FACING, OnEvent, Sop, Step
from siyu.core.occurrences import is_one_off, is_recurring, one_off_instant, recurring_instants
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.staff import choose_executor
from siyu.core.task_draft import Target
from siyu.core.tasks import PLANNER, TaskStatus
from siyu.core.timing import due_timing
from siyu.planner import sop_state
from siyu.planner.context import PlanContext
from siyu.planner.task_planning import group_holders
from siyu.planner.transitions import change
from siyu.sops.repo import StoredSop
from siyu.store.tables import sop_entries, sops, tasks
from siyu.store.tables import sop_state as sop_state_table
from siyu.store.target_tables import TARGET_TABLES

E = sop_entries


def sync_version(conn: Connection, stored: StoredSop, ctx: PlanContext, *, batch: int) -> bool:
    """Bring pending tasks of older versions in line with the latest; returns whether more remain."""
    state = sop_state.load(conn, stored.id)
    if state.planned_version == stored.version:
        return False
    if state.planned_version is None:
        sop_state.save(conn, stored.id, planned_version=stored.version)
        return False
    rows = list(
        conn.execute(
            sa.select(tasks, E.c.entered_at)
            .select_from(
                tasks.outerjoin(
                    E,
                    sa.and_(
                        E.c.sop_id == tasks.c.sop_id,
                        E.c.target_type == tasks.c.target_type,
                        E.c.target_id == tasks.c.target_id,
                        E.c.entry_no == tasks.c.entry_no,
                    ),
                )
            )
            .where(
                tasks.c.sop_id == stored.id,
                tasks.c.status == TaskStatus.pending.value,
                tasks.c.sop_version != stored.version,
            )
            .order_by(tasks.c.id)
            .limit(batch)
        )
    )
    sop = stored.sop
    steps = {step.id: step for step in sop.steps}
    cancelled: list[int] = []
    carried: list[dict[str, Any]] = []
    holders = group_holders(conn, [r.target_id for r in rows if r.target_type == TargetKind.group.value])
    externals = _external_ids(conn, rows)
    for row in rows:
        step = steps.get(row.step_id)
        if step is None or not _fires_at(sop, step, row, ctx, stored.enabled_at_us or 0):
            cancelled.append(row.id)
            continue
        kind = TargetKind(row.target_type)
        external, owner = externals.get((kind, row.target_id), ("", None))
        target = Target(kind, row.target_id, external, owner)
        group_role = (
            holders.get(row.target_id, {}).get(step.executor.name or "", []) if kind is TargetKind.group else []
        )
        when = due_timing(step, row.scheduled_at, ctx.settings)
        carried.append(
            {
                "task_id": row.id,
                "sop_version": stored.version,
                "channel": step.channel.value,
                "mode": step.mode.value,
                "priority": sop.priority,
                "executor_id": choose_executor(sop, step, target, ctx.directory, group_role),
                "wanted_at": when.wanted_us,
                "due_at": when.wanted_us,
                "cap_pending": step.channel in CUSTOMER_FACING,
            }
        )
    change(
        conn,
        cancelled,
        TaskStatus.cancelled,
        actor=PLANNER,
        now_us=ctx.now_us,
        reason=Reason.of(ReasonCode.version_replaced, version=stored.version),
    )
    if carried:
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.id == sa.bindparam("task_id"))
            .values(
                sop_version=sa.bindparam("sop_version"),
                channel=sa.bindparam("channel"),
                mode=sa.bindparam("mode"),
                priority=sa.bindparam("priority"),
                executor_id=sa.bindparam("executor_id"),
                wanted_at=sa.bindparam("wanted_at"),
                due_at=sa.bindparam("due_at"),
                cap_pending=sa.bindparam("cap_pending"),
                updated_at=ctx.now_us,
            ),
            carried,
        )
    if len(rows) == batch:
        return True
    # every open entry is planned again (one-offs still to come, recurring from now); the
    # audience is checked again under the new condition at once
    conn.execute(
        sa.update(E)
        .where(E.c.sop_id == stored.id, E.c.exited_at.is_(None), E.c.planned_version.is_not(None))
        .values(planned_version=state.planned_version)
    )
    sop_state.save(conn, stored.id, planned_version=stored.version, audience_checked_at=None)
    return False


def _fires_at(sop: Sop, step: Step, row: Any, ctx: PlanContext, enabled_at: int) -> bool:
    """Would the new step make this same occurrence?"""
    if isinstance(step.at, OnEvent):
        return row.event_id is not None
    entered = row.entered_at if row.entered_at is not None else enabled_at
    if is_one_off(step):
        return bool(one_off_instant(sop, step, entered, ctx.zone) == row.scheduled_at)
    if is_recurring(step):
        return recurring_instants(step, entered, row.scheduled_at - 1, row.scheduled_at, ctx.zone) == [row.scheduled_at]
    return False


def _external_ids(conn: Connection, rows: list[Any]) -> dict[tuple[TargetKind, int], tuple[str, int | None]]:
    found: dict[tuple[TargetKind, int], tuple[str, int | None]] = {}
    for kind in TargetKind:
        ids = sorted({r.target_id for r in rows if r.target_type == kind.value})
        if not ids:
            continue
        table = TARGET_TABLES[kind]
        owner = table.c.id if kind is TargetKind.staff else table.c.owner_id
        for row in conn.execute(
            sa.select(table.c.id, table.c.external_id, owner.label("owner")).where(table.c.id.in_(ids))
        ):
            found[(kind, row.id)] = (row.external_id, row.owner)
    return found


def cancel_disabled(conn: Connection, ctx: PlanContext, *, batch: int) -> bool:
    """Cancel pending tasks of SOPs that are switched off, and forget their planning horizon."""
    disabled = sa.select(sops.c.id).where(sa.not_(sops.c.enabled))
    ids = [
        int(i)
        for i in conn.execute(
            sa.select(tasks.c.id)
            .where(tasks.c.status == TaskStatus.pending.value, tasks.c.sop_id.in_(disabled))
            .limit(batch)
        ).scalars()
    ]
    reason = Reason.of(ReasonCode.sop_disabled)
    change(conn, ids, TaskStatus.cancelled, actor=PLANNER, now_us=ctx.now_us, reason=reason)
    conn.execute(
        sa.update(sop_state_table)
        .where(sop_state_table.c.sop_id.in_(disabled), sop_state_table.c.recurring_until.is_not(None))
        .values(recurring_until=None, recurring_target=None, recurring_cursor=0, audience_checked_at=None)
    )
    return len(ids) == batch


def expire_due(conn: Connection, ctx: PlanContext, *, batch: int) -> bool:
    """Due tasks not done or sent within late_after of their due time expire."""
    late_before = ctx.now_us - ctx.settings.late_after_us
    ids = [
        int(i)
        for i in conn.execute(
            sa.select(tasks.c.id)
            .where(tasks.c.status == TaskStatus.due.value, tasks.c.due_at < late_before)
            .order_by(tasks.c.due_at)
            .limit(batch)
        ).scalars()
    ]
    change(
        conn,
        ids,
        TaskStatus.expired,
        actor=PLANNER,
        now_us=ctx.now_us,
        only_from=(TaskStatus.due,),
        reason=Reason.of(ReasonCode.not_done_in_time),
    )
    return len(ids) == batch
