"""Dispatch benchmark (issue 5): what making outbox rows costs the planner, and how fast the
dispatcher hands them to WeCom (a fake on loopback). Reports figures; never fails a suite.

    .venv/bin/python bench/bench_foundation.py --customers 100000 --runs 1   # makes the database
    .venv/bin/python bench/bench_dispatch.py --db sqlite:///bench/out/bench-100000.db
    .venv/bin/python bench/bench_dispatch.py --db sqlite:///bench/out/bench-100000.db --dispatchers 4

1. The planner's cost of the outbox: one tick at --now with every channel off (due tasks stay
   in the inbox, auto ones become reminders: no delivery rows) and, after clearing what it
   made, one with WeCom pointed at the fake. The "fire" step makes the rows.
2. The dispatcher: the fake WeCom runs in this process (every mass send confirmed at once);
   today's digests are made at --now; then either the Dispatcher in this process
   (--dispatchers 0, its clock starting at --now) or N `siyu dispatch` processes (their clock is
   the wall clock, so the queued rows are made due at once first; `siyu dispatch` has no
   --parallel: each process hands over 4 at a time) work until no queued row is due, or
   --max-deliveries were handed over.
3. From the fake's own records: each send and each app message handed over reached it once.

Every run first clears what the planner and the dispatcher made before (tasks, entries, planner
state, deliveries, task events) and applies the scenario pack again, so runs can be repeated on
the same database. The WeCom, webhook and SMS channels of the database are changed: use a bench
database, never a brand's.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.brand import settings as brand_settings
from siyu.channels import stored as channels
from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.core.timeutil import to_us
from siyu.delivery.digests import enqueue_digests
from siyu.delivery.dispatcher import Dispatcher, DispatchReport
from siyu.delivery.enqueue import enqueue_due
from siyu.delivery.routing_state import Routing
from siyu.demo import fake_wecom as demo_wecom
from siyu.planner import due_tasks as firing
from siyu.planner.tick import tick
from siyu.sops import repo as sops
from siyu.store.db import create_engine

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "shared" / "scenarios" / "sops"
EXAMPLES = HERE.parent / "examples" / "sops"
US = 1_000_000
# children first: deliveries and task events hang on tasks
MADE_TABLES = ("deliveries", "task_changes", "tasks", "sop_entries", "sop_state", "sop_versions", "sops")
ADAPTERS = ("wecom", "webhook", "sms")
HANDED = ("sent", "delivered", "failed", "dead")  # the adapter was called and answered for good
REMINDER_TASK = re.compile(r"任务 #(\d+)")


# ---------------------------------------------------------------------------------- the database


def reset(engine: Engine, now_us: int) -> None:
    """Clear what the planner and the dispatcher made, and apply the scenario pack again."""
    with engine.begin() as conn:
        for table in MADE_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        # the task events of an earlier run ("siyu:task:42:sent"): a key range, not a LIKE
        conn.execute(sa.text("DELETE FROM events WHERE external_id >= 'siyu:task:' AND external_id < 'siyu:task;'"))
        sops.apply(conn, [SCENARIOS if SCENARIOS.is_dir() else EXAMPLES], now_us=now_us)
    if engine.dialect.name == "postgresql":
        # the run before left millions of dead rows (tasks, entries, deliveries); where
        # autovacuum is off (the test server), each run would be slower than the last
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def channels_off(engine: Engine, now_us: int) -> None:
    with engine.begin() as conn:
        for name in ADAPTERS:
            if channels.load(conn, name).enabled:
                channels.save(conn, name, enabled=False, now_us=now_us)


def wecom_on(engine: Engine, *, port: int, calls_per_minute: int, now_us: int) -> None:
    with engine.begin() as conn:
        demo_wecom.use_fake(conn, port=port, public_url="http://127.0.0.1:8000", now_us=now_us, force=True)
        channels.save(conn, "wecom", settings={"calls_per_minute": calls_per_minute}, now_us=now_us)


def grouped(engine: Engine, statement: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {":".join(str(part) for part in row[:-1]): int(row[-1]) for row in conn.execute(sa.text(statement))}


def deliveries_by_purpose(engine: Engine) -> dict[str, int]:
    return grouped(engine, "SELECT purpose, count(*) FROM deliveries GROUP BY purpose ORDER BY purpose")


def deliveries_by_status(engine: Engine) -> dict[str, int]:
    return grouped(engine, "SELECT purpose, status, count(*) FROM deliveries GROUP BY purpose, status ORDER BY 1, 2")


def queued_due(engine: Engine, before_us: int) -> int:
    with engine.connect() as conn:
        statement = "SELECT count(*) FROM deliveries WHERE status = 'queued' AND next_attempt_at <= :before"
        return int(conn.execute(sa.text(statement), {"before": before_us}).scalar_one())


# ---------------------------------------------------------------------------------- the planner


@contextmanager
def timing_outbox() -> Iterator[list[float]]:
    """The seconds the fire step spends handing due tasks to the outbox (`enqueue_due`, in the
    fire step's own transaction): the whole fire step is too noisy to show them by difference."""
    spent: list[float] = []

    def timed(*args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            enqueue_due(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    with patch.object(firing, "enqueue_due", timed):
        yield spent


def timed_tick(engine: Engine, now_us: int) -> dict[str, Any]:
    with timing_outbox() as outbox:
        started = time.perf_counter()
        report = tick(engine, now_us)
        seconds = time.perf_counter() - started
    return {
        "tick_seconds": round(seconds, 2),
        "fire_seconds": round(report.seconds.get("fire", 0.0), 2),
        "outbox_seconds": round(sum(outbox), 3),
        "fire_transactions": report.steps["fire"],
        "deliveries": deliveries_by_purpose(engine),
        "due_tasks": grouped(engine, "SELECT mode, count(*) FROM tasks WHERE status = 'due' GROUP BY mode ORDER BY 1"),
        "made_reminders": grouped(engine, "SELECT count(*) FROM task_changes WHERE actor = 'channels'").get("", 0),
    }


def analyze_outbox(engine: Engine) -> None:
    """PostgreSQL: fresh statistics for the new outbox. reset() emptied `deliveries` and analyzed
    it; with a table of pages and no rows on record, PostgreSQL rescans the claim's FOR UPDATE
    SKIP LOCKED subquery once per row, and one claim takes (and leases) the whole queue.
    --stale-statistics keeps them, to show it."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE deliveries")


def make_digests(engine: Engine, now_us: int) -> int:
    """Today's digests, as the dispatcher's first round at `now_us` would make them; how many
    (counted: enqueue_digests reports -1 on PostgreSQL, where INSERT … SELECT has no rowcount)."""
    with engine.begin() as conn:
        settings = channels.delivery_settings(conn)
        zone = brand_settings.load(conn).zone
        enqueue_digests(conn, settings, Routing.load(conn), now_us=now_us, zone=zone)
    return deliveries_by_purpose(engine).get("digest", 0)


# ---------------------------------------------------------------------------------- dispatching


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


@dataclass
class RoundTimes:
    """Where one round's time goes: the claim transaction (claim, compose, commit), the
    hand-over (the adapters' calls, `parallel` at a time) and the write-backs."""

    started: float = 0.0
    first_work: float | None = None
    last_work: float | None = None
    compose: float = 0.0


class TimedDispatcher(Dispatcher):
    """The Dispatcher, with each round's phases timed (bench only)."""

    def __init__(self, engine: Engine, **options: Any) -> None:
        super().__init__(engine, **options)
        # (round, claim transaction, of it composing, hand-over, rows claimed), in seconds
        self.rounds: list[tuple[float, float, float, float, int]] = []
        self._now = RoundTimes()
        self._times_lock = threading.Lock()

    def step(self) -> DispatchReport:
        self._now = RoundTimes(started=time.perf_counter())
        report = super().step()
        ended = time.perf_counter()
        times = self._now
        if report.claimed:
            first = times.first_work or ended
            last = times.last_work or first
            self.rounds.append(
                (ended - times.started, first - times.started, times.compose, last - first, report.claimed)
            )
        return report

    def _prepare(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super()._prepare(*args, **kwargs)
        finally:
            self._now.compose += time.perf_counter() - started

    def _work(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super()._work(*args, **kwargs)
        finally:
            ended = time.perf_counter()
            with self._times_lock:
                times = self._now
                times.first_work = started if times.first_work is None else min(times.first_work, started)
                times.last_work = ended if times.last_work is None else max(times.last_work, ended)


def dispatch_here(
    engine: Engine, *, now_us: int, batch: int, parallel: int, max_deliveries: int | None, fixed_clock: bool
) -> dict[str, Any]:
    """The Dispatcher in this process, round after round, its clock starting at `now_us`."""
    origin = time.perf_counter()

    def clock() -> int:
        return now_us if fixed_clock else now_us + int((time.perf_counter() - origin) * US)

    dispatcher = TimedDispatcher(engine, clock_us=clock, batch=batch, parallel=parallel)
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    try:
        while max_deliveries is None or counts["claimed"] < max_deliveries:
            report = dispatcher.step()
            counts.update(report.counts)
            # a round that found fewer than a batch may have emptied the queue: ask (outside the rounds' time)
            if report.claimed < batch:
                paused = time.perf_counter()
                empty = report.claimed == 0 or queued_due(engine, clock()) == 0
                started += time.perf_counter() - paused
                if empty:
                    break
    finally:
        dispatcher.close()
    seconds = time.perf_counter() - started
    rounds = dispatcher.rounds
    whole = [r[0] for r in rounds]
    return {
        "mode": "in-process",
        "clock": "fixed" if fixed_clock else "advancing",
        "seconds": round(seconds, 2),
        "rounds": len(rounds),
        "outcomes": dict(sorted(counts.items())),
        "round_p50_ms": _ms(percentile(whole, 0.5)),
        "round_p99_ms": _ms(percentile(whole, 0.99)),
        "round_max_ms": _ms(max(whole, default=None)),
        "share_claim_txn": _share(sum(r[1] for r in rounds), sum(whole)),
        "share_compose": _share(sum(r[2] for r in rounds), sum(whole)),
        "share_handover": _share(sum(r[3] for r in rounds), sum(whole)),
        "share_write_back": _share(sum(r[0] - r[1] - r[3] for r in rounds), sum(whole)),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass
class Worker:
    process: subprocess.Popen[str]
    lines: list[tuple[float, str]] = field(default_factory=list)

    def read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append((time.perf_counter(), line.strip()))


def dispatch_in_processes(
    engine: Engine, url: str, *, workers: int, batch: int, max_deliveries: int | None
) -> dict[str, Any]:
    """N `siyu dispatch` processes on the wall clock, until no queued row is due."""
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE deliveries SET next_attempt_at = 0 WHERE status = 'queued'"))
    initial = queued_due(engine, 1)
    command = [sys.executable, "-m", "siyu", "--db", url, "dispatch", "--idle", "0.1", "--batch", str(batch)]
    launched = time.perf_counter()
    pool = [
        Worker(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        for _ in range(workers)
    ]
    readers = [threading.Thread(target=w.read, daemon=True) for w in pool]
    for reader in readers:
        reader.start()
    first_progress: float | None = None
    left = initial
    try:
        while left and (max_deliveries is None or initial - left < max_deliveries):
            if any(w.process.poll() is not None for w in pool):
                break  # a dispatcher died: its stderr is in the report
            time.sleep(0.05)
            left = queued_due(engine, time.time_ns() // 1000)
            if first_progress is None and left < initial:
                first_progress = time.perf_counter()
    finally:
        done = time.perf_counter()
        for worker in pool:
            worker.process.send_signal(signal.SIGTERM)
        for worker in pool:
            try:
                worker.process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # stuck in a round: the figures are already taken
                worker.process.kill()
                worker.process.wait()
        for reader in readers:
            reader.join(timeout=5)
    counts: Counter[str] = Counter()
    gaps: list[float] = []
    for worker in pool:
        previous: float | None = None
        for at, line in worker.lines:
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if "claimed" not in fields:
                continue
            counts.update({k: int(v) for k, v in fields.items() if v.isdigit()})
            if previous is not None:
                gaps.append(at - previous)  # back to back while busy: a round's time
            previous = at
    died = [w.lines[-5:] for w in pool if w.process.returncode not in (0, -signal.SIGTERM)]
    return {
        "mode": f"{workers} x siyu dispatch",
        "clock": "wall",
        "seconds": round(done - launched, 2),
        "seconds_from_first_progress": None if first_progress is None else round(done - first_progress, 2),
        "rounds": sum(1 for w in pool for _at, line in w.lines if "claimed=" in line),
        "outcomes": dict(sorted(counts.items())),
        "round_p50_ms": _ms(percentile(gaps, 0.5)),
        "round_p99_ms": _ms(percentile(gaps, 0.99)),
        "round_max_ms": _ms(max(gaps, default=None)),
        **({"died": died} if died else {}),
    }


# ---------------------------------------------------------------------------------- exactly once


def exactly_once(engine: Engine, fake: FakeWeCom) -> dict[str, Any]:
    """Each WeCom row handed over against the fake's own records: its reference names exactly
    one thing the fake made, for the right person, and nothing the fake made is unreferenced."""
    records = fake.records()
    made: dict[str, tuple[str, list[str]]] = {}  # reference → (what, recipients)
    for mass in records["mass_sends"]:
        made[mass["msgid"]] = ("mass_send", list(mass["recipients"]))
    for moment in records["moments"]:
        made[f"moment-job:{moment['jobid']}"] = ("moment", [])
        if moment["moment_id"]:
            made[f"moment:{moment['moment_id']}"] = ("moment", [])
    for message in records["app_messages"]:
        made[message["msgid"]] = ("app_message", list(message["touser"]))
    with engine.connect() as conn:
        rows = list(
            conn.execute(
                sa.text(
                    "SELECT purpose, provider_ref, payload FROM deliveries WHERE adapter = 'wecom'"
                    " AND status IN ('sent', 'delivered')"
                )
            )
        )
    references = Counter(row.provider_ref for row in rows)
    missing = wrong_person = 0
    for row in rows:
        found = made.get(row.provider_ref)
        if found is None:
            missing += 1
            continue
        payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
        what, recipients = found
        if what == "mass_send":
            whom = (payload.get("customer") or payload.get("group") or {}).get("id")
            wrong_person += recipients != [whom]
        elif what == "app_message":
            wrong_person += recipients != [(payload.get("staff") or {}).get("id")]
    moment_jobs = {f"moment-job:{m['jobid']}": f"moment:{m['moment_id']}" for m in records["moments"]}
    referenced = set(references) | {job for job, moment in moment_jobs.items() if moment in references}
    unreferenced = [ref for ref in made if ref not in referenced and not ref.startswith("moment:")]
    reminders = Counter(
        int(task) for message in records["app_messages"] for task in REMINDER_TASK.findall(str(message["content"]))
    )
    figures = {
        "handed_over": len(rows),
        "by_purpose": dict(Counter(row.purpose for row in rows)),
        "fake_mass_sends": len(records["mass_sends"]),
        "fake_moments": len(records["moments"]),
        "fake_app_messages": len(records["app_messages"]),
        "missing_in_fake": missing,
        "made_twice_or_unknown": len(unreferenced),
        "shared_references": sum(1 for count in references.values() if count > 1),
        "wrong_recipient": wrong_person,
        "reminders_notified_twice": sum(1 for count in reminders.values() if count > 1),
    }
    figures["exactly_once"] = not any(
        figures[k]
        for k in (
            "missing_in_fake",
            "made_twice_or_unknown",
            "shared_references",
            "wrong_recipient",
            "reminders_notified_twice",
        )
    )
    return figures


# ---------------------------------------------------------------------------------- the report


def tick_line(title: str, figures: dict[str, Any]) -> str:
    return (
        f"{title:28} {figures['tick_seconds']:>8} s   fire {figures['fire_seconds']} s"
        f" (of it enqueue_due {figures['outbox_seconds']} s, {figures['fire_transactions']} txn)"
        f"  rows {figures['deliveries'] or '{}'}  auto→remind {figures['made_reminders']}"
    )


def table(report: dict[str, Any]) -> str:
    off, on, run, check = report["plan_off"], report["plan_on"], report["dispatch"], report["check"]
    handed = sum(count for key, count in report["after"].items() if key.split(":")[1] in HANDED)
    lines = [f"{'db':28} {report['db']}"]
    if off is not None:
        lines.append(tick_line("planner tick, channels off", off))
    lines.append(tick_line("planner tick, WeCom on", on))
    if off is not None:
        lines.append(
            f"{'the outbox costs the fire':28} {report['outbox_extra_seconds']:>8} s (enqueue_due on − off;"
            f" the fire steps differ by {report['fire_extra_seconds']} s)"
        )
    lines += [
        f"{'digests made at --now':28} {report['digests']:>8}",
        f"{'dispatch':28} {run['mode']}, clock {run['clock']}, batch {report['batch']}, parallel {report['parallel']}",
        f"{'handed over':28} {handed:>8} rows in {run['seconds']} s"
        + (
            f" ({run['seconds_from_first_progress']} s from the first round's write)"
            if "seconds_from_first_progress" in run
            else ""
        )
        + f" = {report['deliveries_per_second']} /s",
        f"{'rounds':28} {run['rounds']:>8}   p50 {run['round_p50_ms']} ms  p99 {run['round_p99_ms']} ms"
        f"  max {run['round_max_ms']} ms",
    ]
    if "share_claim_txn" in run:
        lines.append(
            f"{'round time shares':28} claim txn {run['share_claim_txn']} (compose {run['share_compose']})"
            f"  hand-over {run['share_handover']}  write-back {run['share_write_back']}"
        )
    lines += [
        f"{'rows after':28} {report['after']}",
        f"{'fake calls':28} {report['fake_calls']}",
        f"{'exactly once':28} {'yes' if check['exactly_once'] else 'NO'}  "
        + "  ".join(f"{k} {v}" for k, v in check.items() if k != "exactly_once"),
    ]
    return "\n".join(lines)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a database made by bench_foundation.py")
    parser.add_argument("--now", default="2026-11-23T10:00:00+08:00", help="a daytime instant: tasks fall due")
    parser.add_argument("--parallel", type=int, default=4, help="hand-overs at a time (in-process dispatcher)")
    parser.add_argument("--batch", type=int, default=20, help="rows claimed per round")
    parser.add_argument("--dispatchers", type=int, default=0, help="0: in this process; N: N `siyu dispatch`")
    parser.add_argument("--max-deliveries", type=int, default=None, help="stop after this many rows claimed")
    parser.add_argument("--fixed-clock", action="store_true", help="in-process: the clock stays at --now")
    parser.add_argument("--port", type=int, default=0, help="the fake WeCom's port (0: any free one)")
    parser.add_argument("--calls-per-minute", type=int, default=100_000, help="siyu's own WeCom limit per secret")
    parser.add_argument("--skip-off-tick", action="store_true", help="only the WeCom-on tick (dispatch runs)")
    parser.add_argument(
        "--stale-statistics", action="store_true", help="PostgreSQL: dispatch without analyzing the new outbox"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    for name in ("parallel", "batch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be 1 or more")
    if args.dispatchers < 0:
        parser.error("--dispatchers must be 0 (in this process) or more")
    now = datetime.fromisoformat(args.now)
    if now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-11-23T10:00:00+08:00")
    now_us = to_us(now)
    engine = create_engine(args.db)

    with FakeWeCom(port=args.port, auto_confirm_after_s=0.0) as fake:
        port = int(fake.base_url.rsplit(":", 1)[1])
        plan_off = None
        if not args.skip_off_tick:
            reset(engine, now_us)
            channels_off(engine, now_us)
            progress("planner tick, channels off …")
            plan_off = timed_tick(engine, now_us)
        reset(engine, now_us)
        wecom_on(engine, port=port, calls_per_minute=args.calls_per_minute, now_us=now_us)
        progress("planner tick, WeCom on …")
        plan_on = timed_tick(engine, now_us)
        if not args.stale_statistics:
            analyze_outbox(engine)
        digests = make_digests(engine, now_us)
        before = deliveries_by_status(engine)
        progress(f"dispatching {sum(before.values())} rows …")
        if args.dispatchers == 0:
            run = dispatch_here(
                engine,
                now_us=now_us,
                batch=args.batch,
                parallel=args.parallel,
                max_deliveries=args.max_deliveries,
                fixed_clock=args.fixed_clock,
            )
        else:
            run = dispatch_in_processes(
                engine,
                engine.url.render_as_string(hide_password=False),
                workers=args.dispatchers,
                batch=args.batch,
                max_deliveries=args.max_deliveries,
            )
        after = deliveries_by_status(engine)
        check = exactly_once(engine, fake)
        calls = dict(sorted(fake.calls().items()))
    engine.dispose()

    handed = sum(count for key, count in after.items() if key.split(":")[1] in HANDED)
    seconds = run.get("seconds_from_first_progress") or run["seconds"]
    report: dict[str, Any] = {
        "db": args.db.split("@")[-1],
        "dialect": engine.dialect.name,
        "now": args.now,
        "batch": args.batch,
        "parallel": args.parallel if args.dispatchers == 0 else 4,
        "dispatchers": args.dispatchers,
        "stale_statistics": args.stale_statistics,
        "calls_per_minute": args.calls_per_minute,
        "plan_off": plan_off,
        "plan_on": plan_on,
        "fire_extra_seconds": None
        if plan_off is None
        else round(plan_on["fire_seconds"] - plan_off["fire_seconds"], 2),
        "outbox_extra_seconds": (
            None if plan_off is None else round(plan_on["outbox_seconds"] - plan_off["outbox_seconds"], 3)
        ),
        "digests": digests,
        "before": before,
        "dispatch": run,
        "after": after,
        "handed_over": handed,
        "deliveries_per_second": round(handed / seconds, 1) if seconds else None,
        "fake_calls": calls,
        "check": check,
    }
    print(table(report))
    print(json.dumps(report, ensure_ascii=False, default=str))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"dispatch-{engine.dialect.name}-{stamp}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
