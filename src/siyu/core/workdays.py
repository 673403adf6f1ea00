"""Chinese workdays: public holidays and make-up workdays (调休), with the brand's overrides.

Each year has one source (`YearSource`):

* `official` — the `chinese_calendar` package knows the State Council's schedule for the years it
  was built with; the brand's overrides win over single days of it;
* `brand` — a year the package does not know, for which the brand gave days (the official
  schedule, from `siyu settings workdays import` or the settings): those days, and the plain week
  (Monday–Friday) elsewhere;
* `estimated` — a year nobody described yet: the statutory holidays the `holidays` package
  computes (lunar festivals included, weekend holidays carried to the next weekday) are days off,
  the plain week elsewhere. There are no make-up workdays in an estimate. Admins are told (console
  notices) so that they give the official schedule when it is published;
* `unknown` — beyond what `holidays` computes: a CalendarError.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache, cached_property

import chinese_calendar
from holidays.constants import PUBLIC
from holidays.countries.china import China
from holidays.version import __version__ as holidays_version

from siyu.core.errors import SiyuError
from siyu.core.reasons import Reason, ReasonCode

MAX_WORKDAY_SEARCH_DAYS = 400
# The library raises NotImplementedError outside the years of its holiday table.
LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
LIBRARY_VERSION = chinese_calendar.__version__
# `holidays` computes China's statutory holidays (lunar festivals included) for these years only.
ESTIMATE_YEARS = range(China.start_year, China.end_year + 1)
ESTIMATE_LIBRARY_VERSION = holidays_version
# Admins are told this many days before an estimated year starts (and while it is in use).
ESTIMATE_NOTICE_DAYS = 60


class YearSource(StrEnum):
    official = "official"
    brand = "brand"
    estimated = "estimated"
    unknown = "unknown"


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
        f"{LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1} and the holidays of {ESTIMATE_YEARS.start}–"
        f"{ESTIMATE_YEARS.stop - 1} can be estimated, not {year}'s. Give {year}'s public holidays and "
        f"make-up workdays, e.g. siyu settings workdays import FILE (lines date,kind such as "
        f"{year}-01-01,holiday); the other days of {year} then follow the plain week (Monday–Friday workdays).",
        Reason.of(
            ReasonCode.workday_calendar_missing,
            date=day.isoformat(),
            year=year,
            library=LIBRARY_VERSION,
            first_year=LIBRARY_YEARS.start,
            last_year=LIBRARY_YEARS.stop - 1,
        ),
    )


@cache
def estimated_holidays(year: int) -> frozenset[date]:
    """China's statutory days off in `year` as `holidays` computes them (observed days included)."""
    return frozenset(China(years=year, categories=PUBLIC))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class WorkdayCalendar:
    """`overrides`: True = a workday (e.g. a make-up Saturday), False = a day off."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    @cached_property
    def _override_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def year_source(self, year: int) -> YearSource:
        if year in LIBRARY_YEARS:
            return YearSource.official
        if year in self._override_years:
            return YearSource.brand
        if year in ESTIMATE_YEARS:
            return YearSource.estimated
        return YearSource.unknown

    def is_workday(self, day: date) -> bool:
        """Raises CalendarError for a year neither library, estimate nor override covers."""
        if day in self.overrides:
            return self.overrides[day]
        source = self.year_source(day.year)
        if source is YearSource.official:
            return bool(chinese_calendar.is_workday(day))
        if source is YearSource.brand:
            return day.weekday() < 5
        if source is YearSource.estimated:
            return day.weekday() < 5 and day not in estimated_holidays(day.year)
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

    def estimated_years_in_view(self, today: date) -> list[int]:
        """The estimated years in use `today` or starting within ESTIMATE_NOTICE_DAYS of it."""
        years = sorted({today.year, (today + timedelta(days=ESTIMATE_NOTICE_DAYS)).year})
        return [year for year in years if self.year_source(year) is YearSource.estimated]

    def sources_near(self, today: date) -> dict[int, YearSource]:
        """Each year's source: this year, the next and every year with overrides."""
        years = sorted({today.year, today.year + 1, *self._override_years})
        return {year: self.year_source(year) for year in years}

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever an answer may change: the overrides or either library's version."""
        days = ",".join(f"{day.isoformat()}={int(working)}" for day, working in sorted(self.overrides.items()))
        text = f"chinesecalendar {LIBRARY_VERSION}|holidays {ESTIMATE_LIBRARY_VERSION}|{days}"
        return hashlib.sha256(text.encode()).hexdigest()
