"""Due tasks get their delivery rows in the planner's transaction: one send per auto task, one
reminder per batch of remind tasks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.planner.tick import tick
from tests.integration.delivery.conftest import WEBHOOK
from tests.support.brand import at, summary
from tests.support.delivery import greet_brand, rows, task_of, tasks_of


def test_without_channels_auto_tasks_become_reminders_and_nothing_is_queued(engine: Engine, tmp_path: Path) -> None:
    greet_brand(engine, tmp_path, customers=2)
    assert rows(engine) == []
    hello = [r for r in summary(engine, sop="greet") if r[0] == "hello"]
    assert [r[4] for r in hello] == ["due", "due"]
    from tests.support.brand import task_rows

    for task in task_rows(engine, sop="greet"):
        if task["step"] == "hello":
            stored = task_of(engine, task["id"])
            assert stored.mode == "remind"
            assert (stored.reason_code, stored.reason_params) == ("no_adapter", {"channel": "private"})


def test_with_a_webhook_each_auto_task_and_each_batch_gets_one_delivery(engine: Engine, tmp_path: Path) -> None:
    greet_brand(engine, tmp_path, customers=3, channels_on=WEBHOOK)
    made = rows(engine)
    assert sorted((r.purpose, r.adapter, r.status) for r in made) == sorted(
        [("send", "webhook", "queued")] * 3 + [("remind", "webhook", "queued")]
    )
    sends = [r for r in made if r.purpose == "send"]
    assert all(r.key == f"task:{r.task_id}:send" for r in sends)
    (reminder,) = [r for r in made if r.purpose == "remind"]
    named = tasks_of(engine, reminder)
    assert reminder.key == f"batch:{reminder.batch_id}:remind:{named[0]}" and len(named) == 3
    for r in made:
        for task_id in tasks_of(engine, r):
            task = task_of(engine, task_id)
            assert task.mode == ("auto" if r.purpose == "send" else "remind")
            assert r.staff_id == task.executor_id
            assert task.batch_id == (None if r.purpose == "send" else reminder.batch_id)
    # ticking again (the same moment, and later) makes no second row
    tick(engine, at("2026-11-20 11:00"))
    tick(engine, at("2026-11-20 11:30"))
    assert len(rows(engine)) == 4


def test_an_override_naming_a_disabled_adapter_reminds_with_that_reason(engine: Engine, tmp_path: Path) -> None:
    on = {**WEBHOOK, "delivery": {"settings": {"digest_time": "", "routes": {"private": "wecom"}}}}
    greet_brand(engine, tmp_path, customers=1, channels_on=on)
    made = rows(engine)
    assert [(r.purpose, r.adapter) for r in made] == [("remind", "webhook"), ("remind", "webhook")]
    hello = task_of(engine, min(tasks_of(engine, made[0])))
    assert hello.mode == "remind"
    assert (hello.reason_code, hello.reason_params) == ("adapter_disabled", {"adapter": "wecom"})
