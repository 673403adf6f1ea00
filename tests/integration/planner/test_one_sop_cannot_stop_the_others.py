"""One SOP whose planning raises cannot stop the others: with every scenario SOP on the demo
brand, an SOP made to fail with an SQL error after it has written (the failure PostgreSQL
answers by aborting the transaction unless it is in a savepoint) leaves the other SOPs' tasks
exactly those of a run without it; its own partial writes are rolled back, the failure is
recorded on it, and a later clean tick clears it and plans it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.demo.generate import write_demo
from siyu.demo.load import load_demo
from siyu.demo.world import DemoSpec
from siyu.planner import tick as tick_module
from siyu.planner.tick import run_tick, tick
from siyu.sops.overview import failures_of
from siyu.store.tables import sop_entries, sop_state, sops, tasks
from tests.support.brand import SCENARIOS, SHANGHAI, apply_sops

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
TICKS = [NOW, NOW + timedelta(hours=1), NOW + timedelta(hours=25)]
BAD = "new-friend-onboarding"


def us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def task_keys(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every task by SOP, without ids (they depend on the order of insertion; a batch id comes
    from a sequence, which PostgreSQL does not roll back)."""
    columns = [c for c in tasks.c if c.name not in ("id", "batch_id", "created_at", "updated_at")]
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute(sa.select(*columns).order_by(*columns[:7])):
        found.setdefault(row.sop_id, []).append(tuple(str(v) for v in row))
    return found


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def brand(engine: Engine, tmp_path: Path) -> Engine:
    load_demo(engine, write_demo(DemoSpec(300, 7, NOW), tmp_path / "demo", workers=1))
    apply_sops(engine, SCENARIOS, now=us(NOW - timedelta(days=7)))
    with engine.begin() as conn:
        assert BAD in set(conn.execute(sa.select(sops.c.id).where(sops.c.enabled)).scalars())
    return engine


def test_a_failing_sop_leaves_the_others_as_a_run_without_it(brand: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with rolled_back(brand) as conn:  # the run without the bad SOP, forgotten afterwards
        conn.execute(sa.update(sops).where(sops.c.id == BAD).values(enabled=False))

        @contextmanager
        def nested() -> Iterator[Connection]:
            with conn.begin_nested():
                yield conn

        for moment in TICKS:
            run_tick(nested, us(moment), locking=False)
        without_bad = task_keys(conn)
    assert len(without_bad) >= 5, "the scenario SOPs should make tasks on the demo brand"

    real_plan_entries = tick_module.plan_entries

    def plan_then_fail(conn: Connection, sop: Any, version: int, ctx: Any, *, batch: int) -> bool:
        more = real_plan_entries(conn, sop, version, ctx, batch=batch)
        if sop.id == BAD:
            conn.execute(sa.text("SELECT no_such_column FROM tasks"))
        return more

    monkeypatch.setattr(tick_module, "plan_entries", plan_then_fail)
    reports = [tick(brand, us(moment)) for moment in TICKS]

    assert [sorted(r.failed) for r in reports] == [[BAD]] * len(TICKS)
    with brand.begin() as conn:
        planned = task_keys(conn)
        assert BAD not in planned  # its partial writes were rolled back with its savepoint
        assert planned == without_bad  # and every other SOP planned exactly as without it
        unplanned = conn.execute(
            sa.select(sa.func.count()).where(sop_entries.c.sop_id == BAD, sop_entries.c.planned_version.is_not(None))
        ).scalar_one()
        assert unplanned == 0
        failure = failures_of(conn, [BAD])[BAD]
    assert (failure.step, failure.failures, failure.at_us) == ("entries", len(TICKS), us(TICKS[-1]))
    assert failure.error.split(":")[0] in ("OperationalError", "UndefinedColumn")
    assert "no_such_column" in failure.error and "SELECT" not in failure.error  # never the statement

    monkeypatch.setattr(tick_module, "plan_entries", real_plan_entries)
    fixed = tick(brand, us(TICKS[-1] + timedelta(hours=1)))
    assert fixed.failed == {}
    with brand.begin() as conn:
        assert failures_of(conn) == {}
        state = conn.execute(sa.select(sop_state).where(sop_state.c.sop_id == BAD)).one()
        assert (state.last_error, state.last_error_step, state.last_error_at, state.failures) == (None, None, None, 0)
        assert task_keys(conn).get(BAD), "once clean, the SOP is planned"
