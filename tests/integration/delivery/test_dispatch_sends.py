"""A round of the dispatcher: auto tasks are sent and become `sent`, reminders reach the
executor, and what happened is stored as task events."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels.base import Purpose, Receipt
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.dispatcher import Dispatcher
from siyu.store.tables import events, task_changes
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.delivery import greet_brand, rows, task_of, tasks_of


def test_auto_tasks_are_sent_once_and_reminders_reach_the_executor(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    greet_brand(engine, tmp_path, customers=2, channels_on=WEBHOOK)
    webhook = RecordingAdapter(name="webhook")
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    report = dispatcher.step()
    assert report.claimed == 3  # two sends, one reminder for the batch of two
    assert dispatcher.step().claimed == 0  # nothing left: delivered rows are never claimed again
    sends = [item for item in webhook.sent if item.purpose is Purpose.send]
    reminders = [item for item in webhook.sent if item.purpose is Purpose.remind]
    assert sorted(item.text for item in sends) == ["你好 客户1，我是 小暖", "你好 客户2，我是 小暖"]
    assert all(item.customer is not None and item.staff is not None for item in sends)
    assert {item.staff.external_id for item in sends if item.staff} == {"s1"}
    (reminder,) = reminders
    assert reminder.title == "欢迎 · call · 2 位客户 · 11:00"
    assert reminder.text.startswith("客户1、客户2\n给 客户1 打个电话")
    stored = rows(engine)
    assert {r.status for r in stored} == {"delivered"}
    assert all(r.lease_owner is None and r.attempt_started_at is None and r.attempts == 1 for r in stored)
    for r in stored:
        for task_id in tasks_of(engine, r):
            assert task_of(engine, task_id).status == ("sent" if r.purpose == "send" else "due")
    with engine.begin() as conn:
        kinds = sorted(conn.execute(sa.select(events.c.type).where(events.c.type.like("task_%"))).scalars())
        actors = set(conn.execute(sa.select(task_changes.c.actor).where(task_changes.c.status == "sent")).scalars())
    assert kinds == ["task_delivered", "task_delivered", "task_sent", "task_sent"]
    assert actors == {"channel:webhook"}


def test_a_receipt_without_delivery_is_polled_until_delivered(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=WEBHOOK)
    webhook = RecordingAdapter(name="webhook", default=Receipt(ref="m-1", delivered=False))
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    dispatcher.step()
    assert {r.status for r in rows(engine)} == {"sent"}
    assert dispatcher.step().claimed == 0  # the poll waits poll_every_s (300 s)
    clock.advance(301)
    dispatcher.step()
    assert [receipt.ref for _item, receipt in webhook.polls] == ["m-1", "m-1"]
    assert {r.status for r in rows(engine)} == {"delivered"}
    assert len(webhook.sent) == 2


def test_a_task_no_longer_due_is_not_sent(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=WEBHOOK)
    with engine.begin() as conn:
        from siyu.core.tasks import TaskStatus
        from siyu.tasks.status import set_status

        for r in rows(engine):
            for task_id in tasks_of(engine, r):
                set_status(conn, task_id, TaskStatus.done, actor="test", now_us=clock.now_us)
    webhook = RecordingAdapter(name="webhook")
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    assert webhook.sent == []
    assert {(r.purpose, r.status) for r in rows(engine)} == {("send", "cancelled"), ("remind", "cancelled")}
    assert all("done" in (r.last_error or "") or "handled" in (r.last_error or "") for r in rows(engine))
