"""The root Typer app, global options and the helpers every command group shares."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from siyu.config import load_settings
from siyu.core.errors import SiyuError, ValidationError
from siyu.core.timeutil import parse_instant

app = typer.Typer(
    help="siyu — 私域 SOP 引擎 (private-domain SOP engine).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Piped output keeps whole table rows rather than wrapping to the 80 columns rich assumes.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@dataclass
class State:
    database_url: str | None = None


state = State()


@app.callback()
def _root(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: $SIYU_DATABASE_URL or sqlite:///siyu.db)."),
    ] = None,
) -> None:
    state.database_url = db


def engine() -> Engine:
    from siyu.store.db import create_engine, key_source

    settings = load_settings(state.database_url)
    secret_key = settings.secret_key.get_secret_value() if settings.secret_key else None
    keys = key_source(
        settings.database_url, key=secret_key, key_file=settings.secret_key_file, data_dir=settings.data_dir
    )
    db = create_engine(settings.database_url, secret_keys=keys)
    db.update_execution_options(siyu_wait_note=_note_waiting)  # writers queue, as the server's do
    return db


def _note_waiting() -> None:
    if not _waiting_noted:
        _waiting_noted.append(True)
        err.print(
            "等待数据库：另一个写入（如服务器上的导入）正在进行，轮到时继续… · "
            "waiting for the database: another writer (a server import?) holds it; continuing when it is done",
            markup=False,
            highlight=False,
        )


_waiting_noted: list[bool] = []  # the note is shown once a process


def writer(db: Engine) -> Engine:
    """`db` for transactions that will write: on SQLite they take the write lock at BEGIN, as the
    server's writers do (store.db), so one that reads first cannot fail to upgrade; and, the CLI's
    engine being patient, they wait for a long writer (a server import) with a note after 1.5 s."""
    return db.execution_options(siyu_begin="IMMEDIATE") if db.dialect.name == "sqlite" else db


def reader_locale() -> str:
    """The language the CLI shows reasons in: $SIYU_LOCALE (zh-CN or en), else Chinese."""
    from siyu.core.language import known_locale

    return known_locale(load_settings(state.database_url).locale)


NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Treat this ISO 8601 instant as now (default: the clock)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]


def parse_now(text: str | None) -> datetime:
    """The instant a command treats as now; the only place the CLI reads the clock."""
    if text is None:
        return datetime.now(UTC)
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--now") from exc


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=None, default=str) + "\n")


MAX_PRINTED_PROBLEMS = 50


def report_error(exc: SiyuError) -> None:
    if isinstance(exc, ValidationError):
        problems = exc.problems
        for problem in problems[:MAX_PRINTED_PROBLEMS]:
            err.print(str(problem), markup=False, highlight=False)
        if len(problems) > MAX_PRINTED_PROBLEMS:
            err.print(f"… and {len(problems) - MAX_PRINTED_PROBLEMS} more problems", markup=False)
        err.print(f"{len(problems)} problem(s); nothing was written.", style="bold red")
    else:
        err.print(f"error: {exc}", style="bold red", markup=False)


P = ParamSpec("P")
R = TypeVar("R")


def handles_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print SiyuErrors as located messages and exit 1 instead of showing a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SiyuError as exc:
            report_error(exc)
            raise typer.Exit(1) from exc

    return wrapper


@contextmanager
def status(message: str) -> Iterator[None]:
    with err.status(message):
        yield
