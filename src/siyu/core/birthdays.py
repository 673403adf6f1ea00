"""Birthdays by local calendar date, year ignored. In a year without 29 February, a 29 February
birthday falls on 28 February. Birthdays are keyed as month * 100 + day (`md`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

LEAP_DAY_MD = 229
ALL_MDS = tuple(
    month * 100 + day for month in range(1, 13) for day in range(1, calendar.monthrange(2024, month)[1] + 1)
)


def md_of(day: date) -> int:
    return day.month * 100 + day.day


def mds_celebrated_on(day: date) -> set[int]:
    """The birthday keys whose birthday falls on `day`."""
    mds = {md_of(day)}
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        mds.add(LEAP_DAY_MD)
    return mds


def mds_celebrated_during(days: Iterable[date]) -> set[int]:
    result: set[int] = set()
    for day in days:
        result |= mds_celebrated_on(day)
    return result


def week_of(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(days=offset) for offset in range(7)]


def month_of(today: date) -> list[date]:
    length = calendar.monthrange(today.year, today.month)[1]
    return [date(today.year, today.month, day) for day in range(1, length + 1)]


def days_until_each(today: date) -> dict[int, int]:
    """For every birthday key, the days from `today` to the next day (today included) it falls on."""
    result: dict[int, int] = {}
    for offset in range(367):
        for md in mds_celebrated_on(today + timedelta(days=offset)):
            result.setdefault(md, offset)
    return result
