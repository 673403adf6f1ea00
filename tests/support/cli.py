"""Running the `siyu` command in-process against a test database."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from typer.testing import CliRunner, Result

from siyu.cli.app import app

Siyu = Callable[..., Result]


def siyu_for(engine: Engine) -> Siyu:
    """A function that runs `siyu --db <engine's url> ARGS…` and returns typer's Result."""
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, ["--db", url, *args])

    return run
