"""`siyu sop disable` cancels the SOP's pending tasks with the reason; `siyu sop enable` goes on
from then: events from before re-enabling make no entries, recurring work resumes from now."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, entries, local, run, tasks_of
from tests.support.brand import Brand
from tests.support.cli import Siyu

DAILY = """
    id: daily-care
    name: daily care
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: daily, at: {every: day, time: "10:00"}, channel: internal, executor: owner, content: [{text: "看看"}]}
      - {id: once, at: {day: 2, time: "10:00"}, channel: internal, executor: owner, content: [{text: "一次"}]}
"""
WELCOME = """
    id: welcome-new
    name: welcome new
    kind: customer
    entry: {event: friend_added}
    steps:
      - {id: hello, at: {delay: 5m}, channel: private, executor: owner, content: [{text: "你好"}]}
"""
DISABLED = "SOP 已停用"


def test_disable_cancels_pending_tasks_and_enable_resumes_recurring_from_now(
    engine: Engine, tmp_path: Path, siyu: Siyu
) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, DAILY, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 10:01")

    assert siyu("sop", "disable", "daily-care", "--now", f"{MONDAY}T11:00:00+08:00").exit_code == 0
    run(engine, f"{MONDAY} 11:00", "2026-03-03 09:00")
    assert sorted(
        (t["step"], local(t["due_at"]), t["status"], t["reason"]) for t in tasks_of(engine, "daily-care")
    ) == [
        ("daily", "2026-03-02 10:00", "due", None),  # already due: not cancelled
        ("daily", "2026-03-03 10:00", "cancelled", DISABLED),
        ("once", "2026-03-04 10:00", "cancelled", DISABLED),
    ]

    run(engine, "2026-03-03 10:01", "2026-03-04 10:01")  # still off: nothing new
    assert len(tasks_of(engine, "daily-care")) == 3

    assert siyu("sop", "enable", "daily-care", "--now", "2026-03-05T09:30:00+08:00").exit_code == 0
    run(engine, "2026-03-05 09:30", "2026-03-05 10:01")
    daily = [(local(t["due_at"]), t["status"]) for t in tasks_of(engine, "daily-care") if t["step"] == "daily"]
    assert daily == [
        ("2026-03-02 10:00", "expired"),
        ("2026-03-03 10:00", "cancelled"),
        # nothing for Wednesday, while it was off
        ("2026-03-05 10:00", "due"),
        ("2026-03-06 10:00", "pending"),
    ]
    assert len(entries(engine, "daily-care")) == 1


def test_events_from_before_enabling_again_do_not_enter(engine: Engine, tmp_path: Path, siyu: Siyu) -> None:
    brand = Brand()
    brand.add_staff("s1")
    for name in ("c1", "c2", "c3"):
        brand.add_customer(name, "s1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, WELCOME, f"{MONDAY} 08:00")
    brand.add_event("friend_added", f"{MONDAY} 09:00", customer="c1", event_id="f1")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:30")
    assert siyu("sop", "disable", "welcome-new", "--now", f"{MONDAY}T12:00:00+08:00").exit_code == 0
    run(engine, f"{MONDAY} 12:00")
    brand.add_event("friend_added", f"{MONDAY} 13:00", customer="c2", event_id="f2")  # while off
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 14:00")

    assert siyu("sop", "enable", "welcome-new", "--now", "2026-03-03T09:00:00+08:00").exit_code == 0
    brand.add_event("friend_added", "2026-03-03 10:00", customer="c3", event_id="f3")
    brand.write(engine, tmp_path)
    run(engine, "2026-03-03 09:00", "2026-03-03 10:30")

    assert [row[:3] for row in entries(engine, "welcome-new")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c3", 1, "2026-03-03 10:00"),
    ]
