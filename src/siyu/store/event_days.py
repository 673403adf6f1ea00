"""Keep `events.day` (the local day of each event) true to the brand's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.timeutil import local_day


def recompute_event_days(conn: Connection, zone: ZoneInfo) -> int:
    """Recompute every event's local day in `zone`, set-based; returns the rows changed."""
    if conn.dialect.name == "postgresql":
        result = conn.execute(
            sa.text(
                "UPDATE events SET day = ((to_timestamp(at / 1000000.0) AT TIME ZONE :zone)::date - DATE '1970-01-01')"
                " WHERE day <> ((to_timestamp(at / 1000000.0) AT TIME ZONE :zone)::date - DATE '1970-01-01')"
            ),
            {"zone": zone.key},
        )
        return result.rowcount
    # SQLite has no time zones: lend it ours for the length of one statement.
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.create_function("siyu_local_day", 1, lambda at: local_day(at, zone), deterministic=True)
    try:
        result = conn.execute(sa.text("UPDATE events SET day = siyu_local_day(at) WHERE day <> siyu_local_day(at)"))
        return result.rowcount
    finally:
        raw.create_function("siyu_local_day", 1, None)
