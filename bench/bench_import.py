"""Bulk import rate: generate customers and a JSON Lines file of events, import them into a fresh
SQLite database (or --db URL), and report events per second. Never part of the test run.

    .venv/bin/python bench/bench_import.py                      # 1,000,000 events, 100,000 customers
    .venv/bin/python bench/bench_import.py --events 200000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from siyu.core.timeutil import DEFAULT_TIMEZONE
from siyu.ingest.kinds import event_validator
from siyu.ingest.readers import open_source
from siyu.ingest.service import ImportReport, import_file
from siyu.store.db import create_engine

TYPES = ("order_paid", "friend_added", "message_received", "link_clicked")
SHANGHAI = timezone(timedelta(hours=8))


def write_customers(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            row = {"id": f"c{i:07d}", "name": f"客户{i}", "gender": "female" if i % 2 else "male", "level": i % 5}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_events(path: Path, count: int, customers: int, seed: int = 7) -> None:
    """Events a minute apart from 2026-01-01, each for a random customer, as exports write them."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            kind = TYPES[i % len(TYPES)]
            at = (start + timedelta(seconds=60 * i)).astimezone(SHANGHAI).isoformat()
            properties: dict[str, object] = {}
            if kind == "order_paid":
                properties = {
                    "order_id": f"o{i}",
                    "amount": round(rng.uniform(10, 500), 2),
                    "product": "润肤霜",
                    "shop": "天猫",
                }
            elif kind == "friend_added":
                properties = {"channel": "qr"}
            row = {
                "id": f"e{i:08d}",
                "type": kind,
                "customer": f"c{rng.randrange(customers):07d}",
                "at": at,
                "properties": properties,
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def parse_only(path: Path) -> float:
    """Seconds to read and validate the events file without a database (the Python share)."""
    validate = event_validator(ZoneInfo(DEFAULT_TIMEZONE))
    started = time.perf_counter()
    with open_source(path) as source:
        for number, values in source.rows():
            assert isinstance(values, dict)
            validate(number, values)
    return time.perf_counter() - started


def timed(label: str, run: object) -> tuple[ImportReport, float]:
    assert callable(run)
    started = time.perf_counter()
    report: ImportReport = run()
    seconds = time.perf_counter() - started
    print(
        f"{label}: {report.rows:,} rows in {seconds:.2f} s = {report.rows / seconds:,.0f} rows/s "
        f"({report.inserted:,} new, {report.unchanged_or_duplicate:,} already present)",
        flush=True,
    )
    return report, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary directory)")
    parser.add_argument("--dir", type=Path, help="where to write the data files (default: a temporary directory)")
    parser.add_argument("--profile", action="store_true", help="print the top functions of the event import")
    parser.add_argument("--stages", action="store_true", help="also time reading + validating alone (no database)")
    parser.add_argument("--again", action="store_true", help="also time a second import of the same file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="siyu-bench-") as scratch:
        directory = args.dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for leftover in directory.glob("bench.db*"):
            leftover.unlink()
        engine = create_engine(args.db or f"sqlite:///{directory / 'bench.db'}")
        customers_file, events_file = directory / "customers.jsonl", directory / "events.jsonl"
        started = time.perf_counter()
        write_customers(customers_file, args.customers)
        write_events(events_file, args.events, args.customers)
        size_mb = events_file.stat().st_size / 1e6
        print(
            f"generated {args.customers:,} customers and {args.events:,} events ({size_mb:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

        timed("customers", lambda: import_file(engine, "customers", customers_file))
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        report, seconds = timed("events", lambda: import_file(engine, "events", events_file))
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        if args.stages:
            parse_seconds = parse_only(events_file)
            print(
                f"read + validate alone: {args.events / parse_seconds:,.0f} rows/s "
                f"({parse_seconds:.2f} s of the {seconds:.2f} s import)"
            )
        if args.again:
            timed("events again (all already present)", lambda: import_file(engine, "events", events_file))
        engine.dispose()
        print(f"RESULT: {report.rows / seconds:,.0f} events/s ({engine.url.get_backend_name()})")


if __name__ == "__main__":
    main()
