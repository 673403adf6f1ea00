"""Event instants: ISO 8601 with an offset → µs; the local day comes from the brand zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.timeutil import local_day, to_us
from siyu.ingest.fields import FieldError, LocalDays, instant_us


def test_offsets_and_z() -> None:
    assert instant_us("2026-06-01T10:00:00+08:00") == to_us(datetime(2026, 6, 1, 2, tzinfo=UTC))
    assert instant_us("2026-06-01T02:00:00Z") == to_us(datetime(2026, 6, 1, 2, tzinfo=UTC))
    assert instant_us("2026-06-01T02:00:00.000123+00:00") == to_us(datetime(2026, 6, 1, 2, 0, 0, 123, tzinfo=UTC))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-06-01T10:00:00", '"2026-06-01T10:00:00" has no offset (write e.g. 2026-06-01T10:00:00+08:00)'),
        ("2026-06-01", '"2026-06-01" has no offset (write e.g. 2026-06-01T10:00:00+08:00)'),
        ("yesterday", 'expected an ISO 8601 date-time with offset, got "yesterday"'),
        (1767225600, "expected an ISO 8601 date-time with offset, got a number"),
        ("0099-01-01T00:00:00+00:00", "year 99 is out of range (1900–2999)"),
    ],
)
def test_faults(value: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        instant_us(value)
    assert caught.value.message == message


ZONES = ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London"]
START = to_us(datetime(1990, 1, 1, tzinfo=UTC))
END = to_us(datetime(2040, 1, 1, tzinfo=UTC))


@given(zone=st.sampled_from(ZONES), us=st.integers(START, END))
def test_cached_local_days_match_timeutil(zone: str, us: int) -> None:
    days = LocalDays(ZoneInfo(zone))
    assert days(us) == local_day(us, ZoneInfo(zone))
    assert days(us) == local_day(us, ZoneInfo(zone))  # second call from the cache


def test_local_days_around_a_dst_change() -> None:
    zone = ZoneInfo("America/New_York")
    days = LocalDays(zone)
    change = to_us(datetime(2026, 3, 8, 7, tzinfo=UTC))  # 02:00 EST → 03:00 EDT
    for minutes in range(-180, 180, 7):
        us = change + int(timedelta(minutes=minutes) / timedelta(microseconds=1))
        assert days(us) == local_day(us, zone)
