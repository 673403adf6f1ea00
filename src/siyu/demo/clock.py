"""Local wall-clock time of the demo brand (Asia/Shanghai) as integer seconds.

The generator works in *wall seconds*: seconds since 1970-01-01 00:00 local time, so that a
local day is `t // 86400` and a local hour is `t % 86400 // 3600` without time-zone lookups in
the hot loop. Asia/Shanghai has had no daylight-saving time since 1991, so wall seconds order
exactly like instants; `iso()` adds the zone's offset back when an instant is written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from siyu.core.timeutil import EPOCH_DATE, day_number, from_day_number

ZONE_NAME = "Asia/Shanghai"
DAY = 86_400
HOUR = 3_600
MINUTE = 60

TIMES_OF_DAY = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


class Clock:
    """`now` and the formatting of wall seconds as ISO 8601 instants with the local offset."""

    __slots__ = ("_compact", "_day_prefix", "now_day", "now_s", "zone")

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must carry a time zone")
        self.zone = ZoneInfo(ZONE_NAME)
        local = now.astimezone(self.zone)
        self.now_day = day_number(local.date())
        self.now_s = self.now_day * DAY + local.hour * HOUR + local.minute * MINUTE + local.second
        self._day_prefix: dict[int, tuple[str, str]] = {}
        self._compact: dict[int, str] = {}

    def day_prefix(self, day: int) -> tuple[str, str]:
        """(`2026-06-18T`, `+08:00`): the date part of an instant on `day` and the zone's offset."""
        cached = self._day_prefix.get(day)
        if cached is None:
            moment = datetime.combine(from_day_number(day), datetime.min.time())
            offset = self.zone.utcoffset(moment.replace(hour=12)) or timedelta(0)
            cached = (from_day_number(day).isoformat() + "T", _offset_text(offset))
            self._day_prefix[day] = cached
        return cached

    def iso(self, t: int) -> str:
        """Wall seconds → `2026-06-18T20:13:05+08:00`."""
        day, second = divmod(t, DAY)
        prefix, offset = self._day_prefix.get(day) or self.day_prefix(day)
        return prefix + TIMES_OF_DAY[second] + offset

    def date_text(self, day: int) -> str:
        """`2026-06-18`."""
        return self.day_prefix(day)[0][:-1]

    def compact_date(self, day: int) -> str:
        """`20260618`."""
        text = self._compact.get(day)
        if text is None:
            text = self._compact[day] = self.date_text(day).replace("-", "")
        return text


def wall_seconds(day: date, hour: int = 0, minute: int = 0) -> int:
    return day_number(day) * DAY + hour * HOUR + minute * MINUTE


def date_of(t: int) -> date:
    return EPOCH_DATE + timedelta(days=t // DAY)
