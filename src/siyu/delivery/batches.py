"""Batches (core.reminders: one SOP step, one executor, one minute) and their reminders.

When remind tasks become due they join their batch (`task_batches`, unique on the batch key, so
a batch is made once whatever the number of planners). A batch gets one reminder — one delivery
naming its tasks in `delivery_tasks` (unique per task and purpose: a task is announced once):

- tasks joining a batch whose reminder has not been composed yet are added to that reminder
  (the tick makes a step's tasks due a few hundred at a time);
- tasks joining after it was composed (sent, or being sent) get a follow-up reminder that names
  only them, never the whole batch again.

The "not composed yet" check locks the reminder row (PostgreSQL), so it cannot race the
dispatcher's claim, which composes the reminder in the same transaction that leases it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.channels.base import Outgoing, Person, Purpose
from siyu.core.reminders import SLOT_US, batch_title, names_line
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us
from siyu.delivery import outbox
from siyu.delivery.compose import staff_locale, texts_of
from siyu.store.sql import insert_ignoring
from siyu.store.tables import (
    chat_groups,
    customers,
    deliveries,
    delivery_tasks,
    sops,
    staff,
    task_batches,
    tasks,
)
from siyu.tasks.step_names import step_names, step_title

B = task_batches
D = deliveries
REMIND = Purpose.remind.value
PREVIEW = 300  # characters of the first script shown in a reminder


def slot_sql() -> Any:
    """SQL: a task's batch slot (core.reminders.slot_of)."""
    return tasks.c.due_at - tasks.c.due_at % SLOT_US


def join_batches(conn: Connection, where: list[ColumnElement[bool]], *, now_us: int) -> list[ColumnElement[bool]]:
    """Due remind tasks with an executor matching `where` join their batch (made if new); returns
    the WHERE of those tasks."""
    due = [
        *where,
        tasks.c.status == TaskStatus.due.value,
        tasks.c.mode == "remind",
        tasks.c.executor_id.is_not(None),
    ]
    keys = (
        sa.select(tasks.c.sop_id, tasks.c.step_id, tasks.c.executor_id, slot_sql(), sa.literal(now_us, sa.BigInteger))
        .where(*due)
        .distinct()
    )
    columns = ["sop_id", "step_id", "executor_id", "slot_at", "created_at"]
    conn.execute(insert_ignoring(conn, B, ["sop_id", "step_id", "executor_id", "slot_at"]).from_select(columns, keys))
    batch_of = (
        sa.select(B.c.id)
        .where(
            B.c.sop_id == tasks.c.sop_id,
            B.c.step_id == tasks.c.step_id,
            B.c.executor_id == tasks.c.executor_id,
            B.c.slot_at == slot_sql(),
        )
        .scalar_subquery()
    )
    conn.execute(sa.update(tasks).where(*due, tasks.c.batch_id.is_(None)).values(batch_id=batch_of))
    return due


def remind_in_batches(conn: Connection, where: list[ColumnElement[bool]], *, adapter: str | None, now_us: int) -> None:
    """Put the due remind tasks matching `where` in their batches and, unless reminders stay in
    the inbox (`adapter` None), on their batch's reminder."""
    due = join_batches(conn, where, now_us=now_us)
    if adapter is None:
        return
    announced = sa.exists().where(delivery_tasks.c.task_id == tasks.c.id, delivery_tasks.c.purpose == REMIND)
    fresh = [*due, sa.not_(announced)]
    found = conn.execute(
        sa.select(tasks.c.batch_id, sa.func.min(tasks.c.id)).where(*fresh).group_by(tasks.c.batch_id)
    ).all()
    for batch_id, first_task in found:
        reminder = _open_reminder(conn, int(batch_id)) or _new_reminder(
            conn, int(batch_id), int(first_task), adapter=adapter, now_us=now_us
        )
        named = sa.select(sa.literal(reminder, sa.BigInteger), tasks.c.id, sa.literal(REMIND)).where(
            *fresh, tasks.c.batch_id == batch_id
        )
        statement = insert_ignoring(conn, delivery_tasks).from_select(["delivery_id", "task_id", "purpose"], named)
        conn.execute(statement)


def _open_reminder(conn: Connection, batch_id: int) -> int | None:
    """The batch's reminder that has not been composed yet, locked until we commit."""
    found = conn.execute(
        sa.select(D.c.id)
        .where(D.c.batch_id == batch_id, D.c.purpose == REMIND, D.c.status == "queued", D.c.payload.is_(None))
        .order_by(D.c.id)
        .limit(1)
        .with_for_update()
    ).scalar()
    return None if found is None else int(found)


def _new_reminder(conn: Connection, batch_id: int, first_task: int, *, adapter: str, now_us: int) -> int:
    """A reminder for a batch's tasks from `first_task` on; its key names both, so the same
    tasks can never make a second one."""
    key = f"batch:{batch_id}:remind:{first_task}"
    outbox.queue(
        conn,
        [B.c.id == batch_id],
        key=sa.literal(key),
        purpose=Purpose.remind,
        adapter=adapter,
        task_id=sa.null(),
        staff_id=B.c.executor_id,
        now_us=now_us,
        batch_id=B.c.id,
    )
    return int(conn.execute(sa.select(D.c.id).where(D.c.key == key)).scalar_one())


def batch_link(public_url: str, batch_id: int) -> str | None:
    return f"{public_url.rstrip('/')}/my/tasks/batches/{batch_id}" if public_url else None


def for_batch(conn: Connection, delivery: Any, *, public_url: str, zone: ZoneInfo) -> Outgoing | str:
    """A batch reminder: "SOP · step · N 位客户 · 10:00", who, and the first script once; or why
    there is nothing to remind (every task it names is done, skipped or expired)."""
    batch = conn.execute(
        sa.select(B, sops.c.name.label("sop_name"))
        .select_from(B.join(sops, sops.c.id == B.c.sop_id))
        .where(B.c.id == delivery.batch_id)
    ).first()
    if batch is None:
        return "批次已不存在 (the batch no longer exists)"
    is_customer = sa.and_(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id)
    is_group = sa.and_(tasks.c.target_type == "group", chat_groups.c.id == tasks.c.target_id)
    named = [
        delivery_tasks.c.delivery_id == delivery.id,
        tasks.c.status == TaskStatus.due.value,
        tasks.c.mode == "remind",
    ]
    rows = conn.execute(
        sa.select(
            tasks.c.id,
            tasks.c.target_type,
            tasks.c.channel,
            tasks.c.content,
            sa.func.coalesce(customers.c.name, chat_groups.c.name, "").label("name"),
        )
        .select_from(
            delivery_tasks.join(tasks, tasks.c.id == delivery_tasks.c.task_id)
            .outerjoin(customers, is_customer)
            .outerjoin(chat_groups, is_group)
        )
        .where(*named)
        .order_by(tasks.c.id)
        .limit(50)
    ).all()
    if not rows:
        return "批次的任务都已处理 (every task of the batch is handled: nothing to remind)"
    count = int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(delivery_tasks.join(tasks, tasks.c.id == delivery_tasks.c.task_id))
            .where(*named)
        ).scalar_one()
    )
    reader = conn.execute(sa.select(staff).where(staff.c.id == batch.executor_id)).first()
    locale = staff_locale(conn, int(batch.executor_id))
    earlier = conn.execute(
        sa.select(D.c.id).where(D.c.batch_id == batch.id, D.c.purpose == REMIND, D.c.id < delivery.id).limit(1)
    ).first()
    titled = step_names(conn, [str(batch.sop_id)])
    title = batch_title(
        str(batch.sop_name),
        step_title(titled, str(batch.sop_id), str(batch.step_id)),
        count=count,
        target_type=str(rows[0].target_type),
        local_time=from_us(int(batch.slot_at), zone).strftime("%H:%M"),
        follow_up=earlier is not None,
        locale=locale,
    )
    script, _materials = texts_of(rows[0].content)
    preview = script if len(script) <= PREVIEW else script[: PREVIEW - 1] + "…"
    names = [str(row.name) for row in rows if row.name]
    body = "\n".join(part for part in (names_line(names, count, locale) if names else "", preview) if part)
    return Outgoing(
        key=delivery.key,
        purpose=Purpose.remind,
        channel=str(rows[0].channel),
        text=body,
        staff=None if reader is None else Person(reader.external_id, reader.name or ""),
        link=batch_link(public_url, int(batch.id)),
        title=title,
        extra={"batch": int(batch.id), "tasks": count},
    )
