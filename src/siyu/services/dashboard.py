"""The operator's dashboard figures: today's tasks by status, overdue work by staff, recent failures.

Each query reads a bounded range of an index: tasks by (status, due_at) for today's counts, the
overdue and the failed; task changes by their id over the newest `CHANGES_WINDOW` changes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.services.tasks import _query, as_dict
from siyu.store.tables import staff, task_changes, tasks

CHANGES_WINDOW = 10_000
OVERDUE_STAFF_SHOWN = 50


def local_day(now_us: int, zone: ZoneInfo) -> tuple[int, int]:
    """[start, end) of the brand's local day holding `now`."""
    today = from_us(now_us, zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    return to_us(start), to_us(end)


def tasks_by_status(conn: Connection, start_us: int, end_us: int) -> dict[str, int]:
    """Tasks due in [start, end) by status, every status present (zeros too): one index range
    per status, in one statement."""
    parts = [
        sa.select(sa.literal(status.value).label("status"), sa.func.count().label("n")).where(
            tasks.c.status == status.value, tasks.c.due_at >= start_us, tasks.c.due_at < end_us
        )
        for status in TaskStatus
    ]
    counts = {status.value: 0 for status in TaskStatus}
    for row in conn.execute(sa.union_all(*parts)):
        counts[str(row.status)] = int(row.n)
    return counts


@dataclass(frozen=True)
class Overdue:
    staff: str | None  # external id; None: tasks without an executor
    name: str | None
    count: int


def overdue_by_staff(conn: Connection, now_us: int, *, limit: int = OVERDUE_STAFF_SHOWN) -> tuple[list[Overdue], int]:
    """(the staff with the most overdue tasks — due, not done, due before now — and the total)."""
    overdue = sa.and_(tasks.c.status == TaskStatus.due.value, tasks.c.due_at < now_us)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(tasks).where(overdue)).scalar_one())
    if not total:
        return [], 0
    grouped = (
        sa.select(tasks.c.executor_id, sa.func.count().label("n"))
        .where(overdue)
        .group_by(tasks.c.executor_id)
        .order_by(sa.func.count().desc(), tasks.c.executor_id)
        .limit(limit)
        .subquery()
    )
    rows = conn.execute(
        sa.select(grouped.c.n, staff.c.external_id, staff.c.name)
        .select_from(grouped.outerjoin(staff, staff.c.id == grouped.c.executor_id))
        .order_by(grouped.c.n.desc(), staff.c.external_id)
    )
    return [Overdue(r.external_id, r.name, int(r.n)) for r in rows], total


def failed_tasks(conn: Connection, zone: ZoneInfo, *, limit: int = 10) -> list[dict[str, Any]]:
    """The failed tasks due most recently, with their reasons."""
    query = (
        _query()
        .where(tasks.c.status == TaskStatus.failed.value)
        .order_by(tasks.c.due_at.desc(), tasks.c.id.desc())
        .limit(limit)
    )
    return [as_dict(row, zone) for row in conn.execute(query)]


@dataclass(frozen=True)
class Failure:
    at_us: int
    task_id: int
    sop: str
    step: str
    actor: str
    reason: str | None


def recent_failures(conn: Connection, *, limit: int = 10, window: int = CHANGES_WINDOW) -> list[Failure]:
    """Changes to `failed` among the newest `window` task changes, newest first."""
    newest = conn.execute(sa.select(sa.func.max(task_changes.c.id))).scalar()
    if newest is None:
        return []
    rows = conn.execute(
        sa.select(task_changes, tasks.c.sop_id, tasks.c.step_id)
        .join(tasks, tasks.c.id == task_changes.c.task_id)
        .where(task_changes.c.id > int(newest) - window, task_changes.c.status == TaskStatus.failed.value)
        .order_by(task_changes.c.id.desc())
        .limit(limit)
    )
    return [Failure(r.at, r.task_id, r.sop_id, r.step_id, r.actor, r.reason) for r in rows]
