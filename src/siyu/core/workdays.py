"""Chinese workdays: public holidays and make-up workdays (调休), with the brand's overrides.

The `chinese_calendar` package knows the State Council's schedule for the years it was built
with. For a later year the brand tells siyu the schedule itself; siyu never guesses one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import chinese_calendar

from siyu.core.errors import SiyuError
from siyu.core.reasons import Reason, ReasonCode

MAX_WORKDAY_SEARCH_DAYS = 400
# The library raises NotImplementedError outside the years of its holiday table.
LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
LIBRARY_VERSION = chinese_calendar.__version__


class CalendarError(SiyuError):
    """A workday question siyu cannot answer without the brand's overrides; `reason` is the
    same in words for tasks it leaves unplanned."""

    def __init__(self, message: str, reason: Reason) -> None:
        super().__init__(message)
        self.reason = reason


def _unknown_year(day: date) -> CalendarError:
    year = day.year
    return CalendarError(
        f"no Chinese workday calendar for {day.isoformat()}: chinesecalendar {LIBRARY_VERSION} knows "
        f"{LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1} only. Give {year}'s public holidays and make-up "
        f"workdays (the value replaces every override set before, so include those too), e.g. "
        f"""siyu settings set workdays '{{"{year}-01-01": "holiday", "{year}-02-07": "workday"}}'; """
        f"the other days of {year} then follow the plain week (Monday–Friday workdays).",
        Reason.of(
            ReasonCode.workday_calendar_missing,
            date=day.isoformat(),
            year=year,
            library=LIBRARY_VERSION,
            first_year=LIBRARY_YEARS.start,
            last_year=LIBRARY_YEARS.stop - 1,
        ),
    )


@dataclass(frozen=True)
class WorkdayCalendar:
    """`overrides`: True = a workday (e.g. a make-up Saturday), False = a day off."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    @cached_property
    def _override_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def is_workday(self, day: date) -> bool:
        """Raises CalendarError for a year neither the library nor any override knows."""
        if day in self.overrides:
            return self.overrides[day]
        if day.year in LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(day))
        if day.year in self._override_years:
            return day.weekday() < 5
        raise _unknown_year(day)

    def next_workday(self, day: date) -> date:
        """`day` itself when it is a workday, else the first workday after it."""
        for offset in range(MAX_WORKDAY_SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_workday(candidate):
                return candidate
        raise CalendarError(
            f"no workday within {MAX_WORKDAY_SEARCH_DAYS} days after {day.isoformat()}: "
            "check the holidays in the workdays setting",
            Reason.of(ReasonCode.no_workday_found, date=day.isoformat(), days=MAX_WORKDAY_SEARCH_DAYS),
        )
