"""A claim takes at most its limit, also when the statistics say the table is empty. At 17k rows
PostgreSQL re-ran an `IN (… SKIP LOCKED LIMIT n)` pick per row and claimed the whole queue
(bench/bench_dispatch.py); the pick is now a MATERIALIZED CTE. This small table does not bring
that plan about: the test guards the limit on both databases, the bench showed the fix (20 rows
claimed in 0.07 s of 17,441, where it had taken all of them in 82 s)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.delivery.lease import claim
from siyu.store.tables import deliveries
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.delivery import greet_brand, rows


def test_a_claim_takes_its_limit_after_the_table_was_analyzed_empty(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE deliveries")  # statistics of an empty table
    greet_brand(engine, tmp_path, customers=40, channels_on=WEBHOOK)
    assert len(rows(engine)) == 41  # 40 sends, and the 40 reminders of 11:00 as one batch reminder
    with engine.begin() as conn:
        first = claim(conn, owner="a", now_us=clock.now_us, lease_us=60_000_000, limit=20)
        leased = conn.execute(
            sa.select(sa.func.count()).select_from(deliveries).where(deliveries.c.lease_owner == "a")
        ).scalar_one()
    assert len(first) == 20
    assert leased == 20
