"""XLSX: the first sheet; numbers stay numbers, dates become YYYY-MM-DD text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from siyu.core.errors import ValidationError
from siyu.ingest.readers import open_source


def test_cells_and_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "age", "joined", "seen", "vip", "note"])
    sheet.append(["c1", 30, date(2020, 1, 2), datetime(2026, 6, 1, 10, 30), True, None])
    sheet.append([])
    sheet.append([1001, 2.5, None, None, None, "  "])
    path = tmp_path / "c.xlsx"
    book.save(path)
    with open_source(path) as source:
        assert source.columns == ("id", "age", "joined", "seen", "vip", "note")
        rows = list(source.rows())
        assert source.position == source.size
    assert rows == [
        (2, {"id": "c1", "age": 30, "joined": "2020-01-02", "seen": "2026-06-01T10:30:00", "vip": True, "note": None}),
        (4, {"id": 1001, "age": 2.5, "joined": None, "seen": None, "vip": None, "note": "  "}),
    ]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"id,name\n")
    with pytest.raises(ValidationError) as caught:
        open_source(path)
    assert caught.value.problems[0].where == str(path)
    assert caught.value.problems[0].message.startswith("not a readable XLSX file")


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    Workbook().save(path)
    with pytest.raises(ValidationError) as caught:
        open_source(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}: empty file"]
