"""A small demo goes through the import service into both databases, whole and consistent."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.timeutil import to_us
from siyu.demo.generate import DemoFiles, write_demo
from siyu.demo.load import data_tables, load_demo, reset
from siyu.demo.world import DemoSpec
from siyu.sops import repo as sops
from siyu.store import tables

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "sops"


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return write_demo(DemoSpec(300, 11, NOW), tmp_path_factory.mktemp("demo300"), workers=1)


def _rows(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _tag_rows(files: DemoFiles) -> int:
    import csv
    import json

    pairs = set()
    with files.path("customers").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            pairs |= {(row["id"], tag) for tag in row["tags"]}
    with files.path("tags").open(encoding="utf-8", newline="") as handle:
        pairs |= {(row["customer"], row["tag"]) for row in csv.DictReader(handle)}
    return len(pairs)


def test_every_row_of_every_file_is_imported(engine: Engine, small_demo: DemoFiles) -> None:
    reports = load_demo(engine, small_demo)
    assert [r.kind for r in reports] == ["staff", "customers", "groups", "members", "tags", "events"]
    for report in reports:
        assert report.rows == small_demo.counts[report.kind]
        assert report.inserted == report.rows, report.kind
        assert report.rejected == 0
    assert _rows(engine, tables.staff) == small_demo.counts["staff"]
    assert _rows(engine, tables.customers) == 300
    assert _rows(engine, tables.chat_groups) == small_demo.counts["groups"]
    assert _rows(engine, tables.group_members) == small_demo.counts["members"]
    assert _rows(engine, tables.events) == small_demo.counts["events"]
    assert _rows(engine, tables.customer_tags) == _tag_rows(small_demo)
    assert _rows(engine, tables.group_roles) > 0
    assert _rows(engine, tables.staff_tags) > 0
    with engine.connect() as conn:
        managed = conn.execute(sa.select(sa.func.count()).where(tables.staff.c.manager_id.is_not(None))).scalar_one()
    assert managed == small_demo.counts["staff"] - 1


def test_loading_again_changes_nothing(engine: Engine, small_demo: DemoFiles) -> None:
    load_demo(engine, small_demo)
    before = {table.name: _rows(engine, table) for table in data_tables()}
    again = {report.kind: report for report in load_demo(engine, small_demo)}
    assert again["events"].inserted == 0
    assert again["members"].inserted == 0
    assert again["staff"].inserted == again["customers"].inserted == 0
    assert {table.name: _rows(engine, table) for table in data_tables()} == before


def test_reset_empties_the_data_and_keeps_the_sops(engine: Engine, small_demo: DemoFiles) -> None:
    load_demo(engine, small_demo)
    with engine.begin() as conn:
        sops.apply(conn, [EXAMPLES], now_us=to_us(NOW))
    deleted = reset(engine)
    assert deleted["events"] == small_demo.counts["events"]
    assert deleted["customers"] == 300
    for table in data_tables():
        assert _rows(engine, table) == 0, table.name
    assert _rows(engine, tables.sops) == 31
    load_demo(engine, small_demo)  # and it loads again into the emptied tables
    assert _rows(engine, tables.customers) == 300
