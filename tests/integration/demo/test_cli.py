"""`siyu demo generate` end to end, on both databases via --db."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from siyu.cli.app import app
from siyu.demo.generate import FILE_NAMES
from siyu.store import tables
from tests.support.cli import Siyu

NOW = "2026-11-22T10:00:00+08:00"


def _customers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(tables.customers)).scalar_one())


def test_generate_writes_loads_and_summarises(siyu: Siyu, engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = siyu(
        "demo", "generate", "--customers", "200", "--seed", "3", "--now", NOW, "--out", str(out), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["directory"] == str(out)
    assert summary["counts"]["customers"] == 200
    assert summary["imported"]["events"]["inserted"] == summary["counts"]["events"] > 2_000
    assert set(summary["seconds"]) == {"generate", "import"}
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES.values())
    assert _customers(engine) == 200


def test_reset_replaces_the_previous_demo(siyu: Siyu, engine: Engine) -> None:
    assert siyu("demo", "generate", "--customers", "300", "--now", NOW).exit_code == 0
    result = siyu("demo", "generate", "--customers", "120", "--seed", "9", "--now", NOW, "--reset")
    assert result.exit_code == 0, result.output
    assert "customers" in result.stdout
    assert "reset" in result.stdout
    assert _customers(engine) == 120


def test_without_reset_a_second_demo_adds_to_the_first(siyu: Siyu, engine: Engine) -> None:
    assert siyu("demo", "generate", "--customers", "300", "--now", NOW).exit_code == 0
    assert siyu("demo", "generate", "--customers", "120", "--seed", "9", "--now", NOW).exit_code == 0
    assert _customers(engine) == 300  # the same ids, updated in place


def test_no_load_keeps_the_files_and_touches_no_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'untouched.db'}"
    result = CliRunner().invoke(
        app, ["--db", url, "demo", "generate", "--customers", "50", "--now", NOW, "--no-load", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    directory = Path(json.loads(result.stdout)["directory"])
    try:
        assert (directory / "events.jsonl").stat().st_size > 0
        assert not (tmp_path / "untouched.db").exists()
    finally:
        for path in directory.iterdir():
            path.unlink()
        directory.rmdir()


def test_a_bad_now_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "demo", "generate", "--now", "yesterday"]
    )
    assert result.exit_code == 2
    assert "--now" in result.output
