"""`siyu import staff|customers|groups|members|tags|events FILE`: load CSV, JSON Lines or XLSX."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from siyu.cli.app import FormatOption, OutputFormat, app, engine, err, handles_errors, out, print_json, writer
from siyu.ingest.service import KINDS, ImportReport, import_file

import_app = typer.Typer(
    help="Import staff, customers, groups, members, tags or events from CSV, JSON Lines or XLSX.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

PROGRESS_MIN_BYTES = 5_000_000  # smaller files finish before a bar would help

FileArgument = Annotated[
    Path,
    typer.Argument(help="A .csv, .jsonl/.json or .xlsx file with the columns of SOP-FORMAT.md.", show_default=False),
]
SkipInvalidOption = Annotated[
    bool,
    typer.Option(
        "--skip-invalid",
        help="Import the valid rows; write the rejected ones with their reasons to <file>.rejected.csv/.jsonl.",
    ),
]


@contextmanager
def progress_bar(path: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A byte-driven bar on stderr, only for large files and only on a terminal."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if not err.is_terminal or size < PROGRESS_MIN_BYTES:
        yield None
        return
    columns = (
        TextColumn(f"importing {path.name}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("import", total=size)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def show(report: ImportReport, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        data = asdict(report)
        data["path"] = str(report.path)
        data["rejected_file"] = None if report.rejected_file is None else str(report.rejected_file)
        print_json(data)
        return
    counts = (
        f"{report.kind}: {report.rows} rows — {report.inserted} new, {report.updated} updated, "
        f"{report.unchanged_or_duplicate} unchanged or already present, {report.rejected} rejected"
    )
    out.print(counts, markup=False, highlight=False)
    if report.rejected_file is not None:
        err.print(f"rejected rows and reasons: {report.rejected_file}", markup=False, highlight=False)


def run_import(kind: str, path: Path, skip_invalid: bool, fmt: OutputFormat) -> None:
    with progress_bar(path) as progress:
        # one transaction that reads before it writes: it takes the write lock at BEGIN, waiting its turn
        report = import_file(writer(engine()), kind, path, skip_invalid=skip_invalid, progress=progress)
    show(report, fmt)


def _command(kind: str, summary: str) -> None:
    @handles_errors
    def command(
        file: FileArgument,
        skip_invalid: SkipInvalidOption = False,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        run_import(kind, file, skip_invalid, fmt)

    command.__doc__ = summary
    import_app.command(kind)(command)


_SUMMARIES = {
    "staff": "Staff accounts: id, name, roles, manager, tags (upsert by id).",
    "customers": "Customers: id, name, owner, gender, birthday, source, tags; other columns are attributes.",
    "groups": "Chat groups: id, name, owner, tags, roles (staff:role); other columns are attributes.",
    "members": "Group memberships: group, customer (adds).",
    "tags": "Customer tags: customer, tag (adds).",
    "events": "Events: id, type, customer and/or group, at (ISO 8601 with offset), properties (idempotent by id).",
}
for _kind in KINDS:
    _command(_kind, _SUMMARIES[_kind])
