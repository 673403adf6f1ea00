"""Making task rows: timing of one occurrence, the executor, and idempotent inserts.

Every insert is `ON CONFLICT DO NOTHING` on the task's occurrence key (sop, step, target,
entry number, scheduled instant), so planning the same occurrence twice — a second worker, a
restart after a crash — never makes a second task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.assign import pick_holder, pick_variant
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import CUSTOMER_FACING, ExecutorKind, Sop, Step
from siyu.core.schedule import due_instant
from siyu.core.tasks import TaskStatus
from siyu.core.workdays import CalendarError
from siyu.planner.context import PlanContext
from siyu.store.batch_sql import BatchInsert
from siyu.store.sql import insert_ignoring
from siyu.store.tables import tasks

OCCURRENCE = ("sop_id", "step_id", "target_type", "target_id", "entry_no", "scheduled_at")
# in the table's column order (BatchInsert compiles them positionally)
COLUMNS = (
    "sop_id",
    "sop_version",
    "step_id",
    "target_type",
    "target_id",
    "entry_no",
    "scheduled_at",
    "wanted_at",
    "due_at",
    "cap_pending",
    "status",
    "channel",
    "mode",
    "priority",
    "executor_id",
    "variant",
    "event_id",
    "reason",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Timing:
    """When an occurrence is due (before caps), or why it cannot be planned."""

    wanted_us: int
    failure: str | None = None


def timing(step: Step, scheduled_us: int, ctx: PlanContext) -> Timing:
    try:
        wanted = due_instant(
            scheduled_us,
            customer_facing=step.channel in CUSTOMER_FACING,
            workdays_only=step.workdays_only,
            settings=ctx.settings,
        )
    except CalendarError as exc:
        return Timing(scheduled_us, f"工作日日历缺失 (workday calendar): {exc}")
    return Timing(wanted)


@dataclass(frozen=True)
class Target:
    """One target of a step, as the planner needs it to make a task."""

    type: TargetKind
    id: int
    external_id: str
    owner_id: int | None  # the customer's or group's owner; the staff account itself for staff


def executor_of(
    sop: Sop, step: Step, target: Target, ctx: PlanContext, group_holders: Sequence[int] = ()
) -> int | None:
    """The staff id that carries a step out for one target (None: nobody can)."""
    executor = step.executor
    kind = executor.kind
    if kind in (ExecutorKind.owner, ExecutorKind.group_owner):
        return target.owner_id
    if kind is ExecutorKind.self_:
        return target.id
    if kind is ExecutorKind.staff:
        return ctx.directory.by_external_id.get(executor.name or "")
    holders = (
        list(group_holders) if target.type is TargetKind.group else ctx.directory.holders.get(executor.name or "", [])
    )
    if not holders:
        return None
    if len(holders) == 1:
        return holders[0]
    by_external = {ctx.directory.external_ids[h]: h for h in holders}
    return by_external[pick_holder(f"{sop.id}/{step.id}/{target.external_id}", sorted(by_external))]


def draft(
    sop: Sop,
    version: int,
    step: Step,
    target: Target,
    *,
    entry_no: int,
    scheduled_us: int,
    ctx: PlanContext,
    executor_id: int | None,
    event_id: int | None = None,
) -> tuple[Any, ...]:
    """One task row in COLUMNS order."""
    when = timing(step, scheduled_us, ctx)
    capped = step.channel in CUSTOMER_FACING and when.failure is None
    status = TaskStatus.failed if when.failure else TaskStatus.pending
    variant = pick_variant(sop.id, step.id, target.external_id, step.variants)
    return (
        sop.id,
        version,
        step.id,
        target.type.value,
        target.id,
        entry_no,
        scheduled_us,
        when.wanted_us,
        when.wanted_us,
        capped,
        status.value,
        step.channel.value,
        step.mode.value,
        sop.priority,
        executor_id,
        variant,
        event_id,
        when.failure,
        ctx.now_us,
        ctx.now_us,
    )


def insert_rows(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert task rows, skipping occurrences that exist; returns how many were new."""
    if not rows:
        return 0
    return BatchInsert(conn, tasks, COLUMNS, conflict=OCCURRENCE).run(rows)


def insert_from_select(conn: Connection, select: sa.Select[Any]) -> int:
    """INSERT INTO tasks (COLUMNS) SELECT … ON CONFLICT DO NOTHING; `select` yields COLUMNS in order."""
    return conn.execute(insert_ignoring(conn, tasks, OCCURRENCE).from_select(COLUMNS, select)).rowcount
