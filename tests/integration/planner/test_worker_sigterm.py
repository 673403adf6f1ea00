"""`siyu worker` runs ticks until SIGTERM, then finishes the step under way and exits cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at


def test_sigterm_stops_the_worker_after_its_step(sqlite_engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", birthday=date(1990, 11, 21))
    brand.write(sqlite_engine, tmp_path)
    apply_sops(sqlite_engine, SCENARIOS / "06-birthday.yaml", now=at("2026-11-20 12:00"))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    worker = subprocess.Popen(
        [sys.executable, "-m", "siyu", "--db", url, "worker", "--interval", "0.2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stderr is not None
    first = worker.stderr.readline()  # the first tick has finished
    assert first.startswith("tick "), first
    time.sleep(0.3)
    worker.send_signal(signal.SIGTERM)
    code = worker.wait(timeout=30)
    rest = worker.stderr.read()
    assert code == 0, rest
    assert "received signal 15" in rest
    assert rest.rstrip().endswith("worker stopped")
