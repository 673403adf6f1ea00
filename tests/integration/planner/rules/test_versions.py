"""A new version re-plans what is not yet due: a pending task whose step fires at the same
instant is carried to the new version, a changed step's task is cancelled with the reason and
made again at its new time, a removed step's pending tasks are cancelled; done and due tasks
keep the version they ran under."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, entries, local, mark, run, tasks_of, texts
from tests.support.brand import Brand

V1 = """
    id: versioned
    name: versioned
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: first, at: {day: 0, time: "10:00"}, channel: private, executor: owner, content: [{text: "一"}]}
      - {id: second, at: {day: 1, time: "10:00"}, channel: private, executor: owner, content: [{text: "二"}]}
      - {id: same, at: {day: 2, time: "10:00"}, channel: private, executor: owner, content: [{text: "三 v1"}]}
      - {id: moved, at: {day: 3, time: "10:00"}, channel: private, executor: owner, content: [{text: "四 v1"}]}
      - {id: removed, at: {day: 4, time: "10:00"}, channel: private, executor: owner, content: [{text: "五"}]}
"""
V2 = """
    id: versioned
    name: versioned
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: first, at: {day: 0, time: "10:00"}, channel: private, executor: owner, content: [{text: "一"}]}
      - {id: second, at: {day: 1, time: "10:00"}, channel: private, executor: owner, content: [{text: "二"}]}
      - {id: same, at: {day: 2, time: "10:00"}, channel: private, executor: "staff:s2", mode: auto, content: [{text: "三 v2"}]}
      - {id: moved, at: {day: 3, time: "15:00"}, channel: private, executor: owner, content: [{text: "四 v2"}]}
"""
REPLACED = "SOP 已更新到版本 2"


def test_a_new_version_replans_pending_tasks_and_keeps_done_ones(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, V1, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 10:01")
    before = {t["step"]: t for t in tasks_of(engine, "versioned")}
    mark(engine, before["first"]["id"], "done", f"{MONDAY} 11:00")
    run(engine, "2026-03-03 10:01")  # `second` is due, not done

    apply_text(engine, tmp_path, V2, "2026-03-03 11:00")
    run(engine, "2026-03-03 11:00")

    after = sorted(
        (t["step"], t["sop_version"], local(t["due_at"]), t["status"], t["id"] == before[t["step"]]["id"])
        for t in tasks_of(engine, "versioned")
    )
    assert after == [
        ("first", 1, "2026-03-02 10:00", "done", True),
        ("moved", 1, "2026-03-05 10:00", "cancelled", True),
        ("moved", 2, "2026-03-05 15:00", "pending", False),
        ("removed", 1, "2026-03-06 10:00", "cancelled", True),
        ("same", 2, "2026-03-04 10:00", "pending", True),  # carried over
        ("second", 1, "2026-03-03 10:00", "due", True),
    ]
    carried = next(t for t in tasks_of(engine, "versioned") if t["step"] == "same")
    assert (carried["executor"], carried["mode"]) == ("s2", "auto")  # as the new step says
    reasons = {t["step"]: t["reason"] for t in tasks_of(engine, "versioned", status="cancelled")}
    assert REPLACED in reasons["moved"] and REPLACED in reasons["removed"]

    for moment, step, text in (("2026-03-04 10:01", "same", "三 v2"), ("2026-03-05 15:01", "moved", "四 v2")):
        run(engine, moment)
        fired = next(t for t in tasks_of(engine, "versioned", status="due") if t["step"] == step)
        assert (fired["sop_version"], texts(fired)) == (2, [text])


DAILY_V1 = """
    id: versioned-daily
    name: versioned daily
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: daily, at: {every: day, time: "18:00"}, channel: internal, executor: owner, content: [{text: "v1"}]}
"""
DAILY_V2 = """
    id: versioned-daily
    name: versioned daily
    kind: customer
    audience: {any: [{tag: 会员}, {tag: 新客}]}
    steps:
      - {id: daily, at: {every: day, time: "19:00"}, channel: internal, executor: owner, content: [{text: "v2"}]}
"""


def test_a_new_version_replans_recurring_work_and_checks_the_audience_at_once(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.add_customer("c2", "s1", tags=("新客",))  # only the new audience holds
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, DAILY_V1, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    apply_text(engine, tmp_path, DAILY_V2, f"{MONDAY} 09:10")
    run(engine, f"{MONDAY} 09:20")  # the same hour as the last audience check

    assert sorted(
        (t["target"], t["sop_version"], local(t["due_at"]), t["status"]) for t in tasks_of(engine, "versioned-daily")
    ) == [
        ("c1", 1, "2026-03-02 18:00", "cancelled"),
        ("c1", 1, "2026-03-03 18:00", "cancelled"),
        ("c1", 2, "2026-03-02 19:00", "pending"),
        ("c1", 2, "2026-03-03 19:00", "pending"),
        ("c2", 2, "2026-03-02 19:00", "pending"),
        ("c2", 2, "2026-03-03 19:00", "pending"),
    ]
    assert [row[:3] for row in entries(engine, "versioned-daily")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c2", 1, f"{MONDAY} 09:20"),
    ]
