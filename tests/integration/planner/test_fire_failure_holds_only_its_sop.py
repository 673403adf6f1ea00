"""When firing one SOP's due tasks fails (the brand-wide `fire` step), that batch is rolled back,
the failure is recorded on the SOP, its tasks wait, and the other SOPs' tasks still fire.
(Two SOPs on two customers: a third would meet the default daily cap.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.planner import due_tasks
from siyu.sops.overview import failures_of
from tests.integration.sops.scenarios import SIMPLE, write
from tests.support.brand import Brand, apply_sops, at, run, summary


def test_a_failing_fire_group_holds_only_its_sop(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.add_customer("c2", "s1", tags=("会员",))
    brand.write(engine, tmp_path / "data")
    files = [
        write(tmp_path / f"{name}.yaml", SIMPLE.format(id=name, name=name, text="你好")) for name in ("a", "b", "c")
    ]
    apply_sops(engine, *files, now=at("2026-11-20 08:00"))
    run(engine, "2026-11-20 09:00")

    real_fire_group = due_tasks._fire_group
    fired: list[str] = []

    def fire_then_fail(conn: Connection, book: Any, step_key: tuple[str, int, str], *rest: Any) -> None:
        fired.append(step_key[0])
        real_fire_group(conn, book, step_key, *rest)
        if step_key[0] == "a":
            conn.execute(sa.text("SELECT no_such_column FROM tasks"))

    monkeypatch.setattr(due_tasks, "_fire_group", fire_then_fail)
    [report] = run(engine, "2026-11-20 10:05")
    assert sorted(report.failed) == ["a"]
    assert sorted(fired) == ["a", "b"]  # the step went on after a failed
    assert {sop: {row[4] for row in summary(engine, sop=sop)} for sop in "ab"} == {
        "a": {"pending"},  # its batch was rolled back: nothing half-fired
        "b": {"due"},
    }
    with engine.begin() as conn:
        failure = failures_of(conn)["a"]
    assert failure.step == "fire" and "no_such_column" in failure.error

    monkeypatch.setattr(due_tasks, "_fire_group", real_fire_group)
    [again] = run(engine, "2026-11-20 10:10")
    assert again.failed == {}
    assert {row[4] for row in summary(engine, sop="a")} == {"due"}
    with engine.begin() as conn:
        assert failures_of(conn) == {}
