"""Tasks that have just become due, handed to the outbox (set-based, in the planner's own
transaction, so a due task and its delivery row are written together or not at all).

- an auto task no enabled adapter can send becomes a remind task, with the reason;
- an auto private task through WeCom for a customer who has had this natural month's mass
  sends (WeCom's allowance) becomes a remind task, with the reason;
- every other auto task gets one `send` delivery; every remind task joins its batch, and the
  batch gets one `remind` delivery unless reminders stay in the inbox (the task list is the
  reminder): delivery/batches.py.
A delivery's key is unique ("task:42:send"): making the same row twice is impossible."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.channels.base import Purpose
from siyu.channels.routing import INBOX
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.delivery import outbox
from siyu.delivery.batches import remind_in_batches
from siyu.delivery.mass_sends import queue_grouped
from siyu.delivery.routing_state import Routing
from siyu.store.sql import reason_literals
from siyu.store.tables import deliveries, delivery_tasks, task_changes, tasks

CHANNELS_ACTOR = "channels"
OVER_ALLOWANCE = (
    "客户本月的企业群发次数已用完（{limit} 次），改为提醒员工一对一发送 "
    "(the customer has had this month's {limit} WeCom mass sends: the staff member is reminded instead)"
)
INTERNAL_AUTO = Reason.of(ReasonCode.internal_not_auto)
SENDING = ("queued", "sent", "delivered")  # deliveries that use up an allowance


def month_start_us(now_us: int, zone: ZoneInfo) -> int:
    local = from_us(now_us, zone)
    return to_us(datetime(local.year, local.month, 1, tzinfo=zone))


def to_remind(conn: Connection, where: list[ColumnElement[bool]], *, reason: Reason, now_us: int) -> None:
    """Auto tasks matching `where` become remind tasks (still due), history first."""
    stored = reason_literals(reason)
    history = sa.select(
        tasks.c.id,
        sa.literal(now_us, sa.BigInteger),
        sa.literal(TaskStatus.due.value, sa.String),
        sa.literal(CHANNELS_ACTOR, sa.String),
        *stored.values(),
    ).where(*where)
    columns = ["task_id", "at", "status", "actor", *stored]
    conn.execute(sa.insert(task_changes).from_select(columns, history))
    conn.execute(sa.update(tasks).where(*where).values(mode="remind", updated_at=now_us, **stored))


def mass_sends_used(customer_id: Any, *, since_us: int, before_id: Any = None) -> Any:
    """SQL: WeCom mass sends of this month already handed over for a customer (deliveries with
    a smaller id than `before_id`, when given: the earliest ones keep the allowance), whether
    the send carries the customer's task alone or in a group (delivery_tasks)."""
    sent = tasks.alias("sent_task")
    link = delivery_tasks.alias("sent_link")
    counts = []
    for joined in (
        deliveries.join(sent, sent.c.id == deliveries.c.task_id),
        deliveries.join(link, link.c.delivery_id == deliveries.c.id).join(sent, sent.c.id == link.c.task_id),
    ):
        query = (
            sa.select(sa.func.count())
            .select_from(joined)
            .where(
                sent.c.target_type == "customer",
                sent.c.target_id == customer_id,
                sent.c.channel == "private",
                deliveries.c.purpose == Purpose.send.value,
                deliveries.c.adapter == "wecom",
                deliveries.c.status.in_(SENDING),
                deliveries.c.created_at >= since_us,
            )
        )
        if before_id is not None:
            query = query.where(deliveries.c.id < before_id)
        counts.append(query.scalar_subquery())
    return counts[0] + counts[1]


def insert_deliveries(
    conn: Connection, where: list[ColumnElement[bool]], *, purpose: Purpose, adapter: str, now_us: int
) -> None:
    key = sa.literal("task:") + sa.cast(tasks.c.id, sa.String) + sa.literal(f":{purpose.value}")
    outbox.queue(
        conn,
        where,
        key=key,
        purpose=purpose,
        adapter=adapter,
        task_id=tasks.c.id,
        staff_id=tasks.c.executor_id,
        now_us=now_us,
    )


def enqueue_due(
    conn: Connection, batch: list[ColumnElement[bool]], routing: Routing, *, now_us: int, zone: ZoneInfo
) -> None:
    due = [*batch, tasks.c.status == TaskStatus.due.value]
    auto = [*due, tasks.c.mode == "auto"]
    for channel in list(conn.execute(sa.select(tasks.c.channel).where(*auto).distinct()).scalars()):
        of_channel = [*auto, tasks.c.channel == channel]
        adapter = routing.adapter_for(mode="auto", channel=channel)
        if channel == "internal":
            to_remind(conn, of_channel, reason=INTERNAL_AUTO, now_us=now_us)
            continue
        if adapter == INBOX:
            to_remind(conn, of_channel, reason=routing.why_not(channel), now_us=now_us)
            continue
        if adapter == "wecom" and channel == "private":
            used = mass_sends_used(tasks.c.target_id, since_us=month_start_us(now_us, zone))
            over = [*of_channel, tasks.c.target_type == "customer", used >= routing.monthly_mass_sends]
            reason = Reason.of(ReasonCode.mass_send_allowance, limit=routing.monthly_mass_sends)
            to_remind(conn, over, reason=reason, now_us=now_us)
            alone = queue_grouped(conn, of_channel, now_us=now_us)
            of_channel = [*of_channel, tasks.c.id.in_(alone)]
        insert_deliveries(conn, of_channel, purpose=Purpose.send, adapter=adapter, now_us=now_us)
    remind_in_batches(conn, due, adapter=reminder_adapter(routing), now_us=now_us)


def reminder_adapter(routing: Routing) -> str | None:
    """The adapter that carries reminders, or None when they stay in the inbox (the task list)."""
    adapter = routing.adapter_for(mode="remind", channel="private")
    return None if adapter == INBOX else adapter
