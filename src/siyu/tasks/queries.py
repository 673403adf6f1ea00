"""Reading tasks: lists with filters, one task, its history of changes, counts by step.
Changing them is `tasks.status`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.reasons import render_reason
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.store.tables import chat_groups, customers, staff, task_changes, tasks

MAX_LIMIT = 10_000


@dataclass(frozen=True)
class TaskFilter:
    staff: str | None = None  # executor's external id
    executor_id: int | None = None  # only this staff member's tasks (a staff user's own)
    status: TaskStatus | None = None
    sop: str | None = None
    due_before_us: int | None = None
    due_from_us: int | None = None
    limit: int = 1000
    offset: int = 0
    locale: str = DEFAULT_LOCALE  # the language reasons are shown in


def _target_external() -> Any:
    return sa.case(
        (
            tasks.c.target_type == "customer",
            sa.select(customers.c.external_id).where(customers.c.id == tasks.c.target_id).scalar_subquery(),
        ),
        (
            tasks.c.target_type == "group",
            sa.select(chat_groups.c.external_id).where(chat_groups.c.id == tasks.c.target_id).scalar_subquery(),
        ),
        else_=sa.select(staff.c.external_id).where(staff.c.id == tasks.c.target_id).scalar_subquery(),
    )


def _query() -> sa.Select[Any]:
    executor = staff.alias("executor")
    return sa.select(tasks, _target_external().label("target"), executor.c.external_id.label("executor")).select_from(
        tasks.outerjoin(executor, executor.c.id == tasks.c.executor_id)
    )


def as_dict(row: Any, zone: ZoneInfo, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
    return {
        "id": row.id,
        "sop": row.sop_id,
        "sop_version": row.sop_version,
        "step": row.step_id,
        "target_type": row.target_type,
        "target": row.target,
        "executor": row.executor,
        "due_at": from_us(row.due_at, zone).isoformat(),
        "status": row.status,
        "variant": row.variant,
        "channel": row.channel,
        "mode": row.mode,
        "content": row.content,
        "reason": reason_text(row, locale),
        "scheduled_at": from_us(row.scheduled_at, zone).isoformat(),
        "entry": row.entry_no,
    }


def list_tasks(conn: Connection, where: TaskFilter) -> list[dict[str, Any]]:
    if not 1 <= where.limit <= MAX_LIMIT:
        raise ValidationError([Problem("--limit", f"expected 1 to {MAX_LIMIT}, got {where.limit}")])
    zone = brand_settings.load(conn).zone
    query = _query()
    if where.staff is not None:
        staff_id = conn.execute(sa.select(staff.c.id).where(staff.c.external_id == where.staff)).scalar()
        if staff_id is None:
            raise NotFoundError(f"no staff member {where.staff}")
        query = query.where(tasks.c.executor_id == staff_id)
    if where.executor_id is not None:
        query = query.where(tasks.c.executor_id == where.executor_id)
    if where.status is not None:
        query = query.where(tasks.c.status == where.status.value)
    if where.sop is not None:
        query = query.where(tasks.c.sop_id == where.sop)
    if where.due_before_us is not None:
        query = query.where(tasks.c.due_at < where.due_before_us)
    if where.due_from_us is not None:
        query = query.where(tasks.c.due_at >= where.due_from_us)
    query = query.order_by(tasks.c.due_at, tasks.c.id).limit(where.limit).offset(where.offset)
    return [as_dict(row, zone, where.locale) for row in conn.execute(query)]


def get_task(
    conn: Connection, task_id: int, locale: str = DEFAULT_LOCALE, *, executor_id: int | None = None
) -> dict[str, Any]:
    """One task; with `executor_id`, only if that staff member carries it out (a staff user
    sees their own tasks only: another's is "not found", not "forbidden")."""
    query = _query().where(tasks.c.id == task_id)
    if executor_id is not None:
        query = query.where(tasks.c.executor_id == executor_id)
    row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no task {task_id}")
    return as_dict(row, brand_settings.load(conn).zone, locale)


def history(conn: Connection, task_id: int, locale: str = DEFAULT_LOCALE) -> list[dict[str, Any]]:
    zone = brand_settings.load(conn).zone
    rows = conn.execute(sa.select(task_changes).where(task_changes.c.task_id == task_id).order_by(task_changes.c.id))
    return [
        {"at": from_us(r.at, zone).isoformat(), "status": r.status, "actor": r.actor, "reason": reason_text(r, locale)}
        for r in rows
    ]


def reason_text(row: Any, locale: str) -> str | None:
    """A task's or a change's reason in the reader's language: siyu's code rendered with its
    parameters, or the words a person or a channel gave."""
    return render_reason(row.reason_code, row.reason_params, row.reason, locale)


def counts_by_step(conn: Connection, *, due_from_us: int, due_before_us: int) -> list[tuple[str, str, str, int]]:
    """(sop, step, status, count) of the tasks due in [from, before), by SOP and step."""
    query = (
        sa.select(tasks.c.sop_id, tasks.c.step_id, tasks.c.status, sa.func.count())
        .where(tasks.c.due_at >= due_from_us, tasks.c.due_at < due_before_us)
        .group_by(tasks.c.sop_id, tasks.c.step_id, tasks.c.status)
        .order_by(tasks.c.sop_id, tasks.c.step_id, tasks.c.status)
    )
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in conn.execute(query)]


def due_us(task: dict[str, Any]) -> int:
    """The due instant of a task dict (as `as_dict` writes it)."""
    return to_us(datetime.fromisoformat(str(task["due_at"])))
