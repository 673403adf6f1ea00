"""Put a generated demo into a database: optionally empty the data tables first, then import
the six files through the import service, in dependency order."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.demo.generate import IMPORT_ORDER, DemoFiles
from siyu.ingest.service import ImportReport, import_file
from siyu.store import tables

# The imported data; every table that refers to one of these (tasks, enrolments…) goes with it.
# SOPs, their versions and the brand settings stay.
_DATA_ROOTS = (tables.staff, tables.customers, tables.chat_groups, tables.events)

ImportProgress = Callable[[str, int, int], None]  # (kind, bytes read, file size)


def data_tables() -> list[sa.Table]:
    """The data tables, dependants first (the order in which they can be emptied)."""
    chosen = {table.name for table in _DATA_ROOTS}
    ordered = tables.metadata.sorted_tables
    for table in ordered:  # parents come first, so one pass reaches every dependant
        if any(fk.column.table.name in chosen for fk in table.foreign_keys):
            chosen.add(table.name)
    return [table for table in reversed(ordered) if table.name in chosen]


def reset(engine: Engine) -> dict[str, int]:
    """Delete every row of the data tables; returns the rows deleted per table."""
    deleted: dict[str, int] = {}
    with engine.begin() as conn:
        for table in data_tables():
            deleted[table.name] = conn.execute(table.delete()).rowcount
    return deleted


def load_demo(engine: Engine, files: DemoFiles, *, progress: ImportProgress | None = None) -> list[ImportReport]:
    """Import staff, customers, groups, members, tags and events, each in its own transaction."""
    reports = []
    for kind in IMPORT_ORDER:
        step = None
        if progress is not None:
            step = _progress_of(progress, kind)
        reports.append(import_file(engine, kind, files.path(kind), progress=step))
    return reports


def _progress_of(progress: ImportProgress, kind: str) -> Callable[[int, int], None]:
    def step(done: int, total: int) -> None:
        progress(kind, done, total)

    return step
