"""Quiet hours (default 22:00–08:00): private and sms tasks due inside move to 08:00; group
and internal work keeps its time; the occurrence itself (`scheduled_at`) is unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, local, run, tasks_of
from tests.support.brand import Brand

CUSTOMER = """
    id: quiet-customer
    name: quiet customer
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: late-delay, at: {delay: 30m}, channel: private, executor: owner, content: [{text: "a"}]}
      - {id: sms-night, at: {day: 0, time: "23:30"}, channel: sms, executor: owner, mode: auto, content: [{text: "b"}]}
      - {id: early, at: {day: 2, time: "07:59"}, channel: private, executor: owner, content: [{text: "c"}]}
      - {id: at-end, at: {day: 3, time: "08:00"}, channel: private, executor: owner, content: [{text: "d"}]}
      - {id: internal-night, at: {day: 0, time: "23:00"}, channel: internal, executor: owner, content: [{text: "e"}]}
"""
GROUP = """
    id: quiet-group
    name: quiet group
    kind: group
    audience: {tag: 会员群}
    steps:
      - {id: night, at: {every: day, time: "23:00"}, channel: group, executor: group_owner, content: [{text: "晚安"}]}
"""


def test_customer_facing_work_inside_quiet_hours_moves_to_their_end(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, CUSTOMER, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 21:45")

    timing = {t["step"]: (local(t["scheduled_at"]), local(t["due_at"])) for t in tasks_of(engine, "quiet-customer")}
    assert timing == {
        "late-delay": ("2026-03-02 22:15", "2026-03-03 08:00"),
        "sms-night": ("2026-03-02 23:30", "2026-03-03 08:00"),
        "early": ("2026-03-04 07:59", "2026-03-04 08:00"),
        "at-end": ("2026-03-05 08:00", "2026-03-05 08:00"),
        "internal-night": ("2026-03-02 23:00", "2026-03-02 23:00"),
    }


def test_group_steps_are_not_moved(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_group("g1", "s1", tags=("会员群",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, GROUP, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 23:01")

    assert [(local(t["due_at"]), t["status"]) for t in tasks_of(engine, "quiet-group")] == [
        ("2026-03-02 23:00", "due"),
        ("2026-03-03 23:00", "pending"),
    ]
