"""`workdays_only: true`: a step on a Chinese public holiday or weekend moves to the same time
on the next workday, make-up workdays (调休) included; a date in a year the calendar does not
know yet follows the estimate of its statutory holidays; a date past the estimate makes a failed
task with the reason (never a crash); the brand's overrides (setting "workdays") are followed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import apply_text, local, run, set_setting, tasks_of
from tests.support.brand import Brand

# entered on Friday 2025-01-24: Sat 01-25 is a day off, Sun 01-26 a make-up workday, the
# Spring Festival holiday runs Tue 01-28 to Tue 02-04
WORKDAYS = """
    id: workdays-only
    name: workdays only
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: saturday, at: {day: 1, time: "10:00"}, workdays_only: true, channel: internal, executor: owner, content: [{text: "a"}]}
      - {id: monday, at: {day: 3, time: "10:00"}, workdays_only: true, channel: internal, executor: owner, content: [{text: "b"}]}
      - {id: festival, at: {day: 4, time: "10:00"}, workdays_only: true, channel: internal, executor: owner, content: [{text: "c"}]}
      - {id: any-day, at: {day: 1, time: "11:00"}, channel: internal, executor: owner, content: [{text: "d"}]}
      - {id: friday-night, at: {day: 0, time: "23:00"}, workdays_only: true, channel: private, executor: owner, content: [{text: "e"}]}
"""


def member(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(engine, tmp_path)


def dues(engine: Engine) -> dict[str, tuple[str, str, str | None]]:
    return {t["step"]: (local(t["due_at"]), t["status"], t["reason"]) for t in tasks_of(engine, "workdays-only")}


def test_holidays_and_weekends_move_to_the_next_workday_make_up_days_included(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    apply_text(engine, tmp_path, WORKDAYS, "2025-01-24 08:00")
    run(engine, "2025-01-24 09:00")

    assert dues(engine) == {
        "saturday": ("2025-01-26 10:00", "pending", None),  # a make-up Sunday
        "monday": ("2025-01-27 10:00", "pending", None),
        "festival": ("2025-02-05 10:00", "pending", None),
        "any-day": ("2025-01-25 11:00", "pending", None),
        # Friday 23:00 is quiet: Saturday 08:00 is a day off, the make-up Sunday is not
        "friday-night": ("2025-01-26 08:00", "pending", None),
    }


def test_a_year_the_official_calendar_does_not_know_follows_the_estimate(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    # Thursday 2026-12-31: 2027-01-01 (Friday) is New Year's Day by the estimate
    apply_text(engine, tmp_path, WORKDAYS, "2026-12-31 08:00")
    run(engine, "2026-12-31 09:00")

    assert dues(engine) == {
        "saturday": ("2027-01-04 10:00", "pending", None),  # Friday 01-01 is a holiday
        "monday": ("2027-01-04 10:00", "pending", None),  # Sunday 01-03
        "festival": ("2027-01-04 10:00", "pending", None),
        "any-day": ("2027-01-01 11:00", "pending", None),
        # 23:00 is quiet: Friday 08:00 is New Year's Day, then the weekend
        "friday-night": ("2027-01-04 08:00", "pending", None),
    }


def test_a_year_past_the_estimate_fails_the_task_with_the_reason(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    # Friday 2100-12-31 is the last day the estimate reaches
    apply_text(engine, tmp_path, WORKDAYS, "2100-12-31 08:00")
    run(engine, "2100-12-31 09:00", "2101-01-01 11:30")

    found = dues(engine)
    assert {step: status for step, (_due, status, _reason) in found.items()} == {
        "saturday": "failed",
        "monday": "failed",
        "festival": "failed",
        "any-day": "due",
        "friday-night": "failed",  # quiet hours move it to 2101-01-01
    }
    reason = found["saturday"][2] or ""
    assert "工作日日历缺少 2101-01-01" in reason
    assert "siyu settings workdays import" in reason


def test_overrides_in_the_settings_are_followed(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    # Fri 2030-01-04 entry: Sat 01-05 declared a make-up workday, Tue 01-08 a holiday
    set_setting(engine, "workdays", {"2030-01-05": "workday", "2030-01-08": "holiday"})
    apply_text(engine, tmp_path, WORKDAYS, "2030-01-04 08:00")
    run(engine, "2030-01-04 09:00")

    assert dues(engine) == {
        "saturday": ("2030-01-05 10:00", "pending", None),
        "monday": ("2030-01-07 10:00", "pending", None),
        "festival": ("2030-01-09 10:00", "pending", None),
        "any-day": ("2030-01-05 11:00", "pending", None),
        "friday-night": ("2030-01-05 08:00", "pending", None),
    }


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


def test_a_cap_deferral_into_an_estimated_year_lands_on_an_estimated_workday(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    apply_text(engine, tmp_path, YEAR_END, "2026-12-30 08:00")
    # Thursday 2026-12-31 takes two; the third is deferred past New Year's Day (estimated) and the weekend
    run(engine, "2026-12-30 09:00")

    found = {t["step"]: (local(t["due_at"]), t["status"], t["reason"]) for t in tasks_of(engine, "year-end")}
    assert found["one"] == ("2026-12-31 10:00", "pending", None)
    assert found["two"] == ("2026-12-31 11:00", "pending", None)
    assert found["three"] == ("2027-01-04 12:00", "pending", "每日上限 2 已满，顺延 4 天")


def test_a_cap_deferral_past_the_estimate_fails_the_task_without_a_crash(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    apply_text(engine, tmp_path, YEAR_END, "2100-12-30 08:00")
    # Friday 2100-12-31 takes two; the third would be deferred into 2101, which nothing describes
    run(engine, "2100-12-30 09:00")

    found = {t["step"]: (local(t["due_at"]), t["status"], t["reason"]) for t in tasks_of(engine, "year-end")}
    assert found["one"] == ("2100-12-31 10:00", "pending", None)
    assert found["two"] == ("2100-12-31 11:00", "pending", None)
    assert found["three"][1] == "failed"
    assert "工作日日历缺少 2101-01-01" in (found["three"][2] or "")
