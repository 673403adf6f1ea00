"""`siyu plan`, `siyu worker`, `siyu simulate`: run the planner once, in a loop, or as a dry run."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.engine import Engine

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
)
from siyu.cli.wecom import sync_between_ticks
from siyu.core.timeutil import parse_duration_us, to_us
from siyu.directory.wecom_sync import WeComSync
from siyu.planner.simulation import DEFAULT_STEP_US
from siyu.planner.simulation import simulate as run_simulation
from siyu.planner.tick import TickReport, tick
from siyu.planner.worker import run_loop


def _summary(report: TickReport) -> dict[str, object]:
    return {
        "steps": dict(report.steps),
        "step_seconds": {name: round(value, 3) for name, value in report.seconds.items()},
        "waited_for_other_workers": dict(report.waited),
        "stopped": report.stopped,
        "failed_sops": [
            {"sop": f.sop_id, "step": f.step, "error": f.error, "failures_in_a_row": f.failures}
            for f in report.failed.values()
        ],
    }


def print_failures(report: TickReport) -> None:
    """Each SOP whose planning failed in the tick, on stderr (the others were planned)."""
    for failure in report.failed.values():
        err.print(
            f"SOP {failure.sop_id} failed at step {failure.step}"
            f" ({failure.failures} tick(s) in a row): {failure.error}",
            style="bold red",
            markup=False,
            highlight=False,
        )
    if report.failed:
        err.print(f"{len(report.failed)} SOP(s) not planned; the others were. See siyu sop list.", markup=False)


@app.command("plan")
@handles_errors
def plan(now: NowOption = None, output: FormatOption = OutputFormat.table) -> None:
    """Run one planner tick at NOW: entries, tasks, caps, due and expired tasks. An SOP whose
    planning fails is printed (on stderr) and recorded on the SOP; the others are planned and
    the exit code is 0."""
    moment = parse_now(now)
    started = time.monotonic()
    report = tick(engine(), to_us(moment))
    elapsed = time.monotonic() - started
    if output is OutputFormat.json:
        print_json({"now": moment.isoformat(), "seconds": round(elapsed, 3), **_summary(report)})
        return
    out.print(f"tick at {moment.isoformat()} took {elapsed:.2f} s ({sum(report.steps.values())} steps)")
    print_failures(report)


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        self.requested = True
        err.print(f"received signal {signum}: finishing the current step, then stopping")


@app.command("worker")
@handles_errors
def worker(
    interval: Annotated[float, typer.Option("--interval", help="Seconds between ticks.")] = 60.0,
    once: Annotated[bool, typer.Option("--once", help="Run one tick and exit.")] = False,
    now: NowOption = None,
    dispatch: Annotated[
        bool, typer.Option("--dispatch/--no-dispatch", help="Also hand due deliveries to their channels.")
    ] = True,
) -> None:
    """Run ticks in a loop until SIGTERM or SIGINT (each step commits; a stop waits for it),
    and the dispatcher beside them (unless --no-dispatch, --once or --now). A tick that fails
    is logged with its traceback and tried again after a growing wait; with --once or --now
    the exit code is then 1. After each tick, WeCom's corp tags (hourly) and queued customer
    profiles are fetched when WeCom is on."""
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    db = engine()
    fixed = parse_now(now) if now is not None else None
    dispatching = None
    wecom = WeComSync(db)
    if dispatch and not once and fixed is None:
        dispatching = start_dispatcher(db, lambda: stop.requested)

    def tick_once() -> None:
        moment = fixed or parse_now(None)
        started = time.monotonic()
        report = tick(db, to_us(moment), should_stop=lambda: stop.requested)
        err.print(f"tick {moment.isoformat()} {time.monotonic() - started:.2f} s {sum(report.steps.values())} steps")
        print_failures(report)
        if not stop.requested:
            sync_between_ticks(wecom, to_us(moment))

    def wait(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not stop.requested and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))

    succeeded = run_loop(
        tick_once,
        interval_s=interval,
        should_stop=lambda: stop.requested,
        wait=wait,
        log=lambda text: err.print(text, style="bold red", markup=False, highlight=False),
        once=once or fixed is not None,
    )
    if dispatching is not None:
        dispatching.join(timeout=60)
    err.print("worker stopped")
    if not succeeded:
        raise typer.Exit(1)


def start_dispatcher(db: Engine, should_stop: Callable[[], bool]) -> threading.Thread:
    """The dispatcher in a thread of this process, until `should_stop()`."""
    from siyu.delivery.dispatcher import Dispatcher

    def loop() -> None:
        dispatcher = Dispatcher(db)
        try:
            while not should_stop():
                try:
                    dispatcher.run(should_stop)
                except Exception as exc:  # a database hiccup must not end delivery for good
                    err.print(f"dispatcher round failed: {exc}", style="bold red", markup=False)
                    time.sleep(2)
        finally:
            dispatcher.close()

    thread = threading.Thread(target=loop, name="siyu-dispatcher", daemon=True)
    thread.start()
    return thread


@app.command("simulate")
@handles_errors
def simulate(
    start: Annotated[str, typer.Option("--from", help="First tick (ISO 8601).")],
    end: Annotated[str, typer.Option("--to", help="Last tick (ISO 8601).")],
    sop: Annotated[str | None, typer.Option("--sop", help="Only this SOP (simulated switched on).")] = None,
    every: Annotated[str, typer.Option("--every", help="Time between ticks (30m, 1h…).")] = "1h",
    output: FormatOption = OutputFormat.table,
) -> None:
    """The tasks ticks from --from to --to would make, if no new data arrived. Writes nothing."""
    start_us = to_us(parse_now(start))
    end_us = to_us(parse_now(end))
    try:
        step_us = parse_duration_us(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from exc
    step_us = step_us or DEFAULT_STEP_US
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} ticks"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        bar = progress.add_task("ticks", total=None)
        rows = run_simulation(
            engine(),
            start_us,
            end_us,
            step_us=step_us,
            sop_id=sop,
            on_tick=lambda done, total: progress.update(bar, completed=done, total=total),
            locale=reader_locale(),
        )
    if output is OutputFormat.json:
        print_json(rows)
        return
    table = Table("due", "sop", "step", "target", "executor", "status", "variant", "reason")
    for row in rows:
        table.add_row(
            row["due_at"][:16],
            row["sop"],
            row["step"],
            f"{row['target_type']}:{row['target']}",
            row["executor"] or "—",
            row["status"],
            row["variant"] or "",
            row["reason"] or "",
        )
    out.print(table)
    out.print(f"{len(rows)} task(s) from {start} to {end}; nothing was written.")
