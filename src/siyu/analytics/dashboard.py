"""The operator's dashboard figures: today's tasks by status, overdue work by staff, recent failures.

Each query reads a bounded range of an index: tasks by (status, due_at) for today's counts, the
overdue and the failed; task changes by their id over the newest `CHANGES_WINDOW` changes only.
Counts stop at `COUNT_CAP` (shown as "100,000+"), so the page costs the same whatever the day
holds: counting two million tasks due at once took 0.3 s, grouping them by staff 3 s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.language import DEFAULT_LOCALE
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.store.tables import staff, task_changes, tasks
from siyu.tasks.queries import _query, as_dict

CHANGES_WINDOW = 10_000
OVERDUE_STAFF_SHOWN = 50
COUNT_CAP = 100_000
# overdue tasks are grouped by executor, which the (status, due_at) index does not hold: each one
# read is a row lookup, so the staff ranking looks at fewer (20,000 took 0.1 s at 1M customers)
OVERDUE_CAP = 20_000


@dataclass(frozen=True)
class Count:
    n: int
    capped: bool  # there are more than n

    def __str__(self) -> str:
        return f"{self.n:,}+" if self.capped else f"{self.n:,}"


def _capped(n: int, cap: int) -> Count:
    return Count(min(n, cap), n > cap)


def local_day(now_us: int, zone: ZoneInfo) -> tuple[int, int]:
    """[start, end) of the brand's local day holding `now`."""
    today = from_us(now_us, zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    return to_us(start), to_us(end)


def tasks_by_status(conn: Connection, start_us: int, end_us: int, *, cap: int = COUNT_CAP) -> dict[str, Count]:
    """Tasks due in [start, end) by status, every status present (zeros too): one index range
    per status, each read to at most cap + 1 rows, in one statement."""
    parts = []
    for status in TaskStatus:
        some = (
            sa.select(sa.literal(1).label("one"))
            .select_from(tasks)
            .where(tasks.c.status == status.value, tasks.c.due_at >= start_us, tasks.c.due_at < end_us)
            .limit(cap + 1)
            .subquery()
        )
        parts.append(sa.select(sa.literal(status.value).label("status"), sa.func.count().label("n")).select_from(some))
    counts = {status.value: Count(0, False) for status in TaskStatus}
    for row in conn.execute(sa.union_all(*parts)):
        counts[str(row.status)] = _capped(int(row.n), cap)
    return counts


def total(counts: dict[str, Count]) -> Count:
    return Count(sum(c.n for c in counts.values()), any(c.capped for c in counts.values()))


@dataclass(frozen=True)
class Overdue:
    staff: str | None  # external id; None: tasks without an executor
    name: str | None
    count: int
    capped: bool = False  # counted among the most recent COUNT_CAP overdue tasks only

    def __str__(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"


def overdue_by_staff(
    conn: Connection, now_us: int, *, late_after_us: int, limit: int = OVERDUE_STAFF_SHOWN, cap: int = OVERDUE_CAP
) -> tuple[list[Overdue], Count]:
    """The staff with the most overdue tasks — due, not done, due before now but within
    `late_after` (older ones the worker expires) — and the total. Over `cap` overdue tasks, the
    staff are ranked on the `cap` most recently due, and the counts say "at least"."""
    recent = (
        sa.select(tasks.c.executor_id)
        .where(
            tasks.c.status == TaskStatus.due.value,
            tasks.c.due_at < now_us,
            tasks.c.due_at >= now_us - late_after_us,
        )
        .order_by(tasks.c.due_at.desc())
        .limit(cap + 1)
        .subquery()
    )
    seen = int(conn.execute(sa.select(sa.func.count()).select_from(recent)).scalar_one())
    if not seen:
        return [], Count(0, False)
    grouped = (
        sa.select(recent.c.executor_id, sa.func.count().label("n"))
        .group_by(recent.c.executor_id)
        .order_by(sa.func.count().desc(), recent.c.executor_id)
        .limit(limit)
        .subquery()
    )
    rows = conn.execute(
        sa.select(grouped.c.n, staff.c.external_id, staff.c.name)
        .select_from(grouped.outerjoin(staff, staff.c.id == grouped.c.executor_id))
        .order_by(grouped.c.n.desc(), staff.c.external_id)
    )
    capped = seen > cap
    return [Overdue(r.external_id, r.name, int(r.n), capped) for r in rows], _capped(seen, cap)


def failed_tasks(
    conn: Connection, zone: ZoneInfo, *, limit: int = 10, locale: str = DEFAULT_LOCALE
) -> list[dict[str, Any]]:
    """The failed tasks due most recently, with their reasons."""
    query = (
        _query()
        .where(tasks.c.status == TaskStatus.failed.value)
        .order_by(tasks.c.due_at.desc(), tasks.c.id.desc())
        .limit(limit)
    )
    return [as_dict(row, zone, locale) for row in conn.execute(query)]


@dataclass(frozen=True)
class Failure:
    at_us: int
    task_id: int
    sop: str
    step: str
    actor: str
    reason: str | None  # a person's or a channel's words
    reason_code: str | None = None  # or siyu's reason (core.reasons)
    reason_params: dict[str, Any] | None = None


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
    return [
        Failure(r.at, r.task_id, r.sop_id, r.step_id, r.actor, r.reason, r.reason_code, r.reason_params) for r in rows
    ]
