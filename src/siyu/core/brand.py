"""Brand-wide settings as the core sees them (frozen; loaded by services.settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from zoneinfo import ZoneInfo

from siyu.core.timeutil import DEFAULT_TIMEZONE, US_PER_DAY
from siyu.core.workdays import WorkdayCalendar


@dataclass(frozen=True)
class QuietHours:
    start: time = time(22, 0)
    end: time = time(8, 0)


@dataclass(frozen=True)
class Caps:
    per_day: int = 2
    per_week: int = 5


@dataclass(frozen=True)
class BrandSettings:
    timezone: str = DEFAULT_TIMEZONE
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    caps: Caps = field(default_factory=Caps)
    late_after_us: int = US_PER_DAY
    # True = a workday (调休上班), False = a day off; wins over the chinese_calendar data.
    # A mapping makes the settings unhashable, which nothing needs.
    workday_overrides: Mapping[date, bool] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def calendar(self) -> WorkdayCalendar:
        return WorkdayCalendar(self.workday_overrides)
