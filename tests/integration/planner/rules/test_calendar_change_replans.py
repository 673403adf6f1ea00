"""When the workday calendar changes (the brand's `workdays` setting, or a library upgrade), the
next tick re-plans the tasks of `workdays_only` steps that are not yet due: a pending task moves
to its new time, a cap-deferred one is placed again, and one that failed for want of a calendar
comes back to pending — each with the reason and a line in its history."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.reasons import ReasonCode
from siyu.core.workdays import MAX_WORKDAY_SEARCH_DAYS
from siyu.store.tables import calendar_state, tasks
from tests.integration.planner.rules.support import apply_text, history, local, run, set_setting, tasks_of
from tests.support.brand import Brand, sql

CHANGED = "工作日日历已更新，按新日历重新安排"

NEW_YEAR = """
    id: new-year
    name: new year
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: friday, at: {day: 1, time: "10:00"}, workdays_only: true, channel: internal, executor: owner, content: [{text: "a"}]}
      - {id: any-day, at: {day: 1, time: "11:00"}, channel: internal, executor: owner, content: [{text: "b"}]}
"""

YEAR_END = """
    id: year-end
    name: year end
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: one, at: {day: 1, time: "10:00"}, workdays_only: true, channel: private, executor: owner, content: [{text: "a"}]}
      - {id: two, at: {day: 1, time: "11:00"}, workdays_only: true, channel: private, executor: owner, content: [{text: "b"}]}
      - {id: three, at: {day: 1, time: "12:00"}, workdays_only: true, channel: private, executor: owner, content: [{text: "c"}]}
"""


def members(engine: Engine, tmp_path: Path, count: int = 1) -> None:
    brand = Brand()
    brand.add_staff("s1")
    for number in range(1, count + 1):
        brand.add_customer(f"c{number}", "s1", tags=("会员",))
    brand.write(engine, tmp_path)


def found(engine: Engine, sop: str) -> dict[str, tuple[str, str, str | None]]:
    return {t["step"]: (local(t["due_at"]), t["status"], t["reason"]) for t in tasks_of(engine, sop)}


def test_an_official_schedule_given_later_wins_over_the_estimate(engine: Engine, tmp_path: Path) -> None:
    members(engine, tmp_path)
    apply_text(engine, tmp_path, NEW_YEAR, "2026-12-31 08:00")
    run(engine, "2026-12-31 09:00")
    assert found(engine, "new-year")["friday"] == ("2027-01-04 10:00", "pending", None)  # 元旦 by the estimate

    # the State Council's schedule: 01-01 off, Saturday 01-02 a make-up workday
    set_setting(engine, "workdays", {"2027-01-01": "holiday", "2027-01-02": "workday"}, now="2026-12-31 10:00")
    run(engine, "2026-12-31 10:01")

    assert found(engine, "new-year") == {
        "friday": ("2027-01-02 10:00", "pending", CHANGED),
        "any-day": ("2027-01-01 11:00", "pending", None),  # not workdays_only: untouched
    }
    friday = next(t for t in tasks_of(engine, "new-year") if t["step"] == "friday")
    assert history(engine, int(friday["id"]))[-1] == ("pending", "planner", CHANGED)


def test_a_task_that_failed_for_want_of_a_calendar_comes_back_when_the_days_are_given(
    engine: Engine, tmp_path: Path
) -> None:
    members(engine, tmp_path)
    apply_text(engine, tmp_path, NEW_YEAR, "2100-12-31 08:00")
    run(engine, "2100-12-31 09:00")
    assert found(engine, "new-year")["friday"][1] == "failed"  # 2101 is past the estimate

    set_setting(engine, "workdays", {"2101-01-01": "holiday", "2101-01-03": "workday"}, now="2100-12-31 10:00")
    run(engine, "2100-12-31 10:01")

    # Saturday 01-01 and Sunday 01-02 are days off, Monday 01-03 the first workday
    assert found(engine, "new-year")["friday"] == ("2101-01-03 10:00", "pending", CHANGED)
    friday = next(t for t in tasks_of(engine, "new-year") if t["step"] == "friday")
    assert history(engine, int(friday["id"])) == [("pending", "planner", CHANGED)]  # made failed, then this


def test_tasks_failed_before_the_estimate_existed_come_back_at_the_first_tick(engine: Engine, tmp_path: Path) -> None:
    members(engine, tmp_path, count=3)
    apply_text(engine, tmp_path, NEW_YEAR, "2026-12-31 08:00")
    run(engine, "2026-12-31 09:00")
    # as an older siyu left them: failed with the reason, the calendar never re-planned by
    with engine.begin() as conn:
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.step_id == "friday")
            .values(status="failed", reason_code=ReasonCode.workday_calendar_missing.value, due_at=tasks.c.scheduled_at)
        )
        conn.execute(sa.delete(calendar_state))

    run(engine, "2026-12-31 09:30")

    fridays = [t for t in tasks_of(engine, "new-year") if t["step"] == "friday"]
    assert [(local(t["due_at"]), t["status"], t["reason"]) for t in fridays] == [
        ("2027-01-04 10:00", "pending", CHANGED)
    ] * 3


def test_a_cap_deferred_task_is_placed_again_by_the_new_calendar(engine: Engine, tmp_path: Path) -> None:
    members(engine, tmp_path)
    apply_text(engine, tmp_path, YEAR_END, "2026-12-30 08:00")
    run(engine, "2026-12-30 09:00")
    assert found(engine, "year-end")["three"] == ("2027-01-04 12:00", "pending", "每日上限 2 已满，顺延 4 天")

    set_setting(engine, "workdays", {"2027-01-01": "holiday", "2027-01-02": "workday"}, now="2026-12-30 10:00")
    run(engine, "2026-12-30 10:01")

    assert found(engine, "year-end") == {
        "one": ("2026-12-31 10:00", "pending", None),
        "two": ("2026-12-31 11:00", "pending", None),
        "three": ("2027-01-02 12:00", "pending", "每日上限 2 已满，顺延 2 天"),
    }


def test_a_calendar_that_leaves_no_workday_fails_the_pending_task_with_the_reason(
    engine: Engine, tmp_path: Path
) -> None:
    members(engine, tmp_path)
    apply_text(engine, tmp_path, NEW_YEAR, "2026-12-31 08:00")
    run(engine, "2026-12-31 09:00")

    first = date(2027, 1, 1)
    days_off = {(first + timedelta(days=n)).isoformat(): "holiday" for n in range(MAX_WORKDAY_SEARCH_DAYS + 1)}
    set_setting(engine, "workdays", days_off, now="2026-12-31 10:00")
    run(engine, "2026-12-31 10:01")

    friday = found(engine, "new-year")["friday"]
    assert friday[1:] == ("failed", "2027-01-01 之后 400 天内没有工作日：请检查工作日设置里的节假日")


def test_an_unchanged_calendar_touches_nothing(engine: Engine, tmp_path: Path) -> None:
    members(engine, tmp_path)
    apply_text(engine, tmp_path, YEAR_END, "2026-12-30 08:00")
    run(engine, "2026-12-30 09:00")
    state = "SELECT id, due_at, wanted_at, reason_code, updated_at FROM tasks ORDER BY id"
    before = (sql(engine, state), sql(engine, "SELECT count(*) FROM task_changes"))

    set_setting(engine, "late_after", "2d", now="2026-12-30 10:00")
    run(engine, "2026-12-30 10:01", "2026-12-30 10:02")

    assert (sql(engine, state), sql(engine, "SELECT count(*) FROM task_changes")) == before


def test_a_re_plan_in_small_batches_reaches_every_task(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members(engine, tmp_path, count=5)
    apply_text(engine, tmp_path, NEW_YEAR, "2026-12-31 08:00")
    run(engine, "2026-12-31 09:00")
    monkeypatch.setattr("siyu.planner.tick.BATCH", 2)

    set_setting(engine, "workdays", {"2027-01-01": "holiday", "2027-01-02": "workday"}, now="2026-12-31 10:00")
    reports = run(engine, "2026-12-31 10:01")

    assert reports[0].steps["calendar"] == 3  # 5 pending tasks of the step, 2 a batch
    fridays = [t for t in tasks_of(engine, "new-year") if t["step"] == "friday"]
    assert {(local(t["due_at"]), t["status"]) for t in fridays} == {("2027-01-02 10:00", "pending")}
    assert len(fridays) == 5
