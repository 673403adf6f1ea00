"""Each staff member's daily digest: once a day, from the brand's `digest_time` (local), one
delivery per staff member who has open tasks, keyed by the day ("digest:2026-11-22:17"), so a
day's digest is made once whatever the number of workers or rounds."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from siyu.channels.base import Purpose
from siyu.channels.delivery_settings import DeliverySettings
from siyu.channels.routing import INBOX
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us
from siyu.delivery.routing_state import Routing
from siyu.store.tables import deliveries, staff, tasks


def digest_prefix(day_text: str) -> str:
    return f"digest:{day_text}:"


def enqueue_digests(
    conn: Connection, settings: DeliverySettings, routing: Routing, *, now_us: int, zone: ZoneInfo
) -> int:
    """Make today's digests if their time has come and they are not made yet; returns how many."""
    adapter = routing.digest_adapter
    if not settings.digest_time or adapter == INBOX:
        return 0
    local = from_us(now_us, zone)
    hours, minutes = (int(part) for part in settings.digest_time.split(":"))
    if local < datetime(local.year, local.month, local.day, hours, minutes, tzinfo=zone):
        return 0
    prefix = digest_prefix(local.date().isoformat())
    # ";" sorts right after ":": the key range of today's digests, an index range scan
    made = conn.execute(
        sa.select(deliveries.c.id).where(deliveries.c.key >= prefix, deliveries.c.key < prefix[:-1] + ";").limit(1)
    ).first()
    if made is not None:
        return 0
    has_open = (
        sa.exists().where(tasks.c.executor_id == staff.c.id, tasks.c.status == TaskStatus.due.value).correlate(staff)
    )
    rows = sa.select(
        sa.literal(prefix) + sa.cast(staff.c.id, sa.String),
        sa.literal(Purpose.digest.value),
        sa.literal(adapter),
        staff.c.id,
        sa.literal("queued"),
        sa.literal(0),
        sa.literal(now_us, sa.BigInteger),
        sa.literal(False),
        sa.literal(now_us, sa.BigInteger),
        sa.literal(now_us, sa.BigInteger),
    ).where(has_open)
    columns = [
        "key",
        "purpose",
        "adapter",
        "staff_id",
        "status",
        "attempts",
        "next_attempt_at",
        "in_doubt",
        "created_at",
        "updated_at",
    ]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: PostgreSQL's driver reports -1 rows for an INSERT … SELECT here
    statement = dialect.insert(deliveries).from_select(columns, rows).on_conflict_do_nothing()
    return len(conn.execute(statement.returning(deliveries.c.id)).all())
