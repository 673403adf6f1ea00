"""Foundation benchmark (issue 2): generate a demo brand, import it, and time every scenario
audience against hand-written SQL on the same database. Reports figures; never fails a suite.

    .venv/bin/python bench/bench_foundation.py --customers 1000000 [--db sqlite:///bench/out/bench.db]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor_sql import floor_queries
from siyu.audiences import query as audiences
from siyu.core.audiences import audiences_of
from siyu.core.timeutil import US_PER_DAY, local_day, to_us
from siyu.demo.generate import FILE_NAMES, IMPORT_ORDER, write_demo
from siyu.demo.world import DemoSpec
from siyu.ingest.service import import_file
from siyu.sops import repo as sops
from siyu.store.db import create_engine

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent.parent / "shared" / "scenarios" / "sops"
EXAMPLES = HERE.parent / "examples" / "sops"


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def scalar(conn: Connection, statement: str, params: dict[str, int]) -> object:
    return conn.execute(sa.text(statement), params).scalar_one()


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - started)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", default="2026-11-22T21:00:00+08:00")
    parser.add_argument("--db", default=None, help="default: a fresh SQLite file in bench/out/")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--reuse-files", action="store_true", help="skip generation if the files exist")
    parser.add_argument("--reuse-db", action="store_true", help="skip generation and import; count only")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per count (best is kept)")
    args = parser.parse_args()

    now = datetime.fromisoformat(args.now)
    args.out.mkdir(parents=True, exist_ok=True)
    data = args.out / f"demo-{args.customers}-{args.seed}"
    url = args.db or f"sqlite:///{args.out / f'bench-{args.customers}.db'}"
    report: dict[str, object] = {"customers": args.customers, "seed": args.seed, "now": args.now, "db": url}

    if not args.reuse_db:
        if not (args.reuse_files and (data / "events.jsonl").exists()):
            started = time.perf_counter()
            files = write_demo(DemoSpec(args.customers, args.seed, now), data)
            report["generate_seconds"] = round(time.perf_counter() - started, 1)
            report["rows"] = files.counts
            print(f"generated {files.counts} in {report['generate_seconds']} s", flush=True)
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                for table in ("events", "group_members", "group_roles", "group_tags", "group_attributes", "chat_groups",
                              "customer_tags", "customer_attributes", "customers", "staff_tags", "staff_roles", "staff",
                              "sop_versions", "sops"):  # fmt: skip
                    conn.exec_driver_sql(f"DELETE FROM {table}")
        imports: dict[str, dict[str, float]] = {}
        for kind in IMPORT_ORDER:
            started = time.perf_counter()
            result = import_file(engine, kind, data / FILE_NAMES[kind])
            seconds = time.perf_counter() - started
            rate = result.rows / seconds
            imports[kind] = {"rows": result.rows, "seconds": round(seconds, 2), "rows_per_second": round(rate)}
            print(f"imported {kind}: {result.rows:,} rows in {seconds:.1f} s ({rate:,.0f}/s)", flush=True)
        report["import"] = imports
    else:
        engine = create_engine(url)

    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    pack = SCENARIOS if SCENARIOS.is_dir() else EXAMPLES
    with engine.begin() as conn:
        sops.apply(conn, [pack], now_us=to_us(now))

    now_us = to_us(now)
    zone = ZoneInfo("Asia/Shanghai")
    params = {"now": now_us, "day": US_PER_DAY, "today": local_day(now_us, zone)}
    floors = floor_queries(engine.dialect.name, now.astimezone(zone).date())
    rows = []
    with engine.connect() as conn:
        for stored in sops.all_latest(conn):
            for name, audience in audiences_of(stored.sop).items():
                main = name in ("customers", "staff") or stored.sop.kind.value == "group"
                key = stored.id if main else f"{stored.id}:{name}"
                ours, count = best_of(args.runs, partial(audiences.count, conn, audience, now_us))
                floor_sql = floors.get(key)
                floor, floor_count = (float("nan"), None)
                if floor_sql:
                    floor, floor_count = best_of(args.runs, partial(scalar, conn, floor_sql, params))
                rows.append({"audience": key, "count": count, "floor_count": floor_count,
                             "seconds": round(ours, 3), "floor_seconds": round(floor, 3)})  # fmt: skip
                flag = "" if floor_count in (None, count) else "  ← COUNTS DIFFER"
                print(f"{key:34} {count:>9,}  siyu {ours:7.3f} s  hand-written {floor:7.3f} s{flag}", flush=True)
    total = sum(r["seconds"] for r in rows)  # type: ignore[misc]
    floor_total = sum(r["floor_seconds"] for r in rows if r["floor_count"] is not None)  # type: ignore[misc]
    report["audiences"] = rows
    report["count_seconds_total"] = round(total, 2)
    report["floor_seconds_total"] = round(floor_total, 2)
    report["ratio"] = round(total / floor_total, 3) if floor_total else None
    report["peak_mib"], report["children_peak_mib"] = (round(v) for v in peak_mib())
    print(json.dumps({k: v for k, v in report.items() if k != "audiences"}, ensure_ascii=False, indent=1))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"foundation-{args.customers}-{engine.dialect.name}-{stamp}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
