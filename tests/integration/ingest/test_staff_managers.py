"""Managers may be anywhere in the file or already stored; unknown managers and cycles are faults."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.core.errors import ValidationError
from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import write_rows
from tests.integration.ingest.seed import seed


def problems(engine: Engine, path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        import_file(engine, "staff", path)
    return [str(p) for p in caught.value.problems]


def test_a_manager_later_in_the_file(engine: Engine, tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "s.csv", [{"id": "a", "name": "A", "manager": "b"}, {"id": "b", "name": "B", "manager": ""}]
    )
    import_file(engine, "staff", path)
    assert {s: row[1] for s, row in state.staff(engine).items()} == {"a": "b", "b": None}


def test_cycles_in_the_file(engine: Engine, tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "a", "name": "A", "manager": "b"},
        {"id": "b", "name": "B", "manager": "a"},
        {"id": "c", "name": "C", "manager": "c"},
        {"id": "d", "name": "D", "manager": "a"},
    ]
    path = write_rows(tmp_path / "s.csv", rows)
    assert problems(engine, path) == [
        f"{path}:2:manager: manager cycle: a → b → a",
        f"{path}:3:manager: manager cycle: b → a → b",
        f"{path}:4:manager: manager cycle: c → c",
        f'{path}:5:manager: manager "a" is on rejected row 2',
    ]
    assert state.staff(engine) == {}


def test_a_cycle_through_stored_staff(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)  # s2's manager is s1
    path = write_rows(tmp_path / "s.jsonl", [{"id": "s1", "name": "Alice", "manager": "s2"}])
    assert problems(engine, path) == [f"{path}:1:manager: manager cycle: s1 → s2 → s1"]


def test_unknown_managers_and_what_depends_on_them(engine: Engine, tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "a", "name": "A", "manager": "zz"},
        {"id": "b", "name": "B", "manager": "a"},
        {"id": "c", "name": "C"},
    ]
    path = write_rows(tmp_path / "s.jsonl", rows)
    report = import_file(engine, "staff", path, skip_invalid=True)
    assert (report.inserted, report.rejected) == (1, 2)
    assert report.rejected_file is not None
    reasons = [line.split('"_errors": ')[1] for line in report.rejected_file.read_text(encoding="utf-8").splitlines()]
    assert reasons[0].startswith('["manager: unknown staff \\"zz\\" (import staff first)"]')
    assert reasons[1].startswith('["manager: manager \\"a\\" is on rejected row 1"]')
    assert set(state.staff(engine)) == {"c"}


def test_duplicate_staff_ids(engine: Engine, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "s.csv", [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}])
    assert problems(engine, path) == [f'{path}:3:id: duplicate id "a" (first on row 2)']
