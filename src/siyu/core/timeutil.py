"""Instants as integer microseconds since the Unix epoch (UTC), and local calendar days.

The store keeps every instant as such an integer so that SQLite and PostgreSQL compare them
identically, and every event carries its local day (days since 1970-01-01 in the brand's zone)
so that "differences of local dates" are plain integer arithmetic in SQL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_DATE = date(1970, 1, 1)
# the one set of time constants: instants and durations are integer microseconds everywhere
US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
US_PER_WEEK = 7 * US_PER_DAY
DEFAULT_TIMEZONE = "Asia/Shanghai"

_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNIT_US = {"m": US_PER_MINUTE, "h": US_PER_HOUR, "d": US_PER_DAY}


def to_us(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant; give it a time zone")
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US_PER_SECOND + delta.microseconds


def from_us(us: int, zone: tzinfo = UTC) -> datetime:
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone)


def day_number(day: date) -> int:
    """Days since 1970-01-01 (negative before)."""
    return (day - EPOCH_DATE).days


def from_day_number(number: int) -> date:
    return EPOCH_DATE + timedelta(days=number)


def local_day(us: int, zone: tzinfo) -> int:
    """The local calendar day of an instant, as a day number."""
    return day_number(from_us(us, zone).date())


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name like Asia/Shanghai)") from exc


def parse_instant(text: str, default_zone: tzinfo | None = None) -> datetime:
    """ISO 8601 with an offset (or `Z`). Without one, `default_zone` is assumed if given."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from exc
    if moment.tzinfo is None:
        if default_zone is None:
            raise ValueError(f"date-time {text!r} has no offset (write e.g. 2026-06-01T10:00:00+08:00)")
        moment = moment.replace(tzinfo=default_zone)
    return moment


def parse_duration_us(text: str) -> int:
    """`30m`, `24h`, `7d` (d = exactly 24 h) → microseconds."""
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a duration like 30m, 24h or 7d, got {text!r}")
    return int(match.group(1)) * _UNIT_US[match.group(2)]
