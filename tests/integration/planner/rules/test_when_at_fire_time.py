"""A one-off step's `when` is checked when it fires: false then → skipped with the reason,
true then → due, whatever it was when the target entered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, history, run, tasks_of
from tests.support.brand import Brand

INVITE = """
    id: invite-when-outside
    name: invite when outside
    kind: customer
    audience: {tag: 新客}
    steps:
      - id: invite
        at: {day: 1, time: "20:00"}
        channel: private
        executor: owner
        when: {not: {tag: 已进群}}
        content: [{text: "进群领券"}]
"""


def test_when_is_read_at_fire_time_not_at_entry(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("新客",))  # joins the group before the step fires
    brand.add_customer("c2", "s1", tags=("新客", "已进群"))  # leaves the group before it fires
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, INVITE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    assert brief(engine, "invite-when-outside") == [
        ("invite", "c1", 1, "2026-03-03 20:00", "pending"),
        ("invite", "c2", 1, "2026-03-03 20:00", "pending"),
    ]

    brand.add_customer("c1", "s1", tags=("新客", "已进群"))
    brand.add_customer("c2", "s1", tags=("新客",))
    brand.write(engine, tmp_path)
    run(engine, "2026-03-03 20:01")

    invites = {t["target"]: t for t in tasks_of(engine, "invite-when-outside")}
    assert invites["c1"]["status"] == "skipped"
    assert invites["c1"]["reason"].startswith("执行条件不满足：")
    assert "已进群" in invites["c1"]["reason"]
    assert history(engine, invites["c1"]["id"]) == [("skipped", "planner", invites["c1"]["reason"])]
    assert invites["c2"]["status"] == "due"
    assert invites["c2"]["content"] == {"items": [{"text": "进群领券"}]}


REMIND_UNPAID = """
    id: remind-unpaid
    name: remind unpaid
    kind: customer
    audience: {tag: 加购}
    steps:
      - id: remind
        at: {day: 1, time: "10:00"}
        channel: private
        executor: owner
        when: {no_event: order_paid, since_entry: true}
        content: [{text: "购物车里的宝贝还在等你"}]
"""


def test_when_with_since_entry_counts_only_events_after_the_entry(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("加购",))  # paid before entering only
    brand.add_customer("c2", "s1", tags=("加购",))  # pays after entering
    brand.add_event("order_paid", "2026-03-01 12:00", customer="c1", event_id="o1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, REMIND_UNPAID, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    brand.add_event("order_paid", f"{MONDAY} 15:00", customer="c2", event_id="o2")
    brand.write(engine, tmp_path)
    run(engine, "2026-03-03 10:01")

    assert {t["target"]: t["status"] for t in tasks_of(engine, "remind-unpaid")} == {"c1": "due", "c2": "skipped"}
