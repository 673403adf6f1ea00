"""An SOP stored before its definition was refused (a `where` key holding a NUL, the issue's
case) cannot stop planning: the tick records it as failed at `load` and plans the others;
`siyu plan` prints it and exits 0, and `siyu sop list` shows it until it is fixed.

SQLite only: PostgreSQL's JSONB cannot hold a NUL, so such a definition never gets stored there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.sops.overview import failures_of
from siyu.store.tables import sop_versions
from tests.integration.sops.scenarios import SIMPLE, write
from tests.support.brand import Brand, apply_sops, at, summary
from tests.support.cli import siyu_for

NUL_WHEN = {"event": "order_paid", "where": {"a\0b": 1}}


@pytest.fixture
def brand(sqlite_engine: Engine, tmp_path: Path) -> Engine:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(sqlite_engine, tmp_path / "data")
    files = [
        write(tmp_path / f"{name}.yaml", SIMPLE.format(id=name, name=name, text="你好")) for name in ("good", "bad")
    ]
    apply_sops(sqlite_engine, *files, now=at("2026-11-20 08:00"))
    with sqlite_engine.begin() as conn:
        definition = conn.execute(
            sa.select(sop_versions.c.definition).where(sop_versions.c.sop_id == "bad")
        ).scalar_one()
        definition["steps"][0]["when"] = NUL_WHEN
        conn.execute(sa.update(sop_versions).where(sop_versions.c.sop_id == "bad").values(definition=definition))
    return sqlite_engine


def test_the_bad_sop_is_recorded_and_the_others_are_planned(brand: Engine) -> None:
    siyu = siyu_for(brand)
    result = siyu("plan", "--now", "2026-11-20T09:00:00+08:00")
    assert result.exit_code == 0, result.output
    assert (
        "SOP bad failed at step load (1 tick(s) in a row): ValidationError: stored SOP bad version 1:" in result.stderr
    )
    assert "1 SOP(s) not planned; the others were." in result.stderr
    assert summary(brand, sop="good") == [("hello", "c1", "s1", "2026-11-20 10:00", "pending", "")]
    assert summary(brand, sop="bad") == []

    planned = json.loads(siyu("plan", "--now", "2026-11-20T10:05:00+08:00", "--format", "json").stdout)
    assert [(f["sop"], f["step"], f["failures_in_a_row"]) for f in planned["failed_sops"]] == [("bad", "load", 2)]
    assert summary(brand, sop="good") == [("hello", "c1", "s1", "2026-11-20 10:00", "due", "")]

    listed = siyu("sop", "list")
    rows = {line.split()[0]: line.split()[-1] for line in listed.stdout.splitlines()[1:]}
    assert rows == {"bad": "failed", "good": "-"}
    assert "bad: planning failed at 2026-11-20 10:05, step load (2 tick(s) in a row): ValidationError" in listed.stderr
    as_json = {row["id"]: row["planning_failure"] for row in json.loads(siyu("sop", "list", "--format", "json").stdout)}
    assert as_json["good"] is None
    assert as_json["bad"]["step"] == "load" and as_json["bad"]["at"] == "2026-11-20T10:05:00+08:00"
    assert "控制字符 U+0000" in as_json["bad"]["error"]  # the validation message, not a driver error
    assert "\0" not in as_json["bad"]["error"]


def test_fixing_the_sop_clears_the_failure(brand: Engine, tmp_path: Path) -> None:
    siyu = siyu_for(brand)
    siyu("plan", "--now", "2026-11-20T09:00:00+08:00")
    fixed = write(tmp_path / "bad.yaml", SIMPLE.format(id="bad", name="bad", text="您好"))
    assert siyu("sop", "apply", str(fixed), "--now", "2026-11-20T09:10:00+08:00").exit_code == 0
    result = siyu("plan", "--now", "2026-11-20T09:20:00+08:00")
    assert result.exit_code == 0 and "failed" not in result.stderr
    with brand.begin() as conn:
        assert failures_of(conn) == {}
    assert summary(brand, sop="bad") == [("hello", "c1", "s1", "2026-11-20 10:00", "pending", "")]
