"""Writers to a SQLite file queue on a lock that spans threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import sqlalchemy as sa

from siyu.web.write_queue import WriteQueue, write_queue_for


def _hold(lock_file: str, seconds: float, held: multiprocessing.synchronize.Event) -> None:
    with WriteQueue(Path(lock_file)):
        held.set()
        time.sleep(seconds)


def test_a_writer_in_another_process_waits_until_the_lock_is_free(tmp_path: Path) -> None:
    lock_file = tmp_path / "db-writers.lock"
    held = multiprocessing.get_context("fork").Event()
    other = multiprocessing.get_context("fork").Process(target=_hold, args=(str(lock_file), 1.0, held))
    other.start()
    assert held.wait(10)
    began = time.monotonic()
    with WriteQueue(lock_file):
        waited = time.monotonic() - began
    other.join()
    assert 0.5 < waited < 5


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    queue = WriteQueue(tmp_path / "db-writers.lock")
    inside = 0
    most = 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        with queue:
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.01)
            with guard:
                inside -= 1

    workers = [threading.Thread(target=write) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert most == 1


def test_only_sqlite_files_get_a_file_lock(tmp_path: Path) -> None:
    assert isinstance(write_queue_for(sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")), WriteQueue)
    assert (tmp_path / "x.db-writers.lock").exists()
    assert isinstance(write_queue_for(sa.create_engine("postgresql+psycopg://u@h/d")), nullcontext)
