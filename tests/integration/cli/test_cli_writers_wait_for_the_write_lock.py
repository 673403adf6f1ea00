"""On SQLite a CLI writer (`siyu import`, `siyu plan`) that meets another writer holding the
database — the server's import — waits its turn, says so after a moment, and then finishes; it
does not die with "database is locked", and nothing either writer wrote is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store import db as store_db
from siyu.store.db import create_engine
from siyu.store.tables import staff

SRC = Path(__file__).resolve().parents[3] / "src"


def _hold_the_write_lock(url: str, seconds: float, started: threading.Event) -> threading.Thread:
    """Another process's long import: one immediate transaction that writes a staff member and
    keeps the lock for `seconds`."""

    def hold() -> None:
        other = create_engine(url)
        try:
            with other.execution_options(siyu_begin="IMMEDIATE").begin() as conn:
                conn.execute(sa.insert(staff).values(external_id="held", name="Held", created_at=1, updated_at=1))
                started.set()
                time.sleep(seconds)
        finally:
            other.dispose()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(10)
    return thread


def _staff_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.select(staff.c.external_id)).scalars())


def test_a_cli_import_in_another_process_waits_for_a_long_writer(sqlite_engine: Engine, tmp_path: Path) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    rows = tmp_path / "staff.csv"
    rows.write_text("id,name\ns1,Li\ns2,Wang\n", encoding="utf-8")
    holder = _hold_the_write_lock(url, 8.0, threading.Event())  # longer than the CLI takes to start
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-m", "siyu", "--db", url, "import", "staff", str(rows)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    holder.join()
    assert done.returncode == 0, done.stderr
    assert "waiting for the database" in done.stderr and "等待数据库" in done.stderr
    assert "database is locked" not in done.stderr
    assert _staff_ids(sqlite_engine) == {"held", "s1", "s2"}


def test_a_patient_writer_outlasts_the_busy_timeout_and_notes_it_once(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(store_db, "WAIT_NOTE_AFTER_MS", 100)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    patient = create_engine(url)
    notes: list[str] = []
    patient.update_execution_options(siyu_wait_note=lambda: notes.append("waiting"))
    try:
        holder = _hold_the_write_lock(url, 1.5, threading.Event())  # seven busy timeouts
        started = time.monotonic()
        with patient.execution_options(siyu_begin="IMMEDIATE").begin() as conn:
            conn.execute(sa.insert(staff).values(external_id="patient", name="P", created_at=1, updated_at=1))
        assert time.monotonic() - started >= 1.0
        holder.join()
        with patient.connect() as conn:  # the connection's own busy timeout is back
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
    finally:
        patient.dispose()
    assert notes == ["waiting"]
    assert _staff_ids(sqlite_engine) == {"held", "patient"}


def test_two_patient_writers_at_once_both_finish(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    failures: list[BaseException] = []

    def write(prefix: str) -> None:
        writer = create_engine(url)
        writer.update_execution_options(siyu_wait_note=lambda: None)
        try:
            for batch in range(5):
                with writer.execution_options(siyu_begin="IMMEDIATE").begin() as conn:
                    for n in range(20):
                        conn.execute(
                            sa.insert(staff).values(
                                external_id=f"{prefix}{batch}-{n}", name="x", created_at=1, updated_at=1
                            )
                        )
                    time.sleep(0.1)  # hold the lock well past the other's busy timeout
        except BaseException as exc:
            failures.append(exc)
        finally:
            writer.dispose()

    threads = [threading.Thread(target=write, args=(prefix,)) for prefix in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert len(_staff_ids(sqlite_engine)) == 200
