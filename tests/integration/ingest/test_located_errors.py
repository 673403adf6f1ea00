"""A file with any invalid row stores nothing and names each fault as file:row:column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.core.errors import ValidationError
from siyu.ingest import service
from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.seed import seed


def problems(engine: Engine, kind: str, path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        import_file(engine, kind, path)
    return [str(p) for p in caught.value.problems]


def test_customer_rows(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    before = state.counts(engine)
    path = tmp_path / "customers.csv"
    path.write_text(
        "id,name,owner,birthday,tags\nc3,A,s1,1990-01-01,\nc4,B,s9,,\n,C,,1990-02-30,\nc3,D,,,\n", encoding="utf-8"
    )
    assert problems(engine, "customers", path) == [
        f'{path}:3:owner: unknown staff "s9" (import staff first)',
        f"{path}:4:id: required",
        f'{path}:4:birthday: expected a date YYYY-MM-DD, got "1990-02-30"',
        f'{path}:5:id: duplicate id "c3" (first on row 2)',
    ]
    assert state.counts(engine) == before


def test_json_rows(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "customers.jsonl"
    path.write_text('{"id": "c3", "prefs": {"a": 1}}\nnot json\n[1]\n{"id": "c4", "tags": "a;b"}\n', encoding="utf-8")
    assert problems(engine, "customers", path) == [
        f"{path}:1:prefs: an attribute value must be text, a number or true/false, not an object",
        f"{path}:2: invalid JSON: Expecting value at column 1",
        f"{path}:3: expected a JSON object",
    ]
    assert "c4" not in state.customers(engine)


def test_header_faults(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("group,client\ng1,c1\n", encoding="utf-8")
    assert problems(engine, "members", path) == [
        f"{path}:1:customer: missing column",
        f"{path}:1:client: unknown column (expected: group, customer)",
    ]


def test_unknown_kind_and_file_type(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("id\n", encoding="utf-8")
    assert problems(engine, "orders", path) == [
        "orders: unknown import kind (expected one of: staff, customers, groups, members, tags, events)"
    ]
    assert problems(engine, "staff", path) == [f"{path}: unknown file type (expected .csv, .jsonl, .json or .xlsx)"]


def test_missing_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    assert problems(engine, "staff", path) == [f"{path}: cannot read the file: No such file or directory"]


def test_unknown_references_in_links(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("group,customer\ng1,c1\ng9,c9\n", encoding="utf-8")
    assert problems(engine, "members", path) == [
        f'{path}:3:group: unknown group "g9" (import groups first)',
        f'{path}:3:customer: unknown customer "c9" (import customers first)',
    ]
    assert state.members(engine) == []


def test_reading_stops_after_too_many_problems(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "MAX_PROBLEMS", 3)
    monkeypatch.setattr(service, "BATCH_ROWS", 2)
    path = tmp_path / "tags.csv"
    path.write_text("customer,tag\n" + ",x\n" * 10, encoding="utf-8")
    assert problems(engine, "tags", path) == [
        f"{path}:2:customer: required",
        f"{path}:3:customer: required",
        f"{path}:4:customer: required",
        f"{path}:5:customer: required",
        f"{path}: stopped after 3 problems",
    ]
