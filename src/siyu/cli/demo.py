"""`siyu demo generate`: a deterministic demo brand (暖柚生活), written as the six import files
and loaded into the database through the import service."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from siyu.cli.app import (
    FormatOption,
    NowOption,
    OutputFormat,
    app,
    engine,
    err,
    handles_errors,
    out,
    parse_now,
    print_json,
)

if TYPE_CHECKING:
    from siyu.demo.generate import DemoFiles
    from siyu.ingest.service import ImportReport

demo_app = typer.Typer(help="A demo brand to try siyu on (演示品牌 暖柚生活).", no_args_is_help=True)
app.add_typer(demo_app, name="demo")

PROGRESS_MIN_CUSTOMERS = 20_000  # smaller demos are done before a bar would help


class Bars:
    """Progress on stderr: one bar for generating, one per imported file."""

    def __init__(self, progress: Progress, customers: int) -> None:
        self._progress = progress
        self._generating = progress.add_task("generating customers", total=customers)
        self._importing: dict[str, TaskID] = {}

    def generated(self, done: int) -> None:
        self._progress.update(self._generating, completed=done)

    def imported(self, kind: str, done: int, total: int) -> None:
        if kind not in self._importing:
            self._importing[kind] = self._progress.add_task(f"importing {kind}", total=total)
        self._progress.update(self._importing[kind], completed=done, total=total)


@contextmanager
def progress_bars(customers: int) -> Iterator[Bars | None]:
    """Bars only for large demos, and only on a terminal."""
    if customers < PROGRESS_MIN_CUSTOMERS or not err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        yield Bars(progress, customers)


@dataclass
class DemoRun:
    files: DemoFiles
    reports: dict[str, ImportReport] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def run_demo(
    customers: int, seed: int, now_text: str | None, directory: Path, *, load: bool, reset: bool, workers: int | None
) -> DemoRun:
    from siyu.demo.generate import write_demo
    from siyu.demo.load import load_demo
    from siyu.demo.load import reset as reset_data
    from siyu.demo.world import DemoSpec

    spec = DemoSpec(customers, seed, parse_now(now_text))
    with progress_bars(customers) as bars:
        started = time.perf_counter()
        files = write_demo(spec, directory, workers=workers, progress=bars.generated if bars else None)
        run = DemoRun(files)
        run.seconds["generate"] = time.perf_counter() - started
        if not load:
            return run
        eng = engine()
        if reset:
            started = time.perf_counter()
            reset_data(eng)
            run.seconds["reset"] = time.perf_counter() - started
        started = time.perf_counter()
        for report in load_demo(eng, files, progress=bars.imported if bars else None):
            run.reports[report.kind] = report
        run.seconds["import"] = time.perf_counter() - started
    return run


def summary_table(run: DemoRun) -> Table:
    table = Table(title="演示品牌 暖柚生活 demo brand")
    table.add_column("kind")
    table.add_column("rows written", justify="right")
    if run.reports:
        for heading in ("new", "updated", "unchanged / present"):
            table.add_column(heading, justify="right")
    for kind, rows in run.files.counts.items():
        cells = [kind, f"{rows:,}"]
        if run.reports:
            report = run.reports[kind]
            cells += [f"{report.inserted:,}", f"{report.updated:,}", f"{report.unchanged_or_duplicate:,}"]
        table.add_row(*cells)
    table.caption = ", ".join(f"{step} {value:.1f} s" for step, value in run.seconds.items())
    return table


def summary_json(run: DemoRun, kept: Path | None) -> dict[str, Any]:
    return {
        "directory": None if kept is None else str(kept),
        "counts": run.files.counts,
        "event_types": run.files.event_types,
        "imported": {
            kind: {
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged_or_duplicate": report.unchanged_or_duplicate,
            }
            for kind, report in run.reports.items()
        },
        "seconds": {step: round(value, 3) for step, value in run.seconds.items()},
    }


@demo_app.command("generate")
@handles_errors
def generate(
    *,
    customers: Annotated[int, typer.Option("--customers", min=1, help="Number of customers.")] = 5_000,
    seed: Annotated[int, typer.Option("--seed", help="Same customers, seed and now → the same files.")] = 1,
    now: NowOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Keep the files in this directory (default: a temporary one, removed after loading)."
        ),
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Empty the data tables of the database first.")] = False,
    load: Annotated[bool, typer.Option("--load/--no-load", help="Import the files into the database.")] = True,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Processes (default: one per core).")] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Write a deterministic demo brand as the six import files and import them (staff → events)."""
    keep = out_dir is not None or not load
    directory = out_dir if out_dir is not None else Path(tempfile.mkdtemp(prefix="siyu-demo-"))
    try:
        run = run_demo(customers, seed, now, directory, load=load, reset=reset, workers=workers)
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)
    if fmt is OutputFormat.json:
        print_json(summary_json(run, directory if keep else None))
        return
    out.print(summary_table(run))
    if keep:
        out.print(f"files: {directory}", markup=False, highlight=False)


@demo_app.command("wecom")
@handles_errors
def demo_wecom(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The fake WeCom's port on 127.0.0.1.")] = 8001,
    public_url: Annotated[
        str, typer.Option("--public-url", help="The console's address, for the links in reminders.")
    ] = "http://127.0.0.1:8000",
    force: Annotated[bool, typer.Option("--force", help="Replace a real WeCom configuration too.")] = False,
) -> None:
    """Send through a local fake WeCom (no credentials needed): `siyu serve --fake-wecom` runs it."""
    from siyu.core.timeutil import to_us
    from siyu.demo.fake_wecom import use_fake

    with engine().begin() as conn:
        use_fake(conn, port=port, public_url=public_url, now_us=to_us(parse_now(None)), force=force)
    out.print(f"WeCom → a local fake at http://127.0.0.1:{port} (start it with `siyu serve --fake-wecom`)")
