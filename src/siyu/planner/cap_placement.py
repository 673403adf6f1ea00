"""The brand-wide frequency cap, applied to customers who got new customer-facing tasks.

A customer whose counted tasks in reach cannot break a cap (no more than the smaller cap in
all) is cleared set-based; the others are placed by core.caps.place, which defers the
lower-priority, later-planned tasks to the next day with room. The cap arithmetic is core.caps';
this module reads and writes the tasks."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.caps import CapItem, counted_since, fixed_offset_us, place, smaller_cap, within_caps
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import CUSTOMER_FACING
from siyu.core.reasons import Reason, ReasonCode, reason_columns, stored_reason
from siyu.core.tasks import COUNTED_BY_CAPS, PLANNER, TaskStatus
from siyu.core.timeutil import US_PER_DAY
from siyu.planner.context import PlanContext
from siyu.planner.loaded_sops import SopBook
from siyu.planner.transitions import change
from siyu.store.tables import task_changes, tasks

FACING = [channel.value for channel in CUSTOMER_FACING]
COUNTED = [status.value for status in COUNTED_BY_CAPS]
BACK_IN_PLACE = Reason.of(ReasonCode.cap_room_again)


def _code_and_params(reason: Reason | None) -> dict[str, Any]:
    columns = reason_columns(reason)
    return {"code": columns["reason_code"], "params": columns["reason_params"]}


def place_caps(conn: Connection, book: SopBook, ctx: PlanContext, *, batch: int) -> bool:
    """Check a batch of customers with unchecked tasks; returns whether more remain."""
    unchecked = sa.select(tasks.c.target_id).where(tasks.c.cap_pending).distinct().order_by(tasks.c.target_id)
    customer_ids = [int(i) for i in conn.execute(unchecked.limit(batch)).scalars()]
    if not customer_ids:
        return False
    low, high = customer_ids[0], customer_ids[-1]
    caps = ctx.settings.caps
    limit = smaller_cap(caps)
    horizon_start = counted_since(ctx.now_us, ctx.zone)
    in_reach = [
        tasks.c.target_type == TargetKind.customer.value,
        tasks.c.target_id.between(low, high),
        tasks.c.channel.in_(FACING),
        tasks.c.status.in_(COUNTED),
        tasks.c.due_at >= horizon_start,
    ]
    crowded_query = _crowded(in_reach, unchecked.where(tasks.c.target_id.between(low, high)), limit, horizon_start, ctx)
    crowded = [int(i) for i in conn.execute(crowded_query).scalars()]
    counted = (
        sa.select(
            tasks.c.id,
            tasks.c.target_id,
            tasks.c.sop_id,
            tasks.c.step_id,
            tasks.c.status,
            tasks.c.priority,
            tasks.c.wanted_at,
            tasks.c.due_at,
            tasks.c.reason_code,
            tasks.c.reason_params,
            tasks.c.created_at,
            tasks.c.scheduled_at,
        )
        .where(*in_reach, tasks.c.target_id.in_(crowded))
        .order_by(tasks.c.id)
    )
    by_customer: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(counted) if crowded else ():
        by_customer[row.target_id].append(row)
    updates: list[dict[str, Any]] = []
    unplaceable: dict[Reason | None, list[int]] = defaultdict(list)
    failures: dict[Reason | None, list[int]] = defaultdict(list)
    for rows in by_customer.values():
        if within_caps([(r.due_at, r.wanted_at) for r in rows], caps, ctx.zone):
            continue
        # "earlier planned" by the tick that planned it, then SOP, step position and occurrence —
        # not the task id, which depends on which of several workers got to an SOP first
        planned = sorted(
            rows,
            key=lambda r: (r.created_at, r.sop_id, _step_position(book, r.sop_id, r.step_id), r.scheduled_at, r.id),
        )
        order = {r.id: position for position, r in enumerate(planned)}
        items = [
            CapItem(
                key=r.id,
                want_us=r.wanted_at if r.wanted_at > ctx.now_us else r.due_at,
                first_wanted_us=None if r.wanted_at > ctx.now_us else r.wanted_at,
                held_by=stored_reason(r.reason_code, r.reason_params),
                priority=r.priority,
                order=order[r.id],
                # every task not yet fired may move, also one planned at this tick already due:
                # it fires after the caps are placed, so it must not fire over them
                movable=r.status == TaskStatus.pending.value,
                workdays_only=_workdays_only(book, r.sop_id, r.step_id),
            )
            for r in rows
        ]
        current = {r.id: r for r in rows}
        for placement in place(items, caps, ctx.settings):
            row = current[placement.key]
            if placement.failed:
                failures[placement.reason].append(row.id)
            elif placement.due_us is None:
                unplaceable[placement.reason].append(row.id)
            elif placement.due_us != row.due_at or placement.reason != stored_reason(
                row.reason_code, row.reason_params
            ):
                updates.append({"task_id": row.id, "due_at": placement.due_us, "why": placement.reason})
    if updates:
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.id == sa.bindparam("task_id"))
            .values(
                due_at=sa.bindparam("due_at"),
                reason=None,
                reason_code=sa.bindparam("code"),
                reason_params=sa.bindparam("params"),
                updated_at=ctx.now_us,
            ),
            [{"task_id": u["task_id"], "due_at": u["due_at"], **_code_and_params(u["why"])} for u in updates],
        )
        # a move keeps the status; the history shows who moved it and why
        conn.execute(
            sa.insert(task_changes),
            [
                {
                    "task_id": u["task_id"],
                    "at": ctx.now_us,
                    "status": TaskStatus.pending.value,
                    "actor": PLANNER,
                    **reason_columns(u["why"] or BACK_IN_PLACE),
                }
                for u in updates
            ],
        )
    for reason, ids in unplaceable.items():
        change(conn, ids, TaskStatus.skipped, actor=PLANNER, now_us=ctx.now_us, reason=reason)
    for reason, ids in failures.items():
        change(conn, ids, TaskStatus.failed, actor=PLANNER, now_us=ctx.now_us, reason=reason)
    conn.execute(
        sa.update(tasks).where(tasks.c.cap_pending, tasks.c.target_id.between(low, high)).values(cap_pending=False)
    )
    return len(customer_ids) == batch


def _crowded(
    in_reach: list[Any], unchecked: sa.Select[Any], limit: int, horizon_start: int, ctx: PlanContext
) -> sa.Select[Any]:
    """Customers who may need a move: a local day over the daily cap, more tasks in reach than
    the weekly cap, or a task already moved. The rest are cleared without reading their tasks.

    Local days are counted in SQL with the zone's offset when it is the same over the whole
    reach (no daylight-saving change); otherwise every customer with more tasks than the
    smaller cap is read."""
    caps = ctx.settings.caps
    moved = sa.func.max(sa.case((tasks.c.due_at != tasks.c.wanted_at, 1), else_=0))
    offset = fixed_offset_us(horizon_start, ctx.now_us, ctx.zone)
    if offset is None:
        return (
            sa.select(tasks.c.target_id)
            .where(*in_reach, tasks.c.target_id.in_(unchecked))
            .group_by(tasks.c.target_id)
            .having(sa.or_(sa.func.count() > limit, moved == 1))
        )
    day = (tasks.c.due_at + offset) // US_PER_DAY
    per_day = (
        sa.select(tasks.c.target_id, sa.func.count().label("n"), moved.label("moved"))
        .where(*in_reach, tasks.c.target_id.in_(unchecked))
        .group_by(tasks.c.target_id, day)
        .subquery()
    )
    return (
        sa.select(per_day.c.target_id)
        .group_by(per_day.c.target_id)
        .having(
            sa.or_(
                sa.func.max(per_day.c.n) > caps.per_day,
                sa.func.sum(per_day.c.n) > caps.per_week,
                sa.func.max(per_day.c.moved) == 1,
            )
        )
    )


def _step_position(book: SopBook, sop_id: str, step_id: str) -> int:
    """The step's place in its SOP (steps are planned in that order)."""
    stored = book.enabled.get(sop_id)
    steps = [step.id for step in stored.sop.steps] if stored is not None else []
    return steps.index(step_id) if step_id in steps else len(steps)


def _workdays_only(book: SopBook, sop_id: str, step_id: str) -> bool:
    stored = book.enabled.get(sop_id)
    if stored is None:
        return False
    for step in stored.sop.steps:
        if step.id == step_id:
            return step.workdays_only
    return False
