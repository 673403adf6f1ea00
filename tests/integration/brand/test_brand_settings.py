"""Brand settings: defaults, validation that writes nothing, and a time-zone change that
re-derives every event's local day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.brand import settings
from siyu.core.errors import ValidationError
from siyu.core.timeutil import day_number, to_us
from siyu.store.tables import events
from tests.support.dataset import Ev, Person, World


def test_defaults_when_nothing_is_stored(engine: Engine) -> None:
    with engine.begin() as conn:
        current = settings.load(conn)
    assert current.timezone == "Asia/Shanghai"
    assert (current.caps.per_day, current.caps.per_week) == (2, 5)
    assert current.quiet_hours.start.hour == 22 and current.quiet_hours.end.hour == 8
    assert current.late_after_us == 24 * 3600 * 1_000_000


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("timezone", "Mars/Base", "timezone: unknown time zone 'Mars/Base'"),
        ("caps", {"per_day": -1}, "caps: expected {per_day: N, per_week: N}"),
        ("quiet_hours", {"start": "25:00", "end": "08:00"}, 'quiet_hours.start: expected "HH:MM"'),
        ("late_after", "soon", "late_after: expected a duration"),
        ("colour", "red", "colour: unknown setting"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(engine: Engine, key: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught, engine.begin() as conn:
        settings.set_value(conn, key, value, now_us=0)
    assert str(caught.value).startswith(message)
    with engine.begin() as conn:
        assert settings.stored_values(conn) == {}


def test_changing_the_time_zone_recomputes_local_days(engine: Engine) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    late_evening_utc = to_us(datetime(2026, 11, 21, 20, 0, tzinfo=ZoneInfo("UTC")))  # 04:00 next day in Shanghai
    world = World(zone=shanghai, customers=[Person("c1")], events=[Ev("e1", "order_paid", late_evening_utc, "c1")])
    with engine.begin() as conn:
        world.write(conn)
        assert conn.execute(sa.select(events.c.day)).scalar_one() == day_number(datetime(2026, 11, 22).date())
        settings.set_value(conn, "timezone", "America/New_York", now_us=0)
    with engine.begin() as conn:
        assert conn.execute(sa.select(events.c.day)).scalar_one() == day_number(datetime(2026, 11, 21).date())
        assert settings.load(conn).timezone == "America/New_York"
