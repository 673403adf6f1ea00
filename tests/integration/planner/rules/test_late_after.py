"""`late_after` (default 24 h): a pending task more than late_after past due (the worker was
down) expires and is never made due; a due task not done within late_after expires."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, history, local, mark, run, set_setting, tasks_of
from tests.support.brand import Brand

TOMORROW = """
    id: late-check
    name: late check
    kind: customer
    audience: {tag: 会员}
    steps:
      - id: call
        at: {day: 1, time: "10:00"}
        channel: private
        executor: owner
        content: [{text: "回访"}]
      - id: daily
        at: {every: day, time: "09:30"}
        channel: internal
        executor: owner
        content: [{text: "看看"}]
"""


def customers(engine: Engine, tmp_path: Path, *names: str) -> None:
    brand = Brand()
    brand.add_staff("s1")
    for name in names:
        brand.add_customer(name, "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, TOMORROW, f"{MONDAY} 08:00")


def by_target(engine: Engine) -> dict[str, dict[str, object]]:
    return {str(t["target"]): t for t in tasks_of(engine, "late-check") if t["step"] == "call"}


def test_pending_tasks_of_a_worker_down_for_two_days_expire_and_are_never_due(engine: Engine, tmp_path: Path) -> None:
    customers(engine, tmp_path, "c1")
    run(engine, f"{MONDAY} 09:00")
    run(engine, "2026-03-05 10:30")  # down from Monday to Thursday; the task was due Tuesday 10:00

    task = by_target(engine)["c1"]
    assert task["status"] == "expired"
    assert task["content"] is None
    assert [status for status, _actor, _reason in history(engine, int(str(task["id"])))] == ["expired"]
    daily = [(local(t["due_at"]), t["status"]) for t in tasks_of(engine, "late-check") if t["step"] == "daily"]
    assert daily == [
        ("2026-03-02 09:30", "expired"),  # pending when the worker stopped
        ("2026-03-03 09:30", "expired"),
        ("2026-03-04 09:30", "expired"),
        ("2026-03-05 09:30", "due"),  # an hour late: within late_after
        ("2026-03-06 09:30", "pending"),
    ]
    for expired in tasks_of(engine, "late-check", status="expired"):
        assert [status for status, _actor, _reason in history(engine, expired["id"])] == ["expired"]


def test_due_tasks_not_done_within_late_after_expire(engine: Engine, tmp_path: Path) -> None:
    customers(engine, tmp_path, "c1", "c2")
    run(engine, f"{MONDAY} 09:00", "2026-03-03 10:01")
    mark(engine, int(str(by_target(engine)["c2"]["id"])), "done", "2026-03-03 12:00")
    run(engine, "2026-03-04 09:59")
    assert {t: row["status"] for t, row in by_target(engine).items()} == {"c1": "due", "c2": "done"}

    run(engine, "2026-03-04 10:01")
    found = by_target(engine)
    assert {t: row["status"] for t, row in found.items()} == {"c1": "expired", "c2": "done"}
    assert history(engine, int(str(found["c1"]["id"]))) == [
        ("due", "planner", None),
        ("expired", "planner", "超过 late_after 未完成"),
    ]


def test_late_after_follows_the_setting(engine: Engine, tmp_path: Path) -> None:
    set_setting(engine, "late_after", "2h")
    customers(engine, tmp_path, "c1")
    run(engine, f"{MONDAY} 09:00", "2026-03-03 10:01", "2026-03-03 11:59")
    assert by_target(engine)["c1"]["status"] == "due"
    run(engine, "2026-03-03 12:01")
    assert by_target(engine)["c1"]["status"] == "expired"
