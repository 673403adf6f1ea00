"""Chinese workdays: the library's holidays and make-up workdays, the brand's overrides, an
estimate of the statutory holidays for a year the library does not know yet, and a clear error
for a year not even the estimate reaches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.brand import BrandSettings
from siyu.core.workdays import (
    ESTIMATE_YEARS,
    LIBRARY_YEARS,
    CalendarError,
    WorkdayCalendar,
    YearSource,
)

CHINA = WorkdayCalendar()


def test_the_library_covers_2004_to_2026() -> None:
    assert (LIBRARY_YEARS.start, LIBRARY_YEARS.stop - 1) == (2004, 2026)


def test_national_day_2026_and_its_make_up_workdays() -> None:
    golden_week = [date(2026, 10, 1) + timedelta(days=n) for n in range(7)]
    assert not any(CHINA.is_workday(day) for day in golden_week)
    # chinesecalendar 1.11.0: Sunday 20 September and Saturday 10 October are worked
    assert CHINA.is_workday(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6
    assert CHINA.is_workday(date(2026, 10, 10)) and date(2026, 10, 10).weekday() == 5
    assert CHINA.is_workday(date(2026, 10, 8)) and CHINA.is_workday(date(2026, 10, 9))
    assert not CHINA.is_workday(date(2026, 10, 11))  # a plain Sunday


def test_next_workday_skips_the_golden_week() -> None:
    assert CHINA.next_workday(date(2026, 9, 30)) == date(2026, 9, 30)
    assert CHINA.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert CHINA.next_workday(date(2026, 9, 19)) == date(2026, 9, 20)  # Saturday → the make-up Sunday


def test_spring_festival_2026() -> None:
    assert CHINA.next_workday(date(2026, 2, 15)) == date(2026, 2, 24)
    assert CHINA.is_workday(date(2026, 2, 14)) and CHINA.is_workday(date(2026, 2, 28))


def test_an_override_wins_over_the_library() -> None:
    calendar = WorkdayCalendar({date(2026, 10, 1): True, date(2026, 9, 20): False, date(2026, 9, 21): False})
    assert calendar.is_workday(date(2026, 10, 1))
    assert not calendar.is_workday(date(2026, 9, 20))
    assert calendar.next_workday(date(2026, 9, 20)) == date(2026, 9, 22)


@pytest.mark.parametrize("day", [date(2101, 1, 3), date(2150, 6, 3), date(1949, 12, 30)])
def test_a_year_not_even_the_estimate_reaches_is_an_error_that_says_what_to_do(day: date) -> None:
    with pytest.raises(CalendarError) as caught:
        CHINA.is_workday(day)
    message = str(caught.value)
    assert day.isoformat() in message
    assert "2004–2026" in message and "1950–2100" in message
    assert f"siyu settings workdays import FILE (lines date,kind such as {day.year}-01-01,holiday)" in message
    assert ("year", day.year) in caught.value.reason.params


def test_next_workday_past_the_estimate_is_an_error() -> None:
    assert CHINA.next_workday(date(2100, 12, 31)) == date(2100, 12, 31)  # a Friday
    with pytest.raises(CalendarError, match="2101-01-01"):
        WorkdayCalendar({date(2100, 12, 31): False}).next_workday(date(2100, 12, 31))


def test_a_year_with_overrides_follows_the_plain_week_elsewhere() -> None:
    calendar = WorkdayCalendar({date(2027, 1, 1): False, date(2027, 2, 7): True})
    assert not calendar.is_workday(date(2027, 1, 1))  # a Friday made a holiday
    assert calendar.is_workday(date(2027, 2, 7))  # a Sunday made a workday
    assert not calendar.is_workday(date(2027, 1, 2)) and not calendar.is_workday(date(2027, 1, 3))
    assert calendar.is_workday(date(2027, 1, 4))
    assert calendar.next_workday(date(2027, 1, 1)) == date(2027, 1, 4)
    # the Spring Festival the estimate would give is the brand's to list: its own days rule 2027
    assert calendar.is_workday(date(2027, 2, 8))
    assert calendar.year_source(2027) is YearSource.brand
    # another year keeps its estimate
    assert calendar.year_source(2028) is YearSource.estimated and not calendar.is_workday(date(2028, 1, 3))


def test_no_workday_within_400_days_is_an_error_not_a_hang() -> None:
    start = date(2027, 1, 1)
    all_off = {start + timedelta(days=n): False for n in range(800)}
    with pytest.raises(CalendarError, match="no workday within 400 days"):
        WorkdayCalendar(all_off).next_workday(start)


def test_brand_settings_build_their_calendar_from_the_overrides() -> None:
    settings = BrandSettings(workday_overrides={date(2026, 10, 1): True})
    assert settings.calendar.is_workday(date(2026, 10, 1))
    assert not BrandSettings().calendar.is_workday(date(2026, 10, 1))


@given(st.dates(date(2004, 1, 1), date(2026, 12, 20)))
def test_next_workday_is_the_first_workday_on_or_after(day: date) -> None:
    found = CHINA.next_workday(day)
    assert found >= day and CHINA.is_workday(found)
    assert not any(CHINA.is_workday(day + timedelta(days=n)) for n in range((found - day).days))


@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.booleans())
def test_is_workday_answers_or_raises_calendar_error_never_anything_else(day: date, override_that_year: bool) -> None:
    calendar = WorkdayCalendar({date(day.year, 12, 31): False} if override_that_year else {})
    try:
        answer = calendar.is_workday(day)
    except CalendarError:
        assert day.year not in LIBRARY_YEARS and day.year not in ESTIMATE_YEARS and not override_that_year
    else:
        assert isinstance(answer, bool)
        if day.year not in LIBRARY_YEARS and day != date(day.year, 12, 31) and override_that_year:
            assert answer == (day.weekday() < 5)
