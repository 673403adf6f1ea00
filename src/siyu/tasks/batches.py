"""A staff member's batches (delivery/batches.py makes them: the tasks of one SOP step for one
executor due in the same minute) as the phone page shows them, and the whole batch marked done
in one audited action.

Every read takes the staff member whose tasks they are: another's batch answers NotFoundError."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.reminders import SLOT_US
from siyu.core.tasks import TaskStatus
from siyu.store.tables import chat_groups, customers, sops, task_batches, task_changes, tasks
from siyu.tasks import events as task_events
from siyu.tasks.status import history_name

B = task_batches
SHOWN = 1000  # tasks of one batch listed on its page
CHUNK = 500


@dataclass(frozen=True)
class BatchSummary:
    id: int
    sop_id: str
    sop_name: str
    step_id: str
    channel: str
    target_type: str
    slot_us: int
    open: int  # tasks still to do
    total: int


@dataclass(frozen=True)
class BatchTask:
    id: int
    status: str
    target_type: str
    target_id: str
    target_name: str
    content: dict[str, Any]


def _summaries(conn: Connection, where: list[Any]) -> list[BatchSummary]:
    open_count = sa.func.sum(sa.case((tasks.c.status == TaskStatus.due.value, 1), else_=0))
    rows = conn.execute(
        sa.select(
            B.c.id,
            B.c.sop_id,
            sops.c.name,
            B.c.step_id,
            B.c.slot_at,
            sa.func.min(tasks.c.channel).label("channel"),
            sa.func.min(tasks.c.target_type).label("target_type"),
            open_count.label("open"),
            sa.func.count().label("total"),
        )
        .select_from(B.join(sops, sops.c.id == B.c.sop_id).join(tasks, tasks.c.batch_id == B.c.id))
        .where(*where)
        .group_by(B.c.id, B.c.sop_id, sops.c.name, B.c.step_id, B.c.slot_at)
        .order_by(B.c.slot_at, B.c.sop_id, B.c.step_id)
    ).all()
    return [
        BatchSummary(
            id=int(row.id),
            sop_id=str(row.sop_id),
            sop_name=str(row.name),
            step_id=str(row.step_id),
            channel=str(row.channel),
            target_type=str(row.target_type),
            slot_us=int(row.slot_at),
            open=int(row.open or 0),
            total=int(row.total),
        )
        for row in rows
    ]


def open_batches(conn: Connection, staff_id: int, *, due_from_us: int, due_before_us: int) -> list[BatchSummary]:
    """The staff member's batches with open tasks due in [due_from_us, due_before_us), by slot."""
    return _summaries(
        conn,
        [
            tasks.c.executor_id == staff_id,
            tasks.c.status == TaskStatus.due.value,
            tasks.c.due_at >= due_from_us,
            tasks.c.due_at < due_before_us,
        ],
    )


def later_today(conn: Connection, staff_id: int, *, due_from_us: int, due_before_us: int) -> list[BatchSummary]:
    """The staff member's pending tasks due in [due_from_us, due_before_us), counted per SOP step
    and minute: the batches they will form (id 0: not made yet)."""
    slot = tasks.c.due_at - tasks.c.due_at % SLOT_US
    rows = conn.execute(
        sa.select(
            tasks.c.sop_id,
            sops.c.name,
            tasks.c.step_id,
            slot.label("slot"),
            sa.func.min(tasks.c.channel).label("channel"),
            sa.func.min(tasks.c.target_type).label("target_type"),
            sa.func.count().label("total"),
        )
        .select_from(tasks.join(sops, sops.c.id == tasks.c.sop_id))
        .where(
            tasks.c.executor_id == staff_id,
            tasks.c.status == TaskStatus.pending.value,
            tasks.c.due_at >= due_from_us,
            tasks.c.due_at < due_before_us,
        )
        .group_by(tasks.c.sop_id, sops.c.name, tasks.c.step_id, slot)
        .order_by(slot, tasks.c.sop_id, tasks.c.step_id)
    ).all()
    return [
        BatchSummary(
            id=0,
            sop_id=str(row.sop_id),
            sop_name=str(row.name),
            step_id=str(row.step_id),
            channel=str(row.channel),
            target_type=str(row.target_type),
            slot_us=int(row.slot),
            open=int(row.total),
            total=int(row.total),
        )
        for row in rows
    ]


def batch_of(conn: Connection, staff_id: int, batch_id: int) -> tuple[BatchSummary, list[BatchTask]]:
    """One of the staff member's batches and its tasks (the first SHOWN, open ones first)."""
    found = _summaries(conn, [B.c.id == batch_id, B.c.executor_id == staff_id, tasks.c.executor_id == staff_id])
    if not found:
        raise NotFoundError(f"no batch {batch_id}")
    is_customer = sa.and_(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id)
    is_group = sa.and_(tasks.c.target_type == "group", chat_groups.c.id == tasks.c.target_id)
    rows = conn.execute(
        sa.select(
            tasks.c.id,
            tasks.c.status,
            tasks.c.target_type,
            tasks.c.content,
            sa.func.coalesce(customers.c.external_id, chat_groups.c.external_id, "").label("target_id"),
            sa.func.coalesce(customers.c.name, chat_groups.c.name, "").label("target_name"),
        )
        .select_from(tasks.outerjoin(customers, is_customer).outerjoin(chat_groups, is_group))
        .where(tasks.c.batch_id == batch_id, tasks.c.executor_id == staff_id)
        .order_by(sa.case((tasks.c.status == TaskStatus.due.value, 0), else_=1), tasks.c.id)
        .limit(SHOWN)
    ).all()
    listed = [
        BatchTask(
            id=int(row.id),
            status=str(row.status),
            target_type=str(row.target_type),
            target_id=str(row.target_id),
            target_name=str(row.target_name),
            content=row.content if isinstance(row.content, dict) else {},
        )
        for row in rows
    ]
    return found[0], listed


def complete_batch(
    conn: Connection, staff_id: int, batch_id: int, *, actor: Actor, now_us: int, via: str | None = None
) -> int:
    """Mark every open task of the staff member's batch done: each task's history and `task_done`
    event, and one audit entry naming them all. Returns how many; ValidationError when none is open."""
    if conn.execute(sa.select(B.c.id).where(B.c.id == batch_id, B.c.executor_id == staff_id)).first() is None:
        raise NotFoundError(f"no batch {batch_id}")
    open_ids = [
        int(task_id)
        for task_id in conn.execute(
            sa.select(tasks.c.id)
            .where(
                tasks.c.batch_id == batch_id,
                tasks.c.executor_id == staff_id,
                tasks.c.status == TaskStatus.due.value,
            )
            .order_by(tasks.c.id)
            .with_for_update()
        ).scalars()
    ]
    if not open_ids:
        raise ValidationError([Problem(f"batch {batch_id}", "it has no open task left")])
    done = TaskStatus.done.value
    by = history_name(actor)
    for start in range(0, len(open_ids), CHUNK):
        chunk = [tasks.c.id.in_(open_ids[start : start + CHUNK])]
        history = sa.select(tasks.c.id, sa.literal(now_us, sa.BigInteger), sa.literal(done), sa.literal(by)).where(
            *chunk
        )
        conn.execute(sa.insert(task_changes).from_select(["task_id", "at", "status", "actor"], history))
        conn.execute(sa.update(tasks).where(*chunk).values(status=done, reason=None, updated_at=now_us))
    zone = brand_settings.load(conn).zone
    task_events.record_all(conn, open_ids, "done", now_us=now_us, zone=zone, extra={"by": by, "batch": batch_id})
    detail: dict[str, Any] = {"count": len(open_ids), "tasks": open_ids}
    if via:
        detail["via"] = via
    audit.record(
        conn,
        actor=actor,
        action="task.batch_done",
        subject_type="batch",
        subject_id=str(batch_id),
        now_us=now_us,
        detail=detail,
    )
    return len(open_ids)
