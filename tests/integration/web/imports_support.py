"""Uploading files to import in web tests, and waiting (bounded) for their jobs to end."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from siyu.store.tables import customers

WAIT_S = 30.0


def use_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads and rejected rows go to this test's own folder (call it from an autouse fixture)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SIYU_DATA_DIR", str(folder))
    return folder


def upload(client: TestClient, kind: str, path: Path, *, skip_invalid: bool = False, name: str | None = None) -> Any:
    with path.open("rb") as handle:
        return client.post(
            "/api/v1/imports",
            data={"kind": kind, "skip_invalid": "true" if skip_invalid else "false"},
            files={"file": (name or path.name, handle, "application/octet-stream")},
        )


def wait_done(client: TestClient, job_id: int, prefix: str = "/api/v1/imports") -> dict[str, Any]:
    """The job once it is done or failed; fails the test after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while True:
        job: dict[str, Any] = client.get(f"{prefix}/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"import job {job_id} still {job['status']} after {WAIT_S} s"
        time.sleep(0.05)


def customer_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(customers.c.external_id)).scalars())
