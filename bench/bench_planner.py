"""Planner benchmark (issue 3): a full tick over a brand with every scenario SOP enabled, then a
second tick with nothing changed; wall time and peak memory of each tick's own process.
Reports figures; never fails a suite.

    .venv/bin/python bench/bench_foundation.py --customers 1000000 --runs 1   # makes the database
    .venv/bin/python bench/bench_planner.py --db sqlite:///bench/out/bench-1000000.db

Each run first clears what the planner made before (tasks, entries, planner state) and applies
the scenario pack, so runs can be repeated on the same database.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from siyu.core.timeutil import to_us
from siyu.sops import repo as sops
from siyu.store.db import create_engine

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "shared" / "scenarios" / "sops"
EXAMPLES = HERE.parent / "examples" / "sops"
PLANNER_TABLES = ("task_changes", "tasks", "sop_entries", "sop_state")


def reset(url: str, now: datetime) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in PLANNER_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("DELETE FROM sop_versions")
        conn.exec_driver_sql("DELETE FROM sops")
        pack = SCENARIOS if SCENARIOS.is_dir() else EXAMPLES
        sops.apply(conn, [pack], now_us=to_us(now))
    engine.dispose()


def timed_tick(url: str, now: datetime) -> dict[str, object]:
    """`siyu plan` in its own process: its wall time and its peak resident memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "siyu", "--db", url, "plan", "--now", now.isoformat(), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads(done.stdout)
    # RUSAGE_CHILDREN keeps the largest child so far: a smaller later child reads as the earlier peak
    return {
        "seconds": round(seconds, 2),
        "peak_mib_at_least": round(max(peak, before) / 1024),
        "steps": report["steps"],
        "step_seconds": report["step_seconds"],
    }


def counts(url: str) -> dict[str, object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tasks = {
            str(row[0]): int(row[1])
            for row in conn.execute(sa.text("SELECT status, count(*) FROM tasks GROUP BY status"))
        }
        entries = conn.execute(sa.text("SELECT count(*) FROM sop_entries")).scalar_one()
        customers = conn.execute(sa.text("SELECT count(*) FROM customers")).scalar_one()
    engine.dispose()
    return {"customers": customers, "entries": entries, "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a database made by bench_foundation.py (or `siyu demo`)")
    parser.add_argument("--now", default="2026-11-22T21:00:00+08:00", help="the full tick's instant")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    reset(args.db, now)
    full = timed_tick(args.db, now)
    print(f"full tick: {full['seconds']} s, peak ≥ {full['peak_mib_at_least']} MiB", flush=True)
    # the same hour a minute later, nothing new imported
    again = timed_tick(args.db, now + timedelta(minutes=1))
    print(f"no-change tick: {again['seconds']} s", flush=True)
    report = {
        "db": args.db.split("@")[-1],
        "now": args.now,
        "full_tick": full,
        "no_change_tick": again,
        "ratio": round(float(again["seconds"]) / float(full["seconds"]), 3),  # type: ignore[arg-type]
        **counts(args.db),
    }
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"planner-{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
