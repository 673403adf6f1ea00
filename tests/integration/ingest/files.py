"""Write the same rows as CSV, JSON Lines or XLSX, the way people and exports write them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import Workbook

Rows = list[dict[str, object]]
FORMATS = ("csv", "jsonl", "xlsx")


def _columns(rows: Rows) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _cell(value: object) -> object:
    """A JSON value as a spreadsheet cell: lists `a;b` (role objects `staff:role`), objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(f"{v['staff']}:{v['role']}" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_rows(path: Path, rows: Rows) -> Path:
    columns = _columns(rows)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    elif path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([str(_cell(row.get(c))) for c in columns] for row in rows)
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell(row.get(c)) or None for c in columns])
        book.save(path)
    return path


def write_file(tmp_path: Path, name: str, fmt: str, rows: Rows) -> Path:
    return write_rows(tmp_path / f"{name}.{fmt}", rows)
