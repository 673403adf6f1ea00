"""The scenario pack of the project (`shared/scenarios/sops`, beside the repository) and helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import sop_versions, sops

SCENARIOS = Path(__file__).resolve().parents[3] / ".." / "shared" / "scenarios" / "sops"
NOW_US = 1_795_000_000_000_000  # 2026-11-18T07:06:40Z


def scenario_dir() -> Path:
    if not SCENARIOS.is_dir():
        pytest.fail(f"the scenario pack is missing: expected SOP files in {SCENARIOS.resolve()}")
    return SCENARIOS


def scenario_files() -> list[Path]:
    files = sorted(scenario_dir().glob("*.yaml"))
    if not files:
        pytest.fail(f"no *.yaml files in the scenario pack {SCENARIOS.resolve()}")
    return files


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(engine: Engine) -> tuple[list[Any], list[Any]]:
    """Every row of the two SOP tables, to compare a database before and after."""
    with engine.begin() as conn:
        rows = [tuple(row) for row in conn.execute(sa.select(sops).order_by(sops.c.id))]
        versions = [
            tuple(row)
            for row in conn.execute(sa.select(sop_versions).order_by(sop_versions.c.sop_id, sop_versions.c.version))
        ]
    return rows, versions


SIMPLE = """\
id: {id}
name: {name}
kind: customer
audience: {{tag: 会员}}
steps:
  - id: hello
    at: {{day: 0, time: "10:00"}}
    channel: private
    executor: owner
    content:
      - text: "{text}"
"""


def simple(sop_id: str = "hello", name: str = "问候", text: str = "你好") -> str:
    return SIMPLE.format(id=sop_id, name=name, text=text)
