"""The rejected-rows file of `--skip-invalid`, next to the input.

CSV and XLSX input → `<stem>.rejected.csv`: columns `_row`, `_errors`, then the original columns.
JSON Lines input → `<stem>.rejected.jsonl`: `_row`, `_errors` (a list), then the original object
(a line that was not an object keeps its text in `_line`). The file is written beside the target
under a temporary name and moved into place only when the import commits; an import that rejects
nothing removes a rejected file left by an earlier run. Every kind ignores the `_row`, `_errors`
and `_line` columns, so a fixed rejected file can be imported as it is.

A CSV cell that would start a formula in a spreadsheet (`=`, `+`, `-`, `@`, tab, CR) is written
with a leading apostrophe (`core.formula_cells`); the CSV reader takes it off on import.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from siyu.core.formula_cells import escape_formula
from siyu.core.values import format_number
from siyu.ingest.kinds import IGNORED, Fault
from siyu.ingest.readers import BadRow, Format, Values


def rejected_path(path: Path, fmt: Format) -> Path:
    suffix = ".rejected.jsonl" if fmt == "jsonl" else ".rejected.csv"
    return path.with_name(path.stem + suffix)


def describe(faults: list[Fault]) -> list[str]:
    return [f"{column}: {message}" if column else message for column, message in faults]


def _cell(value: object) -> str:
    return escape_formula(_text(value))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class RejectsFile:
    def __init__(self, path: Path, fmt: Format, columns: tuple[str, ...] | None) -> None:
        self.path = rejected_path(path, fmt)
        self.format = fmt
        self.columns = tuple(c for c in columns or () if c and c not in IGNORED)
        self.count = 0
        self._partial = self.path.with_name(self.path.name + ".partial")
        self._file: IO[str] | None = None
        self._csv: Any = None

    def _open(self) -> IO[str]:
        if self._file is None:
            if self.format == "jsonl":
                self._file = self._partial.open("w", encoding="utf-8", newline="\n")
            else:
                # With a BOM, Excel opens the file as UTF-8 (the readers accept it).
                self._file = self._partial.open("w", encoding="utf-8-sig", newline="")
                self._csv = csv.writer(self._file)
                self._csv.writerow(["_row", "_errors", *(escape_formula(c) for c in self.columns)])
        return self._file

    def write(self, row: int, values: Values | BadRow, faults: list[Fault]) -> None:
        out = self._open()
        self.count += 1
        errors = describe(faults)
        if self.format == "jsonl":
            record: dict[str, Any] = {"_row": row, "_errors": errors}
            if isinstance(values, BadRow):
                record["_line"] = values.text
            else:
                record.update((k, v) for k, v in values.items() if k not in IGNORED)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif isinstance(values, BadRow):
            self._csv.writerow([row, _cell("; ".join(errors)), *(_cell(c) for c in values.cells)])
        else:
            self._csv.writerow([row, _cell("; ".join(errors)), *(_cell(values.get(c)) for c in self.columns)])

    def commit(self) -> Path | None:
        """Put the file in place; None (and no stale file) when nothing was rejected."""
        self._close()
        if self.count:
            self._partial.replace(self.path)
            return self.path
        self.path.unlink(missing_ok=True)
        return None

    def discard(self) -> None:
        self._close()
        self._partial.unlink(missing_ok=True)

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
