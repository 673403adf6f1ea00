"""Remind tasks of one SOP step for one executor due in the same minute are one batch, reminded
once: "SOP · step · N 位客户 · HH:MM" with a link to the batch. A task that joins the batch after
its reminder was composed gets a follow-up naming only it; never the whole batch again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.accounts.users import Role, create_user
from siyu.channels.base import Purpose
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.batches import remind_in_batches
from siyu.delivery.dispatcher import Dispatcher
from siyu.planner.tick import tick
from siyu.store.tables import delivery_tasks, task_batches, tasks
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.brand import at
from tests.support.delivery import greet_brand, rows, task_of, tasks_of

LINKED = {**WEBHOOK, "delivery": {"settings": {"digest_time": "", "public_url": "https://siyu.example.com"}}}


def _reminders(engine: Engine) -> list[Any]:
    return [r for r in rows(engine) if r.purpose == "remind"]


def _late_task(engine: Engine, *, due: str) -> int:
    """A `call` task for c1 planned late (another entry), pending and due at `due`."""
    with engine.begin() as conn:
        model = conn.execute(sa.select(tasks).where(tasks.c.step_id == "call").order_by(tasks.c.id).limit(1)).one()
        values = {**model._mapping, "entry_no": 2, "status": "pending", "content": None, "batch_id": None}
        values.update(id=None, due_at=at(due), wanted_at=at(due), scheduled_at=at(due))
        values.pop("id")
        return int(conn.execute(sa.insert(tasks).values(**values).returning(tasks.c.id)).scalar_one())


def test_one_reminder_names_every_task_of_the_batch(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=3, channels_on=LINKED)
    (reminder,) = _reminders(engine)
    named = tasks_of(engine, reminder)
    assert len(named) == 3 and {task_of(engine, t).batch_id for t in named} == {reminder.batch_id}
    webhook = RecordingAdapter(name="webhook")
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    (item,) = [i for i in webhook.sent if i.purpose is Purpose.remind]
    assert item.title == "欢迎 · call · 3 位客户 · 11:00"
    assert item.text.splitlines()[0] == "客户1、客户2、客户3"
    assert item.link == f"https://siyu.example.com/my/tasks/batches/{reminder.batch_id}"
    assert item.extra == {"batch": reminder.batch_id, "tasks": 3}


def test_a_task_joining_after_the_reminder_gets_a_follow_up_naming_only_it(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    greet_brand(engine, tmp_path, customers=3, channels_on=WEBHOOK)
    webhook = RecordingAdapter(name="webhook")
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    dispatcher.step()  # the batch's reminder goes out
    late = _late_task(engine, due="2026-11-20 11:00:30")  # the same minute: the same batch
    tick(engine, at("2026-11-20 11:01"))
    first, follow_up = _reminders(engine)
    assert first.batch_id == follow_up.batch_id == task_of(engine, late).batch_id
    assert tasks_of(engine, follow_up) == [late] and len(tasks_of(engine, first)) == 3
    clock.now_us = at("2026-11-20 11:01")
    dispatcher.step()
    titles = [i.title for i in webhook.sent if i.purpose is Purpose.remind]
    assert titles == ["欢迎 · call · 3 位客户 · 11:00", "欢迎 · call · 新增 1 位客户 · 11:00"]


def test_a_task_joining_before_the_reminder_is_composed_is_on_it(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=2, channels_on=WEBHOOK)
    late = _late_task(engine, due="2026-11-20 11:00:59")
    tick(engine, at("2026-11-20 11:01"))
    (reminder,) = _reminders(engine)
    assert late in tasks_of(engine, reminder) and len(tasks_of(engine, reminder)) == 3
    webhook = RecordingAdapter(name="webhook")
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    assert [i.title for i in webhook.sent if i.purpose is Purpose.remind] == ["欢迎 · call · 3 位客户 · 11:00"]


def test_a_task_due_the_next_minute_is_another_batch(engine: Engine, tmp_path: Path) -> None:
    greet_brand(engine, tmp_path, customers=2, channels_on=WEBHOOK)
    late = _late_task(engine, due="2026-11-20 11:01")
    tick(engine, at("2026-11-20 11:01"))
    first, other = _reminders(engine)
    assert first.batch_id != other.batch_id and tasks_of(engine, other) == [late]
    with engine.begin() as conn:
        slots = conn.execute(sa.select(task_batches.c.slot_at).order_by(task_batches.c.id)).scalars().all()
    assert slots[-2:] == [at("2026-11-20 11:00"), at("2026-11-20 11:01")]


def test_reminding_the_same_tasks_again_makes_nothing(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=3, channels_on=WEBHOOK)
    before = rows(engine)
    with engine.begin() as conn:
        remind_in_batches(conn, [tasks.c.id > 0], adapter="webhook", now_us=clock.now_us)
        batches = conn.execute(sa.select(sa.func.count()).select_from(task_batches)).scalar_one()
        links = conn.execute(sa.select(sa.func.count()).select_from(delivery_tasks)).scalar_one()
    assert [r.id for r in rows(engine)] == [r.id for r in before]
    assert (batches, links) == (1, 3)


def test_the_reminder_reads_in_the_staff_members_language(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=12, channels_on=WEBHOOK)
    with engine.begin() as conn:
        create_user(
            conn,
            username="xn",
            password="a-long-password-1",
            role=Role.staff,
            now_us=clock.now_us,
            staff_external_id="s1",
            locale="en",
        )
    webhook = RecordingAdapter(name="webhook")
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    (item,) = [i for i in webhook.sent if i.purpose is Purpose.remind]
    assert item.title == "欢迎 · call · 12 customers · 11:00"
    assert item.text.splitlines()[0].endswith(", 客户10 and others, 12 in all")
