"""Status changes of tasks, each recorded in `task_changes` with who or what made it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.reasons import Reason, ReasonCode, reason_columns, stored_reason
from siyu.core.tasks import TaskStatus
from siyu.store.tables import sop_entries, task_changes, tasks

CHUNK = 5000


def change(
    conn: Connection,
    ids: Sequence[int],
    status: TaskStatus,
    *,
    actor: str,
    now_us: int,
    reason: Reason | str | None = None,
    only_from: Sequence[TaskStatus] = (TaskStatus.pending,),
    values: Mapping[str, Any] | None = None,
) -> list[int]:
    """Move these tasks to `status` if they are still in one of `only_from`; returns the ids moved."""
    moved: list[int] = []
    stored_reason = reason_columns(reason)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        still = [
            int(task_id)
            for task_id in conn.execute(
                sa.select(tasks.c.id).where(tasks.c.id.in_(chunk), tasks.c.status.in_([s.value for s in only_from]))
            ).scalars()
        ]
        if not still:
            continue
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.id.in_(still))
            .values(status=status.value, updated_at=now_us, **stored_reason, **dict(values or {}))
        )
        conn.execute(
            sa.insert(task_changes),
            [
                {"task_id": task_id, "at": now_us, "status": status.value, "actor": actor, **stored_reason}
                for task_id in still
            ],
        )
        moved += still
    return moved


def cancel_for_closed_entries(conn: Connection, sop_id: str, *, actor: str, now_us: int) -> int:
    """Cancel the pending tasks of entries that have closed, with the entry's exit reason."""
    e = sop_entries
    query = (
        sa.select(tasks.c.id, e.c.exit_reason, e.c.exit_params)
        .join(
            e,
            sa.and_(
                e.c.sop_id == tasks.c.sop_id,
                e.c.target_type == tasks.c.target_type,
                e.c.target_id == tasks.c.target_id,
                e.c.entry_no == tasks.c.entry_no,
            ),
        )
        .where(tasks.c.sop_id == sop_id, tasks.c.status == TaskStatus.pending.value, e.c.exited_at.is_not(None))
    )
    by_reason: dict[Reason, list[int]] = {}
    for row in conn.execute(query):
        by_reason.setdefault(exit_reason(row.exit_reason, row.exit_params), []).append(int(row.id))
    count = 0
    for reason, ids in by_reason.items():
        count += len(change(conn, ids, TaskStatus.cancelled, actor=actor, now_us=now_us, reason=reason))
    return count


def exit_reason(code: str | None, params: Mapping[str, Any] | None) -> Reason:
    """The reason a closed entry gives its cancelled tasks."""
    return stored_reason(code, params) or Reason.of(ReasonCode.left_sop)


def mark_due(conn: Connection, rendered: Sequence[tuple[int, dict[str, Any]]], *, actor: str, now_us: int) -> None:
    """pending → due with each task's rendered content, as one executemany."""
    if not rendered:
        return
    statement = (
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("task_id"), tasks.c.status == TaskStatus.pending.value)
        .values(status=TaskStatus.due.value, content=sa.bindparam("content"), updated_at=now_us)
    )
    conn.execute(statement, [{"task_id": task_id, "content": content} for task_id, content in rendered])
    conn.execute(
        sa.insert(task_changes),
        [
            {"task_id": task_id, "at": now_us, "status": TaskStatus.due.value, "actor": actor, **reason_columns(None)}
            for task_id, _ in rendered
        ],
    )
