"""Auto private sends through WeCom, grouped: the due tasks of one staff member with the same
rendered content falling due in the same slot (core.reminders.slot_of: the same minute) go as
one WeCom mass-send task (up to 10,000 customers), which the staff member confirms once.

- the group key is (executor, slot, content hash); a group's delivery is keyed
  "mass:<executor>:<slot>:<hash>:<first task>" and names its tasks in `delivery_tasks` (unique
  per task and purpose: a task is carried by one send);
- tasks of the same group made due later (the tick fires a step a few hundred at a time) join its
  delivery while that has not been composed (the row is locked, as for batch reminders);
- a task alone in its group, or a second task for a customer already in it, is sent on its own
  ("task:42:send"), as before;
- the monthly allowance is still per customer: checked when the task falls due (enqueue) and,
  for each customer of the group, when the delivery is first claimed (the dispatcher)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.channels.base import Outgoing, Person, Purpose
from siyu.channels.wecom.mass_send import MAX_RECIPIENTS
from siyu.core.send_groups import DueSend, group_sends
from siyu.core.tasks import TaskStatus
from siyu.delivery import outbox
from siyu.delivery.compose import resolve_materials, texts_of
from siyu.store.sql import insert_ignoring
from siyu.store.tables import customers, deliveries, delivery_tasks, sop_versions, staff, tasks

D = deliveries
SEND = Purpose.send.value
PREFIX = "mass:"


def queue_grouped(conn: Connection, where: list[ColumnElement[bool]], *, now_us: int) -> list[int]:
    """Queue the due auto private customer tasks matching `where` in groups; returns the ids of
    those left to be sent on their own."""
    rows = conn.execute(
        sa.select(tasks.c.id, tasks.c.executor_id, tasks.c.due_at, tasks.c.content, tasks.c.target_id)
        .where(
            *where,
            tasks.c.status == TaskStatus.due.value,
            tasks.c.mode == "auto",
            tasks.c.target_type == "customer",
            tasks.c.executor_id.is_not(None),
        )
        .order_by(tasks.c.id)
    ).all()
    groups, alone = group_sends(
        DueSend(int(row.id), int(row.executor_id), int(row.due_at), int(row.target_id), row.content) for row in rows
    )
    for (executor, slot, digest), ids in groups.items():
        prefix = f"{PREFIX}{executor}:{slot}:{digest}:"
        opened = _open_group(conn, prefix)
        if opened is None and len(ids) == 1:
            alone.extend(ids)
            continue
        _attach(conn, prefix, executor, ids, opened, now_us=now_us)
    return alone


def _open_group(conn: Connection, prefix: str) -> tuple[int, int] | None:
    """The group's delivery not yet composed (locked until we commit) and how many it carries."""
    found = conn.execute(
        sa.select(D.c.id)
        # ";" sorts right after ":": the key range of the group, an index range scan
        .where(D.c.key >= prefix, D.c.key < prefix[:-1] + ";", D.c.status == "queued", D.c.payload.is_(None))
        .order_by(D.c.id.desc())
        .limit(1)
        .with_for_update()
    ).scalar()
    if found is None:
        return None
    count = conn.execute(
        sa.select(sa.func.count()).select_from(delivery_tasks).where(delivery_tasks.c.delivery_id == found)
    ).scalar_one()
    return int(found), int(count)


def _attach(
    conn: Connection, prefix: str, executor: int, ids: list[int], opened: tuple[int, int] | None, *, now_us: int
) -> None:
    while ids:
        if opened is None or opened[1] >= MAX_RECIPIENTS:
            key = f"{prefix}{ids[0]}"
            outbox.queue(
                conn,
                [staff.c.id == executor],
                key=sa.literal(key),
                purpose=Purpose.send,
                adapter="wecom",
                task_id=sa.null(),
                staff_id=staff.c.id,
                now_us=now_us,
            )
            opened = (int(conn.execute(sa.select(D.c.id).where(D.c.key == key)).scalar_one()), 0)
        room = MAX_RECIPIENTS - opened[1]
        taken, ids = ids[:room], ids[room:]
        links = [{"delivery_id": opened[0], "task_id": task_id, "purpose": SEND} for task_id in taken]
        conn.execute(insert_ignoring(conn, delivery_tasks).rows(), links)
        opened = None


def carried(conn: Connection, delivery_id: int) -> list[Any]:
    """The tasks a grouped send carries that are still to be sent, by id."""
    return list(
        conn.execute(
            sa.select(tasks, customers.c.external_id.label("customer_external_id"), customers.c.name.label("name"))
            .select_from(
                delivery_tasks.join(tasks, tasks.c.id == delivery_tasks.c.task_id).join(
                    customers, customers.c.id == tasks.c.target_id
                )
            )
            .where(
                delivery_tasks.c.delivery_id == delivery_id,
                tasks.c.status == TaskStatus.due.value,
                tasks.c.mode == "auto",
            )
            .order_by(tasks.c.id)
        )
    )


def for_group(conn: Connection, delivery: Any) -> Outgoing | str:
    """One mass send to the group's customers still to be sent, or why there is nothing to send."""
    rows = carried(conn, delivery.id)
    if not rows:
        return "群发的任务都已不再待发送 (no task of the group is still to be sent: nothing to send)"
    first = rows[0]
    source_file = conn.execute(
        sa.select(sop_versions.c.source_file).where(
            sop_versions.c.sop_id == first.sop_id, sop_versions.c.version == first.sop_version
        )
    ).scalar()
    sender = conn.execute(sa.select(staff).where(staff.c.id == delivery.staff_id)).first()
    script, materials = texts_of(first.content)
    return Outgoing(
        key=delivery.key,
        purpose=Purpose.send,
        channel="private",
        text=script,
        staff=None if sender is None else Person(sender.external_id, sender.name or ""),
        materials=resolve_materials(materials, source_file),
        recipients=tuple(Person(str(row.customer_external_id), str(row.name or "")) for row in rows),
        extra={"tasks": {str(row.customer_external_id): int(row.id) for row in rows}},
    )
