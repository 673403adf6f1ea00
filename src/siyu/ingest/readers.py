"""Files → rows. One reader per format, chosen by the file's extension; each streams
`(row number, values)` pairs and counts the bytes it has read so that a caller can show progress.

Row numbers are what a person sees: the spreadsheet row for CSV and XLSX (the header is row 1),
the line number for JSON Lines. Blank rows and lines are skipped (their numbers are not reused).
A row the reader cannot turn into values (bad JSON, a line that is not an object, a CSV row longer
than its header) comes through as a `BadRow`, so that it can be rejected like any invalid row.
File-level faults (unknown extension, empty file, bad UTF-8, a bad header) raise ValidationError.
A CSV cell written with a leading apostrophe before a formula character (`'=…`, as the
rejected-rows file writes it, see `core.formula_cells`) is read without the apostrophe.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Literal

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from siyu.core.errors import Problem, ValidationError
from siyu.core.formula_cells import QUOTE, unescape_formula
from siyu.ingest.fields import decode_json, decode_json_prefix, json_error
from siyu.ingest.zip_limits import check_xlsx_archive

Format = Literal["csv", "jsonl", "xlsx"]
FORMATS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl", ".xlsx": "xlsx"}
BOM = b"\xef\xbb\xbf"
NOT_UTF8 = "not valid UTF-8 (save the file as UTF-8; in Excel: CSV UTF-8)"

Values = dict[str, object]


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that could not be read as values; its raw content is kept for the rejects file:
    `text` (a JSON Lines line) or `cells` (a CSV/XLSX row)."""

    message: str
    text: str = ""
    cells: tuple[object, ...] = ()


Row = tuple[int, Values | BadRow]


def format_of(path: Path) -> Format:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValidationError([Problem(str(path), "unknown file type (expected .csv, .jsonl, .json or .xlsx)")])
    return fmt


class Source:
    """An open input file. `columns` is the header (None for JSON Lines, whose keys vary by row);
    iterate `rows()` once."""

    format: Format
    columns: tuple[str, ...] | None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)
        try:
            self.size = path.stat().st_size
        except OSError as exc:
            raise ValidationError([Problem(self.where, f"cannot read the file: {exc.strerror}")]) from None
        self.position = 0  # bytes consumed so far

    def rows(self) -> Iterator[Row]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def fail(self, message: str, row: int | None = None) -> ValidationError:
        where = self.where if row is None else f"{self.where}:{row}"
        return ValidationError([Problem(where, message)])

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_source(path: Path) -> Source:
    fmt = format_of(path)
    source: Source
    if fmt == "csv":
        source = CsvSource(path)
    elif fmt == "jsonl":
        source = JsonLinesSource(path)
    else:
        source = XlsxSource(path)
    return source


def _open_binary(source: Source) -> IO[bytes]:
    if source.size == 0:
        raise source.fail("empty file")
    try:
        return source.path.open("rb")
    except OSError as exc:
        raise source.fail(f"cannot read the file: {exc.strerror}") from None


def check_header(source: Source, cells: list[str]) -> tuple[tuple[str, ...], list[int]]:
    """Header names (stripped) and the positions of blank names; duplicates are an error."""
    names = [cell.strip() for cell in cells]
    if not any(names):
        raise source.fail("the first row must be the header (it is empty)", 1)
    seen: set[str] = set()
    problems = []
    for column in names:
        if column and column in seen:
            problems.append(Problem(f"{source.where}:1:{column}", f'duplicate column "{column}"'))
        seen.add(column)
    if problems:
        raise ValidationError(problems)
    return tuple(names), [index for index, column in enumerate(names) if not column]


def cells_to_values(columns: tuple[str, ...], blanks: list[int], cells: list[object]) -> Values | BadRow:
    """Zip a row's cells with the header; a short row is padded, a longer one must be blank past
    the header, and a column without a header must stay empty."""
    width = len(columns)
    if len(cells) > width:
        extra = cells[width:]
        if any(cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()) for cell in extra):
            return BadRow(f"the row has {len(cells)} cells but the header has {width}", cells=tuple(cells))
        cells = cells[:width]
    values = dict(zip(columns, cells, strict=False))
    if blanks:
        for index in blanks:
            cell = cells[index] if index < len(cells) else None
            if cell not in (None, "") and not (isinstance(cell, str) and not cell.strip()):
                return BadRow(f"column {index + 1} has a value but no header", cells=tuple(cells))
        values.pop("", None)
    for column in columns[len(cells) :]:
        if column:
            values[column] = None
    return values


class CsvSource(Source):
    format: Format = "csv"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._file = _open_binary(self)
        self._line = 0
        self._reader = csv.reader(self._lines())
        try:
            header = next(self._reader, None)
        except csv.Error as exc:
            self.close()
            raise self.fail(f"bad CSV: {exc}", 1) from None
        except ValidationError:
            self.close()
            raise
        if header is None:
            self.close()
            raise self.fail("empty file")
        try:
            self.columns, self._blanks = check_header(self, [unescape_formula(cell) for cell in header])
        except ValidationError:
            self.close()
            raise

    def _lines(self) -> Iterator[str]:
        for raw in self._file:
            self.position += len(raw)
            self._line += 1
            data = raw[len(BOM) :] if self._line == 1 and raw.startswith(BOM) else raw
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail(NOT_UTF8 + f" (line {self._line})") from None

    def rows(self) -> Iterator[Row]:
        columns, blanks = self.columns, self._blanks
        assert columns is not None
        width = len(columns)
        number = 1
        try:
            for read in self._reader:
                number += 1
                joined = "".join(read)
                if not joined.strip():
                    continue
                cells = [unescape_formula(cell) for cell in read] if QUOTE in joined else read
                if len(cells) == width and not blanks:
                    yield number, dict(zip(columns, cells, strict=True))
                else:
                    yield number, cells_to_values(columns, blanks, list(cells))
        except csv.Error as exc:
            raise self.fail(f"bad CSV: {exc}", number + 1) from None

    def close(self) -> None:
        self._file.close()


class JsonLinesSource(Source):
    format: Format = "jsonl"
    columns = None

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._file = _open_binary(self)

    def rows(self) -> Iterator[Row]:
        prefix = decode_json_prefix  # skips decode()'s two whitespace regexes; the common line has none
        position = 0
        seen_any = False
        for number, raw in enumerate(self._file, 1):
            position += len(raw)
            self.position = position
            try:
                line = (raw[len(BOM) :] if number == 1 and raw.startswith(BOM) else raw).decode("utf-8")
            except UnicodeDecodeError:
                raise self.fail(NOT_UTF8, number) from None
            try:
                value, end = prefix(line)
                if end != len(line) and line[end:].strip():
                    raise ValueError("extra data")
            except ValueError:
                try:
                    value = decode_json(line)
                except ValueError:
                    if not line.strip():
                        continue
                    if not seen_any and line.lstrip().startswith("["):
                        raise self.fail("expected JSON Lines (one object per line), not a JSON array") from None
                    seen_any = True
                    yield number, BadRow(f"invalid JSON: {self._json_fault(line)}", line.rstrip("\r\n"))
                    continue
            if type(value) is dict:
                seen_any = True
                yield number, value
            elif isinstance(value, list) and not seen_any:
                raise self.fail("expected JSON Lines (one object per line), not a JSON array")
            else:
                seen_any = True
                yield number, BadRow("expected a JSON object", line.rstrip("\r\n"))
        if not seen_any:
            raise self.fail("empty file")

    @staticmethod
    def _json_fault(line: str) -> str:
        """The decoder's complaint, with the column counted on the line without its newline."""
        try:
            decode_json(line.rstrip("\r\n"))
        except ValueError as exc:
            return json_error(exc)
        return "invalid JSON"

    def close(self) -> None:
        self._file.close()


def xlsx_cell(value: object) -> object:
    """A cell as import values see it: text, a number, true/false or None; dates as ISO text."""
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value


class XlsxSource(Source):
    """The first worksheet of a workbook, read in streaming mode; formulas give their cached
    values. Progress is the share of rows read, in bytes of the file."""

    format: Format = "xlsx"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        if self.size == 0:
            raise self.fail("empty file")
        check_xlsx_archive(path, self.where)  # before openpyxl inflates anything
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise self.fail(f"not a readable XLSX file ({exc})") from None
        try:
            sheet = self._book.worksheets[0]
            self._max_row = sheet.max_row or 0
            self._rows = sheet.iter_rows(values_only=True)
            header = next(self._rows, None)
            if header is None:
                raise self.fail("empty file")
            cells = ["" if cell is None else str(xlsx_cell(cell)) for cell in header]
            self.columns, self._blanks = check_header(self, cells)
        except BaseException:
            self.close()
            raise

    def rows(self) -> Iterator[Row]:
        columns, blanks = self.columns, self._blanks
        assert columns is not None
        per_row = self.size / self._max_row if self._max_row else 0.0
        for number, raw in enumerate(self._rows, 2):
            self.position = min(self.size, int(number * per_row))
            cells = [xlsx_cell(cell) for cell in raw]
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            yield number, cells_to_values(columns, blanks, cells)
        self.position = self.size

    def close(self) -> None:
        self._book.close()
