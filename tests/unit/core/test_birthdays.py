"""Birthdays: year ignored, local dates, 29 February on 28 February in common years."""

from __future__ import annotations

from datetime import date

from siyu.core.birthdays import days_until_each, mds_celebrated_during, mds_celebrated_on, month_of, week_of


def test_leap_day_birthdays_fall_on_28_february_in_common_years() -> None:
    assert mds_celebrated_on(date(2025, 2, 28)) == {228, 229}
    assert mds_celebrated_on(date(2024, 2, 28)) == {228}
    assert mds_celebrated_on(date(2024, 2, 29)) == {229}
    assert mds_celebrated_on(date(2025, 3, 1)) == {301}


def test_week_spanning_new_year() -> None:
    week = week_of(date(2026, 12, 31))
    assert week[0] == date(2026, 12, 28) and week[-1] == date(2027, 1, 3)
    assert mds_celebrated_during(week) == {1228, 1229, 1230, 1231, 101, 102, 103}


def test_month_of_february_in_a_common_year_includes_leap_day_birthdays() -> None:
    assert 229 in mds_celebrated_during(month_of(date(2026, 2, 10)))
    assert len(month_of(date(2026, 2, 10))) == 28


def test_days_until_next_birthday() -> None:
    until = days_until_each(date(2026, 11, 22))
    assert until[1122] == 0 and until[1123] == 1 and until[1121] == 364
    assert until[229] == until[228] == (date(2027, 2, 28) - date(2026, 11, 22)).days
    assert days_until_each(date(2027, 11, 22))[229] == (date(2028, 2, 29) - date(2027, 11, 22)).days
