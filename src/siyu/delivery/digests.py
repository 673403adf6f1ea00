"""Each staff member's daily digest: once a day, from the brand's `digest_time` (local), one
delivery per staff member who has open tasks, keyed by the day ("digest:2026-11-22:17"), so a
day's digest is made once whatever the number of workers or rounds."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.channels.base import Purpose
from siyu.channels.delivery_settings import DeliverySettings
from siyu.channels.routing import INBOX
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us
from siyu.delivery import outbox
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
    return outbox.queue(
        conn,
        [has_open],
        key=sa.literal(prefix) + sa.cast(staff.c.id, sa.String),
        purpose=Purpose.digest,
        adapter=adapter,
        task_id=sa.null(),
        staff_id=staff.c.id,
        now_us=now_us,
    )
