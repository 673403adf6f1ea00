"""Reading an official holiday schedule from a file: `date,kind` rows (kind `holiday` or
`workday`) as CSV, or the same as JSON/YAML — a list of `{date, kind}` mappings or one mapping
`{"2027-01-01": "holiday"}` (the `workdays` setting's own form). Every fault is located
(`FILE:LINE` for CSV and YAML, `FILE: [3].kind` for JSON) and nothing is returned when any is found.

Pure: the caller reads the file and passes its text and a name to print."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from siyu.core.errors import Problem, ValidationError
from siyu.core.yamlsource import LineMap, load_yaml

# the words of the `workdays` setting and of a file: is the day a workday?
KIND_WORDS = {"workday": True, "holiday": False}
FORMATS = ("csv", "json", "yaml")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str) -> date | None:
    """`2027-01-01` → the date; None for anything else (`2027-1-1`, `2027-02-30`)."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def format_of(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "yml":
        return "yaml"
    if suffix not in FORMATS:
        raise ValidationError([Problem(filename, f"expected a .csv, .json or .yaml file, got {suffix or 'none'!r}")])
    return suffix


@dataclass(frozen=True)
class _Row:
    day_where: str  # located: `FILE:3: date`, `FILE: [2].date`, `FILE:4: 2027-01-01`
    kind_where: str
    day: Any
    kind: Any


def read_workday_file(text: str, filename: str) -> dict[date, bool]:
    """{day: is a workday} from the file; raises ValidationError naming every bad row."""
    form = format_of(filename)
    rows = list(_csv_rows(text, filename) if form == "csv" else _document_rows(text, filename, form))
    days: dict[date, bool] = {}
    first_seen: dict[date, str] = {}
    problems: list[Problem] = []
    for row in rows:
        day = iso_date(row.day) if isinstance(row.day, str) else None
        if day is None:
            problems.append(Problem(row.day_where, f"expected a date written YYYY-MM-DD, got {row.day!r}"))
            continue
        if not isinstance(row.kind, str) or row.kind.strip() not in KIND_WORDS:
            problems.append(Problem(row.kind_where, f'expected "holiday" or "workday", got {row.kind!r}'))
            continue
        if day in first_seen:
            problems.append(Problem(row.day_where, f"{day.isoformat()} is given twice (first at {first_seen[day]})"))
            continue
        first_seen[day] = row.day_where
        days[day] = KIND_WORDS[row.kind.strip()]
    if not rows:
        problems.append(Problem(filename, "no days in the file (expected rows of date,kind)"))
    if problems:
        raise ValidationError(problems)
    return days


def _csv_rows(text: str, filename: str) -> Iterator[_Row]:
    lines = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for cells in lines:
        where = f"{filename}:{lines.line_num}"
        stripped = [cell.strip() for cell in cells]
        if not any(stripped):
            continue
        if [cell.lower() for cell in stripped] == ["date", "kind"]:
            continue  # the header
        if len(stripped) != 2:
            raise ValidationError([Problem(where, f"expected two cells date,kind, got {len(stripped)}")])
        yield _Row(f"{where}: date", f"{where}: kind", stripped[0], stripped[1])


def _document_rows(text: str, filename: str, form: str) -> Iterator[_Row]:
    value, lines = _load(text, filename, form)

    def located(path: str) -> str:
        return f"{filename}:{lines.line_of(path)}: {path}" if lines is not None else f"{filename}: {path}"

    if isinstance(value, dict):
        for day, kind in value.items():
            yield _Row(located(str(day)), located(str(day)), day, kind)
        return
    if not isinstance(value, list):
        shape = 'a list of {"date": "2027-01-01", "kind": "holiday"} or {"2027-01-01": "holiday", …}'
        raise ValidationError([Problem(filename, f"expected {shape}")])
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"date", "kind"}:
            raise ValidationError([Problem(located(f"[{index}]"), 'expected {"date": …, "kind": …}')])
        yield _Row(located(f"[{index}].date"), located(f"[{index}].kind"), item["date"], item["kind"])


def _load(text: str, filename: str, form: str) -> tuple[Any, LineMap | None]:
    if form == "yaml":
        value, lines, _node = load_yaml(text, filename)
        return value, lines
    try:
        return json.loads(text, object_pairs_hook=_unique_keys), None
    except json.JSONDecodeError as exc:
        raise ValidationError([Problem(f"{filename}:{exc.lineno}:{exc.colno}", exc.msg)]) from exc
    except _RepeatedKey as exc:
        raise ValidationError([Problem(f"{filename}: {exc.key}", "this key is given twice")]) from exc


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found
