"""Storing new tasks: a TaskDraft as a row of the task table, and idempotent inserts.

Every insert is `ON CONFLICT DO NOTHING` on the task's occurrence key (sop, step, target,
entry number, scheduled instant), so planning the same occurrence twice — a second worker, a
restart after a crash — never makes a second task."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.task_draft import TaskDraft
from siyu.store.batch_sql import BatchInsert
from siyu.store.sql import insert_ignoring
from siyu.store.tables import Json, tasks

OCCURRENCE = ("sop_id", "step_id", "target_type", "target_id", "entry_no", "scheduled_at")
# in the table's column order (BatchInsert compiles them positionally); TaskDraft's fields
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
    "reason_code",
    "reason_params",
    "reason",
    "created_at",
    "updated_at",
)


def task_row(draft: TaskDraft) -> tuple[Any, ...]:
    """A draft as a row of COLUMNS, the one place the two are put side by side."""
    return (
        draft.sop_id,
        draft.sop_version,
        draft.step_id,
        draft.target_type.value,
        draft.target_id,
        draft.entry_no,
        draft.scheduled_at,
        draft.wanted_at,
        draft.due_at,
        draft.cap_pending,
        draft.status.value,
        draft.channel.value,
        draft.mode.value,
        draft.priority,
        draft.executor_id,
        draft.variant,
        draft.event_id,
        None if draft.reason is None else draft.reason.code.value,
        # as JSON text: the batch insert hands rows to the driver as they are
        None if draft.reason is None or not draft.reason.params else json.dumps(draft.reason.parameters),
        None,
        draft.created_at,
        draft.updated_at,
    )


_LITERAL_TYPES: dict[str, Any] = {
    "sop_id": sa.String,
    "sop_version": sa.Integer,
    "step_id": sa.String,
    "target_type": sa.String,
    "target_id": sa.Integer,
    "entry_no": sa.Integer,
    "scheduled_at": sa.BigInteger,
    "wanted_at": sa.BigInteger,
    "due_at": sa.BigInteger,
    "cap_pending": sa.Boolean,
    "status": sa.String,
    "channel": sa.String,
    "mode": sa.String,
    "priority": sa.Integer,
    "executor_id": sa.Integer,
    "variant": sa.String,
    "event_id": sa.BigInteger,
    "reason_code": sa.String,
    "reason": sa.Text,
    "created_at": sa.BigInteger,
    "updated_at": sa.BigInteger,
}


def draft_select_list(template: TaskDraft, per_target: Mapping[str, ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """The SELECT list, in COLUMNS order, that inserts `template` for many targets at once: the
    columns named in `per_target` come from the query, the others are the template's values."""
    return [
        per_target[column] if column in per_target else _literal(column, value)
        for column, value in zip(COLUMNS, task_row(template), strict=True)
    ]


def _literal(column: str, value: Any) -> ColumnElement[Any]:
    if value is None:
        return sa.null()
    if column == "reason_params":
        return sa.literal(json.loads(value), Json)
    return sa.literal(value, _LITERAL_TYPES[column])


def insert_rows(conn: Connection, drafts: Sequence[TaskDraft]) -> int:
    """Insert new tasks, skipping occurrences that exist; returns how many were new."""
    if not drafts:
        return 0
    return BatchInsert(conn, tasks, COLUMNS, conflict=OCCURRENCE).run([task_row(draft) for draft in drafts])


def insert_from_select(conn: Connection, select: sa.Select[Any]) -> int:
    """INSERT INTO tasks (COLUMNS) SELECT … ON CONFLICT DO NOTHING; `select` yields COLUMNS in order."""
    return conn.execute(insert_ignoring(conn, tasks, OCCURRENCE).from_select(COLUMNS, select)).rowcount
