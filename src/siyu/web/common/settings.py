"""The brand's settings as the API and the console name and show them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from siyu.brand import settings as brand_settings
from siyu.core.brand import BrandSettings
from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, from_us

SettingKey = Annotated[str, Path(max_length=32, description=f"One of: {', '.join(brand_settings.KEYS)}")]


def duration_text(us: int) -> str:
    """Microseconds → the largest whole unit of 30m / 24h / 7d."""
    for unit, size in (("d", US_PER_DAY), ("h", US_PER_HOUR)):
        if us % size == 0:
            return f"{us // size}{unit}"
    return f"{us // US_PER_MINUTE}m"


def settings_values(current: BrandSettings) -> dict[str, Any]:
    """Every setting in the form `PUT /api/v1/settings/{key}` takes back."""
    return {
        "timezone": current.timezone,
        "quiet_hours": {
            "start": current.quiet_hours.start.strftime("%H:%M"),
            "end": current.quiet_hours.end.strftime("%H:%M"),
        },
        "caps": {"per_day": current.caps.per_day, "per_week": current.caps.per_week},
        "late_after": duration_text(current.late_after_us),
        "workdays": {
            day.isoformat(): "workday" if working else "holiday"
            for day, working in sorted(current.workday_overrides.items())
        },
    }


def estimated_years(current: BrandSettings, now_us: int) -> list[int]:
    """The estimated workday years admins are told about now (in use, or starting within 60 days)."""
    return current.calendar.estimated_years_in_view(from_us(now_us, current.zone).date())


def year_sources(current: BrandSettings, now_us: int) -> dict[int, str]:
    """Where this year, the next and every year with overrides take their workdays from."""
    today = from_us(now_us, current.zone).date()
    return {year: source.value for year, source in current.calendar.sources_near(today).items()}
