"""`siyu deliveries retry` is audited as the console and the API are (`delivery.retry`,
`delivery.retry_dead` with the count) under cli@<login>."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import deliveries
from tests.integration.cli.support import audit_rows
from tests.support.brand import at
from tests.support.cli import Siyu

THEN_US = at("2026-11-20 10:30")


def _dead_digest(engine: Engine, key: str, adapter: str) -> int:
    with engine.begin() as conn:
        inserted = conn.execute(
            sa.insert(deliveries)
            .values(
                key=key,
                purpose="digest",
                adapter=adapter,
                status="dead",
                attempts=5,
                next_attempt_at=THEN_US,
                created_at=THEN_US,
                updated_at=THEN_US,
            )
            .returning(deliveries.c.id)
        )
        return int(inserted.scalar_one())


def test_cli_retries_are_audited_under_the_login(engine: Engine, siyu: Siyu, login: str) -> None:
    one = _dead_digest(engine, "digest:1", "wecom")
    _dead_digest(engine, "digest:2", "wecom")
    _dead_digest(engine, "digest:3", "sms")

    assert siyu("deliveries", "retry", str(one)).exit_code == 0
    retried = siyu("deliveries", "retry", "--dead", "--adapter", "wecom")
    assert retried.exit_code == 0, retried.output
    assert "1 dead letter(s) queued again" in retried.stdout

    assert audit_rows(engine) == [
        (None, f"cli@{login}", "delivery.retry", "delivery", str(one), None),
        (None, f"cli@{login}", "delivery.retry_dead", "delivery", "wecom", {"adapter": "wecom", "count": 1}),
    ]
