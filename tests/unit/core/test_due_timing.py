"""When an occurrence is due before the cap: the brand's workdays and quiet hours, or why not."""

from __future__ import annotations

from datetime import date, time

from siyu.core.brand import BrandSettings, QuietHours
from siyu.core.model import Channel, NextAt
from siyu.core.reasons import ReasonCode
from siyu.core.timing import Timing, due_timing
from tests.unit.core.plan_samples import make_step, sh

NIGHT = NextAt(time(23, 30))


def test_a_customer_facing_step_waits_for_the_end_of_quiet_hours() -> None:
    assert due_timing(make_step(NIGHT), sh(2026, 6, 1, 23, 30), BrandSettings()) == Timing(sh(2026, 6, 2, 8, 0))


def test_an_internal_step_keeps_its_instant_in_quiet_hours() -> None:
    internal = make_step(NIGHT, channel=Channel.internal)
    assert due_timing(internal, sh(2026, 6, 1, 23, 30), BrandSettings()) == Timing(sh(2026, 6, 1, 23, 30))


def test_the_brands_quiet_hours_are_the_ones_applied() -> None:
    late_quiet = BrandSettings(quiet_hours=QuietHours(time(23, 45), time(7, 0)))
    assert due_timing(make_step(NIGHT), sh(2026, 6, 1, 23, 30), late_quiet) == Timing(sh(2026, 6, 1, 23, 30))


def test_a_workdays_only_step_moves_past_the_holiday() -> None:
    step = make_step(NIGHT, channel=Channel.internal, workdays_only=True)
    assert due_timing(step, sh(2026, 10, 3, 10), BrandSettings()) == Timing(sh(2026, 10, 8, 10))


def test_a_year_past_the_estimate_fails_with_the_reason_and_keeps_the_instant() -> None:
    brand = BrandSettings(workday_overrides={date(2026, 10, 1): True})
    found = due_timing(make_step(NIGHT, workdays_only=True), sh(2150, 3, 2, 10), brand)
    assert found.wanted_us == sh(2150, 3, 2, 10)
    assert found.failure is not None and found.failure.code is ReasonCode.workday_calendar_missing
    assert found.failure.parameters["date"] == "2150-03-02"
    assert "2150" in found.failure.text("zh-CN") and "2150" in found.failure.text("en")
