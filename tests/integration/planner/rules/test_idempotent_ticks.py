"""Ticks are idempotent: the same tick twice, or two ticks in one hour, make no new entries or
tasks; a tick in the hour of the last audience check (and no edit) does no audience work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, entries, run, tasks_of
from tests.support.brand import Brand, at, sql

SOPS = """
    id: idem-care
    name: idempotent care
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: soon, at: {delay: 10m}, channel: private, executor: owner, content: [{text: "a"}]}
      - {id: later, at: {day: 1, time: "10:00"}, channel: private, executor: owner, content: [{text: "b"}]}
      - {id: daily, at: {every: day, time: "18:00"}, channel: internal, executor: owner, content: [{text: "c"}]}
"""


def state(engine: Engine) -> tuple[Any, ...]:
    changes = sql(engine, "SELECT task_id, status, actor, at FROM task_changes ORDER BY id")
    return (tasks_of(engine, None), entries(engine, "idem-care"), changes)


def brand_with_members(engine: Engine, tmp_path: Path, *names: str) -> Brand:
    brand = Brand()
    brand.add_staff("s1")
    for name in names:
        brand.add_customer(name, "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    return brand


def test_the_same_tick_twice_and_two_ticks_in_one_hour_change_nothing(engine: Engine, tmp_path: Path) -> None:
    brand_with_members(engine, tmp_path, *(f"c{n}" for n in range(5)))
    apply_text(engine, tmp_path, SOPS, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 09:11")  # `soon` is due
    first = state(engine)
    assert len(first[0]) == 5 * 4  # soon, later, daily on Monday and Tuesday (up to the end of tomorrow)

    run(engine, f"{MONDAY} 09:11", f"{MONDAY} 09:11", f"{MONDAY} 09:40")
    assert state(engine) == first


def test_a_tick_in_the_same_hour_does_no_audience_work(engine: Engine, tmp_path: Path) -> None:
    brand = brand_with_members(engine, tmp_path, "c1")
    apply_text(engine, tmp_path, SOPS, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    brand.add_customer("c2", "s1", tags=("会员",))  # matches from 09:10
    brand.write(engine, tmp_path)

    run(engine, f"{MONDAY} 09:30", f"{MONDAY} 09:59")
    assert [target for target, *_ in entries(engine, "idem-care")] == ["c1"]
    checked = sql(engine, "SELECT audience_checked_at FROM sop_state WHERE sop_id = 'idem-care'")
    assert checked == [(at(f"{MONDAY} 09:00"),)]

    run(engine, f"{MONDAY} 10:00")
    assert [row[:3] for row in entries(engine, "idem-care")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c2", 1, f"{MONDAY} 10:00"),
    ]
