"""A hostile body against a running server: `siyu serve` in a subprocess, a 400 MB body sent
chunked (no Content-Length) to an unauthenticated path, while another client keeps asking for the
login page. Prints the server's resident memory (now and peak, from /proc), how much of the body
the server took before it answered, its answer, and the latency of the concurrent GETs.

    PYTHONPATH=src python bench/bench_hostile_body.py [--mb 400] [--path /api/v1/session]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

CHUNK = 256 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in KiB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def send_hostile(port: int, path: str, total: int, outcome: dict[str, Any]) -> None:
    """POST `total` bytes of JSON-looking data chunked; record bytes sent and the status line."""
    sent = 0
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        block = b"%x\r\n" % CHUNK + b"[" * CHUNK + b"\r\n"
        try:
            while sent < total:
                conn.sendall(block)
                sent += CHUNK
            conn.sendall(b"0\r\n\r\n")
        except OSError as exc:  # the server answered and closed the connection
            outcome["closed_by_server"] = type(exc).__name__
        outcome["bytes_sent"] = sent
        conn.settimeout(30)
        try:
            answer = conn.recv(4096).decode("latin-1")
            outcome["status_line"] = answer.split("\r\n", 1)[0]
        except OSError as exc:
            outcome["status_line"] = f"(no answer: {type(exc).__name__})"
    outcome["seconds"] = round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=400, help="size of the hostile body, in MB (bounded to 2000)")
    parser.add_argument("--path", default="/api/v1/session", help="an unauthenticated path that takes a body")
    args = parser.parse_args()
    total = min(args.mb, 2000) * 1_000_000
    folder = Path(tempfile.mkdtemp(prefix="siyu-hostile-"))
    env = {**os.environ, "SIYU_DATABASE_URL": f"sqlite:///{folder / 'siyu.db'}"}
    subprocess.run([sys.executable, "-m", "siyu", "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "siyu", "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
        idle = memory_kb(server.pid)
        outcome: dict[str, Any] = {}
        hostile = threading.Thread(target=send_hostile, args=(port, args.path, total, outcome))
        hostile.start()
        latencies: list[float] = []
        peak_rss = 0
        with httpx.Client(base_url=base, timeout=60) as client:
            while hostile.is_alive() or len(latencies) < 20:
                started = time.perf_counter()
                client.get("/login").raise_for_status()
                latencies.append(time.perf_counter() - started)
                peak_rss = max(peak_rss, memory_kb(server.pid)["VmRSS"])
                time.sleep(0.05)
        hostile.join()
        after = memory_kb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    report = {
        "hostile_body_mb": total // 1_000_000,
        "path": args.path,
        "answer": outcome.get("status_line"),
        "body_mb_sent_before_close": round(outcome.get("bytes_sent", 0) / 1_000_000, 1),
        "closed_by_server": outcome.get("closed_by_server"),
        "hostile_seconds": outcome.get("seconds"),
        "server_rss_idle_mb": round(idle["VmRSS"] / 1024, 1),
        "server_rss_sampled_peak_mb": round(peak_rss / 1024, 1),
        "server_rss_high_water_mb": round(after["VmHWM"] / 1024, 1),
        "concurrent_gets": len(latencies),
        "get_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "get_max_ms": round(latencies[-1] * 1000, 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
