"""--skip-invalid stores the valid rows and writes the others, with reasons, beside the input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.seed import seed


def test_csv_rejects_keep_the_original_columns(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "customers.csv"
    path.write_text("id,owner,birthday\nc3,s1,1990-01-01\nc4,s9,\nc5,,1990-13-01\nc6,,\n", encoding="utf-8")
    report = import_file(engine, "customers", path, skip_invalid=True)
    assert (report.rows, report.inserted, report.rejected) == (4, 2, 2)
    assert report.rejected_file == tmp_path / "customers.rejected.csv"
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["_row", "_errors", "id", "owner", "birthday"],
            ["3", 'owner: unknown staff "s9" (import staff first)', "c4", "s9", ""],
            ["4", 'birthday: expected a date YYYY-MM-DD, got "1990-13-01"', "c5", "", "1990-13-01"],
        ]
    assert set(state.customers(engine)) == {"c1", "c2", "c3", "c6"}


def test_jsonl_rejects_and_a_fixed_rejects_file_imports(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "events.jsonl"
    lines = [
        {"id": "e1", "type": "order_paid", "customer": "c1", "at": "2026-06-01T10:00:00+08:00"},
        {
            "id": "e2",
            "type": "order_paid",
            "customer": "c9",
            "at": "2026-06-01T10:00:00+08:00",
            "properties": {"amount": 5},
        },
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines) + "oops\n", encoding="utf-8")
    report = import_file(engine, "events", path, skip_invalid=True)
    assert (report.inserted, report.rejected) == (1, 2)
    assert report.rejected_file == tmp_path / "events.rejected.jsonl"
    rejected = [json.loads(line) for line in report.rejected_file.read_text(encoding="utf-8").splitlines()]
    assert rejected == [
        {"_row": 2, "_errors": ['customer: unknown customer "c9" (import customers first)'], **lines[1]},
        {"_row": 3, "_errors": ["invalid JSON: Expecting value at column 1"], "_line": "oops"},
    ]
    # Fix the customer in the rejects file and import it as it is; _row and _errors are ignored.
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(json.dumps(rejected[0] | {"customer": "c2"}) + "\n", encoding="utf-8")
    assert import_file(engine, "events", fixed).inserted == 1
    assert {e: row[1] for e, row in state.events(engine).items()} == {"e1": "c1", "e2": "c2"}


def test_a_clean_run_removes_the_old_rejects_file(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "tags.csv"
    path.write_text("customer,tag\nc9,x\n", encoding="utf-8")
    assert import_file(engine, "tags", path, skip_invalid=True).rejected_file is not None
    path.write_text("customer,tag\nc1,x\n", encoding="utf-8")
    report = import_file(engine, "tags", path, skip_invalid=True)
    assert (report.inserted, report.rejected, report.rejected_file) == (1, 0, None)
    assert not (tmp_path / "tags.rejected.csv").exists()


def test_xlsx_input_rejects_to_csv(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    seed(engine, tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["group", "customer"])
    sheet.append(["g1", "c1"])
    sheet.append(["g1", 42])
    path = tmp_path / "members.xlsx"
    book.save(path)
    report = import_file(engine, "members", path, skip_invalid=True)
    assert (report.inserted, report.rejected, report.rejected_file) == (1, 1, tmp_path / "members.rejected.csv")
    assert report.rejected_file.read_text(encoding="utf-8-sig").splitlines() == [
        "_row,_errors,group,customer",
        '3,"customer: unknown customer ""42"" (import customers first)",g1,42',
    ]
