"""API and console benchmark (issue 4): p50 / p99 latency of task list, customer search and event
ingest at a fixed request rate over loopback, then the render time of each console page.
Reports figures; never fails a suite.

    .venv/bin/python bench/bench_foundation.py --customers 1000000 --runs 1   # makes the database
    .venv/bin/python bench/bench_planner.py --db sqlite:///bench/out/bench-1000000.db   # makes tasks
    .venv/bin/python bench/bench_api.py --db sqlite:///bench/out/bench-1000000.db --rps 200 --seconds 30

The load is open-loop: request i is due at start + i / rps whatever happened to earlier ones, and
its latency counts from that due time, so a stalled server shows as queueing delay instead of
silently lowering the rate (no coordinated omission). Concurrency is bounded by --clients.
The server is `siyu serve` in its own process (no worker), so client and server do not share a GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
import sqlalchemy as sa

from siyu.accounts import users as accounts
from siyu.accounts.users import Role
from siyu.core.errors import NotFoundError
from siyu.core.timeutil import to_us
from siyu.store.db import create_engine
from siyu.store.tables import customers, sops, staff, tasks

HERE = Path(__file__).resolve().parent
BENCH_USER = "bench-operator"
BENCH_PASSWORD = "bench-operator-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Fixtures:
    token: str
    staff_ids: list[str]
    customer_ids: list[str]
    sop_ids: list[str]
    busiest_staff: str


def prepare(url: str) -> Fixtures:
    """A bench operator with a fresh API token, and ids to ask about (sampled, not loaded whole)."""
    engine = create_engine(url)
    now = to_us(datetime.now(UTC))
    with engine.begin() as conn:
        try:
            user = accounts.get_user(conn, BENCH_USER)
        except NotFoundError:  # first run on this database
            user = accounts.create_user(
                conn, username=BENCH_USER, password=BENCH_PASSWORD, role=Role.operator, now_us=now
            )
        token, _ = accounts.create_token(conn, user, name="bench", now_us=now)
        staff_ids = [str(r[0]) for r in conn.execute(sa.select(staff.c.external_id).limit(500))]
        max_id = int(conn.execute(sa.select(sa.func.max(customers.c.id))).scalar_one() or 0)
        rng = random.Random(7)
        picks = [rng.randint(1, max_id) for _ in range(2000)] if max_id else []
        customer_ids = [
            str(r[0]) for r in conn.execute(sa.select(customers.c.external_id).where(customers.c.id.in_(picks)))
        ]
        sop_ids = [str(r[0]) for r in conn.execute(sa.select(sops.c.id))]
        busiest = conn.execute(
            sa.select(staff.c.external_id)
            .join(tasks, tasks.c.executor_id == staff.c.id)
            .where(tasks.c.status == "due")
            .group_by(staff.c.external_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).scalar()
    engine.dispose()
    return Fixtures(token, staff_ids, customer_ids, sop_ids, str(busiest or staff_ids[0]))


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float, status: int | None) -> None:
        self.latencies.setdefault(name, []).append(seconds)
        if status is None:
            self.errors[name] = self.errors.get(name, 0) + 1
        else:
            by = self.statuses.setdefault(name, {})
            by[status] = by.get(status, 0) + 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# one request of the mix: (method, path with query, JSON body or None)
Request = Callable[[random.Random, int], tuple[str, str, bytes | None]]


def request_mix(fx: Fixtures) -> list[tuple[str, Request]]:
    run = uuid.uuid4().hex[:8]  # event ids new to every run (the warm-up's too)

    def task_list(rng: random.Random, _: int) -> tuple[str, str, bytes | None]:
        query = urlencode({"staff": rng.choice(fx.staff_ids), "today": "true", "limit": 50})
        return "GET", f"/api/v1/tasks?{query}", None

    def customer_search(rng: random.Random, _: int) -> tuple[str, str, bytes | None]:
        customer = rng.choice(fx.customer_ids)
        query = urlencode({"q": customer[: rng.randint(5, len(customer))], "limit": 20})
        return "GET", f"/api/v1/customers?{query}", None

    def event_ingest(rng: random.Random, i: int) -> tuple[str, str, bytes | None]:
        body = {
            "id": f"bench-{run}-{i}",
            "type": "page_viewed",
            "customer": rng.choice(fx.customer_ids),
            "at": datetime.now(UTC).isoformat(),
            "properties": {"page": "bench"},
        }
        return "POST", "/api/v1/events", json.dumps(body).encode()

    return [("task_list", task_list), ("customer_search", customer_search), ("event_ingest", event_ingest)]


class Connection:
    """One keep-alive HTTP/1.1 connection with just enough of the protocol for this bench: the
    load generator shares the machine with the server, and httpx cost more CPU per request than
    the server did (it saturated the 2 cores below 200 requests/s on its own)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, token: str) -> None:
        self.reader, self.writer = reader, writer
        self.head = f"Host: {host}\r\nAuthorization: Bearer {token}\r\nConnection: keep-alive\r\n"

    async def send(self, method: str, target: str, body: bytes | None) -> int:
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body is not None else ""
        self.writer.write(f"{method} {target} HTTP/1.1\r\n{self.head}{extra}\r\n".encode() + (body or b""))
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                raise RuntimeError("chunked answers are not expected from the API")
        await self.reader.readexactly(length)
        return status


async def drive(base: str, fx: Fixtures, *, rps: float, seconds: float, clients: int) -> Samples:
    samples = Samples()
    mix = request_mix(fx)
    host, _, port = base.removeprefix("http://").partition(":")
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(clients):
        reader, writer = await asyncio.open_connection(host, int(port))
        free.put_nowait(Connection(reader, writer, f"{host}:{port}", fx.token))
    start = time.perf_counter() + 0.5
    total = int(rps * seconds)
    rng = random.Random(11)

    async def one(i: int) -> None:
        due = start + i / rps
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        name, make = mix[i % len(mix)]
        method, target, body = make(rng, i)
        connection = await free.get()
        try:
            status: int | None = await asyncio.wait_for(connection.send(method, target, body), timeout=60)
            free.put_nowait(connection)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            status = None
            connection.writer.close()
            reader, writer = await asyncio.open_connection(host, int(port))
            free.put_nowait(Connection(reader, writer, f"{host}:{port}", fx.token))
        samples.add(name, time.perf_counter() - due, status)

    await asyncio.gather(*(one(i) for i in range(total)))
    while not free.empty():
        free.get_nowait().writer.close()
    return samples


def console_pages(base: str, fx: Fixtures, *, repeats: int) -> dict[str, dict[str, float]]:
    """Median and worst render time of each console page, signed in as the bench operator."""
    pages = ["/", "/sops", "/customers", f"/customers?q={fx.customer_ids[0][:6]}", f"/customers/{fx.customer_ids[0]}"]
    pages += [f"/sops/{fx.sop_ids[0]}"] if fx.sop_ids else []
    result: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        login = client.post("/login", data={"username": BENCH_USER, "password": BENCH_PASSWORD})
        if login.status_code >= 400:
            raise SystemExit(f"bench login failed: {login.status_code}")
        for path in pages:
            times = []
            status = 0
            for _ in range(repeats):
                began = time.perf_counter()
                status = client.get(path).status_code
                times.append(time.perf_counter() - began)
            result[path] = {
                "status": status,
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=f"sqlite:///{HERE / 'out' / 'bench-1000000.db'}")
    parser.add_argument("--rps", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30, help="length of the load (bounded)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent connections (bounded)")
    parser.add_argument("--page-repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="server processes (siyu serve --workers)")
    args = parser.parse_args()
    seconds = min(args.seconds, 300)
    clients = max(1, min(args.clients, 256))

    fx = prepare(args.db)
    port = free_port()
    env = {**os.environ, "SIYU_DATABASE_URL": args.db}
    server = subprocess.Popen(
        [sys.executable, "-m", "siyu", "serve", "--no-worker", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        asyncio.run(drive(base, fx, rps=args.rps, seconds=2, clients=clients))  # warm caches and connections
        samples = asyncio.run(drive(base, fx, rps=args.rps, seconds=seconds, clients=clients))
        pages = console_pages(base, fx, repeats=args.page_repeats)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report: dict[str, Any] = {
        "db": args.db,
        "rps": args.rps,
        "seconds": seconds,
        "clients": clients,
        "server_processes": args.workers,
        "api": {},
    }
    for name, values in samples.latencies.items():
        report["api"][name] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
            "statuses": samples.statuses.get(name, {}),
            "transport_errors": samples.errors.get(name, 0),
        }
    report["console_pages"] = pages
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
