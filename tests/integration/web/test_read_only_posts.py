"""On SQLite a POST that only reads (draft checks and previews) does not wait for the write lock
the worker may hold, while a POST that writes waits its turn rather than failing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.support.web import WELCOME_SOP, Web, web_for


@pytest.fixture
def sqlite_web(sqlite_engine: Engine, tmp_path: Path) -> Iterator[Web]:
    yield from web_for(sqlite_engine, tmp_path)


def _hold_write_lock(engine: Engine, seconds: float, held: threading.Event) -> None:
    with engine.execution_options(siyu_begin="IMMEDIATE").connect() as conn:
        transaction = conn.begin()  # BEGIN IMMEDIATE: SQLite's write lock until the rollback
        held.set()
        time.sleep(seconds)
        transaction.rollback()


def test_a_draft_check_answers_while_another_writer_holds_the_lock(sqlite_web: Web) -> None:
    client = sqlite_web.api("operator")
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(sqlite_web.engine, 3.0, held))
    holder.start()
    assert held.wait(5)
    began = time.monotonic()
    answer = client.post("/api/v1/sop-drafts/validate", json={"source": WELCOME_SOP})
    took = time.monotonic() - began
    holder.join()
    assert answer.status_code == 200 and answer.json()["ok"] is True
    assert took < 2.0


def test_a_write_waits_for_the_lock_and_then_succeeds(sqlite_web: Web) -> None:
    client = sqlite_web.api("staff1")
    task = client.get("/api/v1/tasks").json()["items"][0]
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(sqlite_web.engine, 1.5, held))
    holder.start()
    assert held.wait(5)
    began = time.monotonic()
    answer = client.post(f"/api/v1/tasks/{task['id']}/done")
    took = time.monotonic() - began
    holder.join()
    assert answer.status_code == 200
    assert took >= 1.0
