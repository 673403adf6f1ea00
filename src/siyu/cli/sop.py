"""`siyu sop …`: validate and apply SOP files, list and show the stored versions."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import typer
from rich.cells import cell_len
from rich.table import Table
from sqlalchemy.exc import OperationalError

from siyu.accounts.actors import CliActor
from siyu.brand import settings as settings_service
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
    reader_locale,
    state,
)
from siyu.config import load_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.sop_words import sop_words, words_json, words_lines
from siyu.core.timeutil import from_us, to_us
from siyu.planner.first_day import first_day
from siyu.sops import overview as sop_overview
from siyu.sops import repo as sop_service
from siyu.store.db import normalize_url

sop_app = typer.Typer(help="SOP files: validate, apply, list, show.", no_args_is_help=True)
app.add_typer(sop_app, name="sop")

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="SOP files, or directories searched recursively for *.yaml and *.yml."),
]


class ShowFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    text = "text"


StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Names the data has never had (tags, attributes, event types, products, staff, roles) "
        "are problems: exit 1 and store nothing.",
    ),
]


def _print_warnings(warnings: list[Problem]) -> None:
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)


def _database_to_read() -> str | None:
    """Why the names cannot be checked (no database yet), or None when they can."""
    url = normalize_url(load_settings(state.database_url).database_url)
    if url.startswith("sqlite"):
        file = sa.engine.make_url(url).database
        if not file or file == ":memory:" or not Path(file).is_file():
            return f"no database at {url}"
    return None


def _name_warnings(checked: sop_service.Checked, *, strict: bool) -> list[Problem]:
    missing = _database_to_read()
    if missing is None:
        try:
            with engine().connect() as conn:
                return sop_service.name_warnings(conn, checked.sops, reader_locale())
        except OperationalError as exc:
            missing = f"the database cannot be read ({exc.orig or exc})"
    if strict:
        raise ValidationError([Problem("--strict", f"cannot check names: {missing}")])
    err.print(f"note: names not checked against the data: {missing}", markup=False, highlight=False)
    return []


@sop_app.command("validate")
@handles_errors
def validate(paths: PathsArgument, strict: StrictOption = False) -> None:
    """Check SOP files; exit 1 if any problem is found. Names the data has never had are warned
    of (checked in the database when there is one; `--strict` makes them problems)."""
    checked = sop_service.check(paths)
    unknown = _name_warnings(checked, strict=strict) if not checked.problems else []
    if strict:
        checked.problems += unknown
    else:
        checked.warnings += unknown
    _print_warnings(checked.warnings)
    if checked.problems:
        for problem in checked.problems:
            err.print(str(problem), markup=False, highlight=False)
        err.print(f"{len(checked.problems)} problem(s) in {len(checked.files)} file(s).", style="bold red")
        raise typer.Exit(1)
    out.print(f"ok: {len(checked.sops)} SOP(s) in {len(checked.files)} file(s)", markup=False)


@sop_app.command("apply")
@handles_errors
def apply(paths: PathsArgument, now: NowOption = None, strict: StrictOption = False) -> None:
    """Validate every file, then store them all in one transaction (nothing is stored if one fails).
    Names the data has never had are printed as warnings; with `--strict` nothing is stored."""
    now_us = to_us(parse_now(now))
    checked = sop_service.check(paths)
    if checked.problems:
        raise ValidationError(checked.problems)
    with engine().begin() as conn:
        report = sop_overview.apply_checked(
            conn, CliActor.current(), checked, now_us=now_us, strict=strict, locale=reader_locale()
        )
    _print_warnings(report.warnings)
    for item in report.applied:
        out.print(f"{item.outcome.value:<9} {item.sop_id} (version {item.version})", markup=False, highlight=False)


@sop_app.command("list")
@handles_errors
def list_(output: FormatOption = OutputFormat.table) -> None:
    """Every SOP with its latest version, and whether its planning failed (the error, the step
    and when, until a tick plans it cleanly; also on stderr under the table)."""
    with engine().begin() as conn:
        rows = sop_service.summaries(conn)
        failed = sop_overview.failures_of(conn)
        zone = settings_service.load(conn).zone
    if output is OutputFormat.json:
        print_json(
            [
                {
                    "id": row.id,
                    "name": row.name,
                    "kind": row.kind,
                    "enabled": row.enabled,
                    "priority": row.priority,
                    "latest_version": row.latest_version,
                    "updated_at": from_us(row.updated_at_us, zone).isoformat(),
                    "planning_failure": _failure_json(failed.get(row.id), zone),
                }
                for row in rows
            ]
        )
        return
    if not rows:
        out.print("no SOPs yet (siyu sop apply PATH stores some)", markup=False)
        return
    lines = [("id", "name", "kind", "enabled", "priority", "version", "updated", "planning")]
    lines += [
        (
            row.id,
            row.name,
            row.kind,
            "yes" if row.enabled else "no",
            str(row.priority),
            str(row.latest_version),
            from_us(row.updated_at_us, zone).strftime("%Y-%m-%d %H:%M"),
            "failed" if row.id in failed else "-",
        )
        for row in rows
    ]
    for line in _columns(lines):
        out.print(line, markup=False, highlight=False)
    for sop_id, failure in sorted(failed.items()):
        at = from_us(failure.at_us, zone).strftime("%Y-%m-%d %H:%M")
        err.print(
            f"{sop_id}: planning failed at {at}, step {failure.step}"
            f" ({failure.failures} tick(s) in a row): {failure.error}",
            markup=False,
            highlight=False,
        )


def _failure_json(failure: sop_overview.SopFailure | None, zone: ZoneInfo) -> dict[str, object] | None:
    if failure is None:
        return None
    return {
        "at": from_us(failure.at_us, zone).isoformat(),
        "step": failure.step,
        "error": failure.error,
        "failures_in_a_row": failure.failures,
    }


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Plain aligned columns (never truncated, whatever the terminal width; CJK counts double)."""
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


@sop_app.command("show")
@handles_errors
def show(
    sop_id: Annotated[str, typer.Argument(metavar="ID", help="The SOP's id.")],
    version: Annotated[int | None, typer.Option("--version", min=1, help="A version number (default: latest).")] = None,
    output: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            help="yaml: the stored source; json: metadata, definition and words; "
            "text: its audience, entry, exit and each step's when in words ($SIYU_LOCALE).",
        ),
    ] = ShowFormat.yaml,
) -> None:
    """Print one version of an SOP: its YAML source as applied, JSON with its definition, or in words."""
    with engine().begin() as conn:
        stored = sop_service.latest(conn, sop_id) if version is None else sop_service.version(conn, sop_id, version)
        zone = settings_service.load(conn).zone
    if output is ShowFormat.yaml:
        sys.stdout.write(stored.source if stored.source.endswith("\n") else stored.source + "\n")
        return
    words = sop_words(stored.sop, reader_locale(), zone)
    if output is ShowFormat.text:
        for line in words_lines(stored.sop.name, stored.version, words, reader_locale()):
            out.print(line, markup=False, highlight=False)
        return
    print_json(
        {
            "id": stored.id,
            "name": stored.sop.name,
            "kind": stored.sop.kind.value,
            "enabled": stored.sop.enabled,
            "priority": stored.sop.priority,
            "version": stored.version,
            "latest_version": stored.latest_version,
            "checksum": stored.checksum,
            "source_file": stored.source_file,
            "created_at": from_us(stored.created_at_us, zone).isoformat(),
            "definition": stored.definition,
            "words": words_json(words),
        }
    )


def _switch(sop_id: str, enabled: bool, now: str | None) -> None:
    with engine().begin() as conn:
        changed = sop_overview.switch(conn, CliActor.current(), sop_id, enabled, now_us=to_us(parse_now(now)))
    word = "enabled" if enabled else "disabled"
    out.print(f"{sop_id} {word}" if changed else f"{sop_id} was already {word}", markup=False)


@sop_app.command("enable")
@handles_errors
def enable(
    sop_id: str,
    now: NowOption = None,
    preview: Annotated[
        bool, typer.Option("--preview", help="Only show the first day's tasks per staff member; switch nothing.")
    ] = False,
    show: Annotated[bool, typer.Option("--show/--no-show", help="Show the first day's work before switching.")] = True,
) -> None:
    """Switch an SOP on: the next tick enters its audience; events count from NOW. First shows
    how many tasks each staff member would get on its first day (simulated, nothing stored)."""
    if preview or show:
        _print_first_day(sop_id, to_us(parse_now(now)))
    if not preview:
        _switch(sop_id, True, now)


def _print_first_day(sop_id: str, now_us: int) -> None:
    day = first_day(engine(), sop_id, now_us)
    table = Table("staff", "name", "tasks", title=f"{sop_id}: 首日任务 (the first day's tasks)")
    for load in day.loads:
        table.add_row(
            load.staff or "—", load.name or ("无人可执行 (nobody)" if load.staff is None else ""), str(load.tasks)
        )
    out.print(table)
    people = sum(1 for load in day.loads if load.staff is not None)
    out.print(f"{day.total} task(s) for {people} staff member(s) in the 24 hours after switching on", markup=False)


@sop_app.command("disable")
@handles_errors
def disable(sop_id: str, now: NowOption = None) -> None:
    """Switch an SOP off: the next tick cancels its pending tasks."""
    _switch(sop_id, False, now)
