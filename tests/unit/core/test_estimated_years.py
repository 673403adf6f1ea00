"""A year the official calendar (chinesecalendar) does not know yet is estimated from the
statutory holidays the `holidays` package computes: its days off are those holidays and the
weekends, it has no make-up workdays, it is marked `estimated`, and admins are told from 60
days before it starts. The brand's own days for the year replace the estimate."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.workdays import (
    ESTIMATE_NOTICE_DAYS,
    ESTIMATE_YEARS,
    LIBRARY_YEARS,
    WorkdayCalendar,
    YearSource,
    estimated_holidays,
)

CHINA = WorkdayCalendar()


def test_2027_is_estimated_and_the_estimate_reaches_2100() -> None:
    assert CHINA.year_source(2026) is YearSource.official
    assert CHINA.year_source(2027) is YearSource.estimated
    assert CHINA.year_source(2100) is YearSource.estimated
    assert CHINA.year_source(2101) is YearSource.unknown
    assert (ESTIMATE_YEARS.start, ESTIMATE_YEARS.stop - 1) == (1950, 2100)


def test_new_years_day_2027_is_estimated_a_holiday_and_moves_to_monday() -> None:
    assert date(2027, 1, 1).weekday() == 4  # a Friday
    assert not CHINA.is_workday(date(2027, 1, 1))
    assert CHINA.next_workday(date(2027, 1, 1)) == date(2027, 1, 4)


def test_the_lunar_festivals_of_2027_are_estimated() -> None:
    # Spring Festival 2027: Saturday 02-06; eve, the first three days and the weekend ones carried over
    spring = [date(2027, 2, 5) + timedelta(days=n) for n in range(6)]
    assert not any(CHINA.is_workday(day) for day in spring)
    assert CHINA.next_workday(date(2027, 2, 5)) == date(2027, 2, 11)
    assert not CHINA.is_workday(date(2027, 6, 9))  # Dragon Boat Festival (a Wednesday)
    assert not CHINA.is_workday(date(2027, 9, 15))  # Mid-Autumn Festival (a Wednesday)
    assert CHINA.next_workday(date(2027, 10, 1)) == date(2027, 10, 6)


def test_an_estimate_has_no_make_up_workdays() -> None:
    saturdays = [date(2027, 1, 2) + timedelta(weeks=n) for n in range(52)]
    assert not any(CHINA.is_workday(day) for day in saturdays)


def test_a_single_override_wins_over_the_library_years_and_the_brands_days_replace_the_estimate() -> None:
    official = WorkdayCalendar({date(2027, 1, 1): False, date(2027, 2, 20): True, date(2027, 2, 9): False})
    assert official.year_source(2027) is YearSource.brand
    assert official.is_workday(date(2027, 2, 20))  # a make-up Saturday
    assert not official.is_workday(date(2027, 2, 9))
    # the estimate's days off that the brand did not list are workdays
    assert official.is_workday(date(2027, 2, 10)) and official.is_workday(date(2027, 6, 9))


@given(st.dates(date(2027, 1, 1), date(2030, 12, 31)))
def test_every_day_of_2027_to_2030_is_answered_by_the_estimate(day: date) -> None:
    working = CHINA.is_workday(day)
    assert working == (day.weekday() < 5 and day not in estimated_holidays(day.year))
    found = CHINA.next_workday(day)
    assert CHINA.is_workday(found) and 0 <= (found - day).days < 14


@given(st.integers(ESTIMATE_YEARS.start, ESTIMATE_YEARS.stop - 1).filter(lambda year: year not in LIBRARY_YEARS))
def test_every_estimated_year_has_its_statutory_days_off(year: int) -> None:
    days = estimated_holidays(year)
    assert date(year, 1, 1) in days and date(year, 10, 1) in days
    assert len(days) >= 7
    assert all(day.year == year for day in days)


def test_admins_are_told_60_days_before_an_estimated_year_and_while_it_is_in_use() -> None:
    new_year = date(2027, 1, 1)
    assert ESTIMATE_NOTICE_DAYS == 60
    assert CHINA.estimated_years_in_view(new_year - timedelta(days=61)) == []
    assert CHINA.estimated_years_in_view(new_year - timedelta(days=60)) == [2027]
    assert CHINA.estimated_years_in_view(date(2027, 7, 1)) == [2027]
    assert CHINA.estimated_years_in_view(date(2027, 11, 15)) == [2027, 2028]
    given = WorkdayCalendar({date(2027, 1, 1): False})
    assert given.estimated_years_in_view(date(2027, 7, 1)) == []


def test_the_fingerprint_changes_with_the_overrides_only() -> None:
    one = WorkdayCalendar({date(2027, 1, 1): False})
    assert one.fingerprint == WorkdayCalendar({date(2027, 1, 1): False}).fingerprint
    assert one.fingerprint != CHINA.fingerprint
    assert one.fingerprint != WorkdayCalendar({date(2027, 1, 1): True}).fingerprint
