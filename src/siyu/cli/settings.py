"""`siyu settings …`: brand-wide settings (time zone, quiet hours, caps, late_after, workday overrides)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from siyu.accounts.actors import CliActor
from siyu.brand import settings as settings_service
from siyu.cli.app import app, engine, handles_errors, out, parse_now, print_json
from siyu.core.timeutil import to_us

settings_app = typer.Typer(help="Brand settings.", no_args_is_help=True)
app.add_typer(settings_app, name="settings")


@settings_app.command("show")
@handles_errors
def show() -> None:
    """Print the effective settings as JSON."""
    with engine().begin() as conn:
        current = settings_service.load(conn)
    print_json(
        {
            "timezone": current.timezone,
            "quiet_hours": {
                "start": current.quiet_hours.start.strftime("%H:%M"),
                "end": current.quiet_hours.end.strftime("%H:%M"),
            },
            "caps": {"per_day": current.caps.per_day, "per_week": current.caps.per_week},
            "late_after_seconds": current.late_after_us // 1_000_000,
            "workdays": {
                day.isoformat(): "workday" if working else "holiday"
                for day, working in sorted(current.workday_overrides.items())
            },
        }
    )


@settings_app.command("set")
@handles_errors
def set_(
    key: Annotated[str, typer.Argument(help="timezone | quiet_hours | caps | late_after | workdays")],
    value: Annotated[str, typer.Argument(help='A JSON value or plain text, e.g. Asia/Shanghai or {"per_day": 3}')],
) -> None:
    """Change one setting (validated before anything is written; audited as cli@<your login>).

    workdays: the admin's Chinese workday overrides for years the built-in calendar does not know
    yet, e.g. '{"2027-01-01": "holiday", "2027-02-07": "workday"}' (replaces the whole map)."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    with engine().begin() as conn:
        settings_service.change(conn, key, parsed, actor=CliActor.current(), now_us=to_us(parse_now(None)))
    out.print(f"{key} updated")
