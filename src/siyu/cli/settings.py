"""`siyu settings …`: brand-wide settings (time zone, quiet hours, caps, late_after, workday overrides)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from siyu.accounts.actors import CliActor
from siyu.brand import settings as settings_service
from siyu.cli.app import NowOption, app, engine, handles_errors, out, parse_now, print_json
from siyu.core.brand import BrandSettings
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import from_us, to_us
from siyu.core.workday_file import read_workday_file

settings_app = typer.Typer(help="Brand settings.", no_args_is_help=True)
app.add_typer(settings_app, name="settings")
workdays_app = typer.Typer(help="The official holiday schedule (holidays and make-up workdays).", no_args_is_help=True)
settings_app.add_typer(workdays_app, name="workdays")


def calendar_years(current: BrandSettings, now_us: int) -> dict[str, Any]:
    """Where each year near now (and each year with overrides) takes its workdays from, and the
    estimated years admins are told about."""
    today = from_us(now_us, current.zone).date()
    return {
        "years": {str(year): source.value for year, source in current.calendar.sources_near(today).items()},
        "estimated": current.calendar.estimated_years_in_view(today),
    }


@settings_app.command("show")
@handles_errors
def show(now: NowOption = None) -> None:
    """Print the effective settings as JSON. `workday_calendar.years`: each year's source —
    official (chinesecalendar), brand (your overrides), estimated (statutory holidays computed,
    no make-up workdays: import the official schedule) or unknown; `estimated`: the estimated
    years in use now or starting within 60 days."""
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
            "workday_calendar": calendar_years(current, to_us(parse_now(now))),
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


@workdays_app.command("import")
@handles_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv (date,kind rows), .json or .yaml file; kind: holiday | workday")],
    now: NowOption = None,
) -> None:
    """Give the official schedule of the years in FILE: it replaces every override of those years
    (other years keep theirs), in one audited change. Tasks of workdays_only steps are re-planned
    by the planner's next tick."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(str(file), f"cannot read the file: {exc}")]) from exc
    days = read_workday_file(text, str(file))
    with engine().begin() as conn:
        done = settings_service.import_workdays(conn, days, actor=CliActor.current(), now_us=to_us(parse_now(now)))
    for year, (given, replaced) in sorted(done.years.items()):
        out.print(f"{year}: {given} days imported, {replaced} earlier overrides replaced")
    out.print("workdays updated; tasks are re-planned at the planner's next tick")
