"""Import a file of one kind: read → validate each row → load in batches, in one transaction.

Without `skip_invalid`, any invalid row (found by validation or by the database: an unknown
reference, a repeated id, a manager cycle) means nothing of the file is stored and a
ValidationError lists every problem as `file:row:column` (up to MAX_PROBLEMS, then reading
stops). With it, the valid rows are stored and the rejected ones go to a side file with their
reasons. File-level faults (unknown kind or file type, empty file, bad UTF-8, a bad header)
always stop the import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine

from siyu.brand import settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import to_us
from siyu.ingest import kinds
from siyu.ingest.kinds import Fault, Validator
from siyu.ingest.load.entities import CUSTOMER_TABLES, GROUP_TABLES, EntityLoader
from siyu.ingest.load.events import EventLoader
from siyu.ingest.load.links import MemberLoader, TagLoader
from siyu.ingest.load.outcome import Loader, Outcome
from siyu.ingest.load.staff import StaffLoader
from siyu.ingest.readers import BadRow, Row, Source, Values, open_source
from siyu.ingest.rejects import RejectsFile

KINDS = ("staff", "customers", "groups", "members", "tags", "events")
BATCH_ROWS = 10_000
MAX_PROBLEMS = 10_000

Progress = Callable[[int, int], None]  # (bytes read, file size)


@dataclass(frozen=True)
class ImportReport:
    kind: str
    path: Path
    rows: int  # data rows read (blank rows not counted)
    inserted: int
    updated: int
    unchanged_or_duplicate: int  # entities with nothing to change; links and events already present
    rejected: int
    rejected_file: Path | None


def import_file(
    engine: Engine,
    kind: str,
    path: Path,
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    if kind not in KINDS:
        raise ValidationError([Problem(kind, f"unknown import kind (expected one of: {', '.join(KINDS)})")])
    with open_source(path) as source:
        if source.columns is not None:
            faults = kinds.KINDS[kind].check_columns(source.columns)
            if faults:
                raise ValidationError([Problem(f"{source.where}:1:{column}", message) for column, message in faults])
        rejects = RejectsFile(path, source.format, source.columns) if skip_invalid else None
        try:
            with engine.begin() as conn:
                run = _Run(conn, kind, source, rejects)
                outcome = run.execute(progress)
        except BaseException:
            if rejects is not None:
                rejects.discard()
            raise
        rejected_file = rejects.commit() if rejects is not None else None
    if engine.dialect.name == "postgresql" and outcome.inserted >= ANALYZE_AFTER_ROWS:
        _analyze(engine, kind)
    return ImportReport(
        kind=kind,
        path=path,
        rows=run.rows,
        inserted=outcome.inserted,
        updated=outcome.updated,
        unchanged_or_duplicate=outcome.unchanged,
        rejected=run.rejected,
        rejected_file=rejected_file,
    )


# PostgreSQL plans from table statistics; right after a bulk load they still describe the old
# table (often an empty one) until autovacuum comes by, and audience and planner queries pick
# nested loops over millions of rows. A large import refreshes them itself.
ANALYZE_AFTER_ROWS = 10_000
ANALYZED_TABLES = {
    "staff": ("staff", "staff_roles"),
    "customers": ("customers", "customer_attributes", "customer_tags"),
    "groups": ("chat_groups", "group_attributes", "group_tags", "group_roles"),
    "members": ("group_members",),
    "tags": ("customer_tags",),
    "events": ("events",),
}


def _analyze(engine: Engine, kind: str) -> None:
    with engine.begin() as conn:
        for table in ANALYZED_TABLES[kind]:
            conn.exec_driver_sql(f"ANALYZE {table}")


def _loader(kind: str, conn: Connection, now_us: int) -> Loader[Any]:
    if kind == "staff":
        return StaffLoader(conn, now_us)
    if kind == "customers":
        return EntityLoader(conn, CUSTOMER_TABLES, now_us)
    if kind == "groups":
        return EntityLoader(conn, GROUP_TABLES, now_us)
    if kind == "members":
        return MemberLoader(conn, now_us)
    if kind == "tags":
        return TagLoader(conn)
    return EventLoader(conn)


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


class _Run:
    """One import inside its transaction: counts rows, and routes each row fault to the problem
    list (all or nothing) or to the rejects file (skip invalid)."""

    def __init__(self, conn: Connection, kind: str, source: Source, rejects: RejectsFile | None) -> None:
        self.source = source
        self.rejects = rejects
        now_us = to_us(datetime.now(UTC))
        self.validate: Validator = kinds.validator(kind, settings.load(conn).zone)
        self.loader = _loader(kind, conn, now_us)
        self.rows = 0
        self.rejected = 0
        self.problems: list[tuple[int, Problem]] = []
        self.held: dict[int, Values | BadRow] = {}  # every row, when the loader needs the whole file
        self.pending: list[tuple[int, Values | BadRow, list[Fault]]] = []  # rejects not yet written

    def execute(self, progress: Progress | None) -> Outcome:
        total = Outcome()
        source = self.source
        for batch in _batches(source.rows(), BATCH_ROWS):
            self.rows += len(batch)
            total.add(self._load(batch))
            if not self.loader.holds_rows:
                self._write_rejects()
            if progress is not None:
                progress(source.position, source.size)
            if len(self.problems) >= MAX_PROBLEMS:
                self.problems.append((self.rows + 1, Problem(source.where, f"stopped after {MAX_PROBLEMS} problems")))
                break
        else:
            final = self.loader.finish()
            self._faults(final, self.held)
            total.add(final)
            self._write_rejects()
        if self.problems:
            self.problems.sort(key=lambda item: item[0])
            raise ValidationError(problem for _row, problem in self.problems)
        if progress is not None:
            progress(source.size, source.size)
        return total

    def _load(self, batch: list[Row]) -> Outcome:
        validate = self.validate
        records = []
        for number, values in batch:
            if type(values) is BadRow:
                self._reject(number, values, [("", values.message)])
                continue
            assert type(values) is dict
            result = validate(number, values)
            if type(result) is list:
                self._reject(number, values, result)
            else:
                records.append(result)
        if self.loader.holds_rows:
            self.held.update(batch)
        outcome = self.loader.load(records)
        self._faults(outcome, self.held if self.loader.holds_rows else None, batch)
        return outcome

    def _faults(
        self, outcome: Outcome, originals: dict[int, Values | BadRow] | None, batch: list[Row] | None = None
    ) -> None:
        if not outcome.faults:
            return
        by_row: dict[int, list[Fault]] = {}
        for row, column, message in outcome.faults:
            by_row.setdefault(row, []).append((column, message))
        if originals is None:
            originals = dict(batch or ())
        for row in sorted(by_row):
            self._reject(row, originals[row], by_row[row])
        outcome.faults = []

    def _write_rejects(self) -> None:
        """Rejected rows in file order (validation rejects a row before the loader does)."""
        if self.rejects is not None:
            for row, values, faults in sorted(self.pending, key=lambda item: item[0]):
                self.rejects.write(row, values, faults)
        self.pending = []

    def _reject(self, row: int, values: Values | BadRow, faults: list[Fault]) -> None:
        self.rejected += 1
        if self.rejects is not None:
            self.pending.append((row, values, faults))
            return
        where = self.source.where
        for column, message in faults:
            self.problems.append((row, Problem(f"{where}:{row}:{column}" if column else f"{where}:{row}", message)))
