"""`siyu tasks …`: list tasks, mark them done or skipped."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import Connection

from siyu.accounts.actors import CliActor
from siyu.brand import settings as brand_settings
from siyu.cli.app import (
    FormatOption,
    NowOption,
    OutputFormat,
    app,
    engine,
    handles_errors,
    out,
    parse_now,
    print_json,
    reader_locale,
)
from siyu.core.schedule import local_instant
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_day_number, local_day, to_us
from siyu.delivery import deliveries as delivery_service
from siyu.tasks import queries as task_service
from siyu.tasks import status as task_status

tasks_app = typer.Typer(help="Tasks: list, show, done, skip.", no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")

ActorOption = Annotated[str, typer.Option("--by", help="Who makes the change (shown in the task's history).")]


def _table(rows: list[dict[str, object]]) -> Table:
    table = Table("id", "due", "sop", "step", "target", "executor", "status", "channel", "script")
    for row in rows:
        content = row.get("content") or {}
        items = content.get("items", []) if isinstance(content, dict) else []
        script = next((item["text"] for item in items if "text" in item), "")
        table.add_row(
            str(row["id"]),
            str(row["due_at"])[:16],
            str(row["sop"]),
            str(row["step"]),
            f"{row['target_type']}:{row['target']}",
            str(row["executor"] or "—"),
            str(row["status"]),
            f"{row['channel']}/{row['mode']}",
            script[:40],
        )
    return table


@tasks_app.command("list")
@handles_errors
def list_(
    *,
    staff: Annotated[str | None, typer.Option("--staff", help="Executor's staff id.")] = None,
    status: Annotated[TaskStatus | None, typer.Option("--status")] = None,
    sop: Annotated[str | None, typer.Option("--sop")] = None,
    due_before: Annotated[str | None, typer.Option("--due-before", help="ISO 8601: due strictly before.")] = None,
    today: Annotated[bool, typer.Option("--today", help="Only tasks due today (local, by --now).")] = False,
    limit: Annotated[int, typer.Option("--limit")] = 1000,
    offset: Annotated[int, typer.Option("--offset")] = 0,
    now: NowOption = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Tasks by due time; filter by executor, status, SOP and due time."""
    before = to_us(parse_now(due_before)) if due_before is not None else None
    start = None
    with engine().begin() as conn:
        if today:
            zone = brand_settings.load(conn).zone
            day = from_day_number(local_day(to_us(parse_now(now)), zone))
            start = local_instant(day, time(0, 0), zone)
            end = local_instant(day + timedelta(days=1), time(0, 0), zone)
            before = end if before is None else min(before, end)
        rows = task_service.list_tasks(
            conn,
            task_service.TaskFilter(
                staff=staff,
                status=status,
                sop=sop,
                due_before_us=before,
                due_from_us=start,
                limit=limit,
                offset=offset,
                locale=reader_locale(),
            ),
        )
    if output is OutputFormat.json:
        print_json(rows)
        return
    out.print(_table(rows))
    out.print(f"{len(rows)} task(s)")


def _today(conn: Connection, now: str | None) -> tuple[int, int]:
    """[start, end) of the local day of NOW in the brand's zone, as µs."""
    zone = brand_settings.load(conn).zone
    day = from_day_number(local_day(to_us(parse_now(now)), zone))
    return local_instant(day, time(0, 0), zone), local_instant(day + timedelta(days=1), time(0, 0), zone)


@tasks_app.command("today")
@handles_errors
def today_(now: NowOption = None, output: FormatOption = OutputFormat.table) -> None:
    """What the brand's tasks due today look like: counts by SOP, step and status."""
    with engine().begin() as conn:
        start, end = _today(conn, now)
        rows = task_service.counts_by_step(conn, due_from_us=start, due_before_us=end)
    if output is OutputFormat.json:
        print_json([{"sop": sop, "step": step, "status": status, "count": n} for sop, step, status, n in rows])
        return
    statuses = sorted({status for _, _, status, _ in rows})
    table = Table("sop", "step", *statuses, "total", title="今日任务 (tasks due today)")
    by_step: dict[tuple[str, str], dict[str, int]] = {}
    for sop, step, status, n in rows:
        by_step.setdefault((sop, step), {})[status] = n
    for (sop, step), numbers in by_step.items():
        table.add_row(sop, step, *(str(numbers.get(s, "")) for s in statuses), str(sum(numbers.values())))
    out.print(table)
    out.print(f"{sum(n for *_, n in rows)} task(s) due today")


@tasks_app.command("show")
@handles_errors
def show(task_id: int, now: NowOption = None) -> None:
    """One task with its history of changes, as JSON; `overdue` is judged at NOW."""
    now_us = to_us(parse_now(now))
    with engine().begin() as conn:
        task = task_service.get_task(conn, task_id, reader_locale())
        overdue = task["status"] in ("pending", "due") and task_service.due_us(task) < now_us
        history = task_service.history(conn, task_id, reader_locale())
        sent = delivery_service.of_task(conn, task_id)
        print_json({**task, "overdue": overdue, "history": history, "deliveries": sent})


@tasks_app.command("done")
@handles_errors
def done(task_id: int, by: ActorOption = "cli", now: NowOption = None) -> None:
    """Mark a pending or due task done (audited as cli@<your login>)."""
    with engine().begin() as conn:
        row = task_status.change(
            conn, task_id, TaskStatus.done, actor=CliActor.current(), by=by, now_us=to_us(parse_now(now))
        )
    out.print(f"task {task_id} is done ({row['sop']} / {row['step']})")


@tasks_app.command("skip")
@handles_errors
def skip(
    task_id: int,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why it is skipped (required; kept on the task).")
    ] = None,
    by: ActorOption = "cli",
    now: NowOption = None,
) -> None:
    """Mark a pending or due task skipped, with a reason (audited as cli@<your login>)."""
    with engine().begin() as conn:
        task_status.change(
            conn,
            task_id,
            TaskStatus.skipped,
            actor=CliActor.current(),
            by=by,
            now_us=to_us(parse_now(now)),
            reason=reason,
        )
    out.print(f"task {task_id} is skipped")
