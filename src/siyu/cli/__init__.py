"""The `siyu` command. Each command group lives in its own module and calls the services."""

from __future__ import annotations

from siyu.cli import (  # noqa: F401  (registers commands)
    audience,
    channels,
    db,
    demo,
    imports,
    plan,
    secrets,
    settings,
    sop,
    tasks,
    web,
    wecom,
)
from siyu.cli.app import app


def main() -> None:
    app(prog_name="siyu")


if __name__ == "__main__":
    main()
