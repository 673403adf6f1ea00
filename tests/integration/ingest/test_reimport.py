"""Importing the same file twice changes nothing the second time and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import write_file
from tests.integration.ingest.seed import seed

FILES: dict[str, list[dict[str, object]]] = {
    "staff": [{"id": "s9", "name": "Zed", "roles": ["导购"], "manager": "s1", "tags": ["t"]}],
    "customers": [
        {
            "id": "c9",
            "name": "Nine",
            "owner": "s1",
            "birthday": "1990-01-02",
            "tags": ["a", "b"],
            "level": 2.5,
            "vip": True,
        }
    ],
    "groups": [
        {"id": "g9", "name": "G", "owner": "s1", "tags": ["x"], "roles": [{"staff": "s2", "role": "助理"}], "size": 10}
    ],
    "members": [{"group": "g1", "customer": "c1"}],
    "tags": [{"customer": "c2", "tag": "新客"}],
    "events": [
        {
            "id": "e9",
            "type": "link_clicked",
            "customer": "c1",
            "at": "2026-06-01T10:00:00+08:00",
            "properties": {"url": "u"},
        }
    ],
}


@pytest.mark.parametrize("kind", list(FILES))
def test_second_import_is_a_no_op(engine: Engine, tmp_path: Path, kind: str) -> None:
    seed(engine, tmp_path)
    path = write_file(tmp_path, kind, "jsonl", FILES[kind])
    first = import_file(engine, kind, path)
    assert (first.inserted, first.unchanged_or_duplicate) == (1, 0)
    before = (
        state.staff(engine),
        state.customers(engine),
        state.groups(engine),
        state.members(engine),
        state.events(engine),
    )
    second = import_file(engine, kind, path)
    assert (second.rows, second.inserted, second.updated, second.unchanged_or_duplicate, second.rejected) == (
        1,
        0,
        0,
        1,
        0,
    )
    after = (
        state.staff(engine),
        state.customers(engine),
        state.groups(engine),
        state.members(engine),
        state.events(engine),
    )
    assert after == before


def test_csv_then_xlsx_of_the_same_customers_is_unchanged(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [{"id": "c1", "name": "张三", "owner": "s2", "tags": ["会员"], "city": "上海"}]
    assert import_file(engine, "customers", write_file(tmp_path, "a", "csv", rows)).updated == 1  # city is new
    report = import_file(engine, "customers", write_file(tmp_path, "b", "xlsx", rows))
    assert (report.updated, report.unchanged_or_duplicate) == (0, 1)
