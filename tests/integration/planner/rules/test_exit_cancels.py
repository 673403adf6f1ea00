"""`exit` with `since_entry`: an entry closes when the exit holds and its pending tasks are
cancelled with the reason; exit is checked again right before a task fires, between audience
checks too."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, history, run, tasks_of
from tests.support.brand import Brand

EXIT_ON_ORDER = """
    id: nudge-until-paid
    name: nudge until paid
    kind: customer
    audience: {tag: 加购}
    exit: {event: order_paid, since_entry: true}
    steps:
      - id: soon
        at: {delay: 40m}
        channel: private
        executor: owner
        content: [{text: "还在犹豫吗？"}]
      - id: tomorrow
        at: {day: 1, time: "10:00"}
        channel: private
        executor: owner
        content: [{text: "券快过期啦"}]
"""
REASON = "满足退出条件："


def test_an_order_after_entry_cancels_pending_tasks_with_the_reason(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("加购",))  # paid before entering: stays
    brand.add_customer("c2", "s1", tags=("加购",))  # pays after entering: leaves
    brand.add_event("order_paid", "2026-03-01 12:00", customer="c1", event_id="o1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, EXIT_ON_ORDER, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 09:50")
    brand.add_event("order_paid", f"{MONDAY} 10:10", customer="c2", event_id="o2")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 11:00")

    exits = [(target, exited, reason) for target, _n, _e, exited, _h, reason in entries(engine, "nudge-until-paid")]
    assert exits[0] == ("c1", None, None)
    assert exits[1][:2] == ("c2", f"{MONDAY} 11:00")
    assert exits[1][2] == "exit_condition"  # the code; its tasks show it in words
    assert brief(engine, "nudge-until-paid") == [
        ("soon", "c1", 1, f"{MONDAY} 09:40", "due"),
        ("soon", "c2", 1, f"{MONDAY} 09:40", "due"),  # already due: kept
        ("tomorrow", "c1", 1, "2026-03-03 10:00", "pending"),
        ("tomorrow", "c2", 1, "2026-03-03 10:00", "cancelled"),
    ]
    cancelled = next(t for t in tasks_of(engine, "nudge-until-paid") if t["status"] == "cancelled")
    assert cancelled["reason"].startswith(REASON)
    assert history(engine, cancelled["id"]) == [("cancelled", "planner", cancelled["reason"])]


def test_exit_is_checked_right_before_a_task_fires_between_audience_checks(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("加购",))
    brand.add_customer("c2", "s1", tags=("加购",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, EXIT_ON_ORDER, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    brand.add_event("order_paid", f"{MONDAY} 09:20", customer="c1", event_id="o1")
    brand.write(engine, tmp_path)
    # 09:45 is in the hour of the last audience check: only the firing step sees the order
    run(engine, f"{MONDAY} 09:45")

    soon = {t["target"]: t for t in tasks_of(engine, "nudge-until-paid") if t["step"] == "soon"}
    assert soon["c1"]["status"] == "cancelled"
    assert soon["c1"]["reason"].startswith(REASON)
    assert [status for status, _actor, _reason in history(engine, soon["c1"]["id"])] == ["cancelled"]
    assert soon["c2"]["status"] == "due"
    assert entries(engine, "nudge-until-paid")[0][3] == f"{MONDAY} 09:45"
