"""An import job is audited by the service that saves it (import.start), whoever starts it: the
same entry for a console user and for a command-line actor, written in the job's transaction."""

from __future__ import annotations

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.accounts import audit
from siyu.accounts.actors import CliActor
from siyu.core.errors import ValidationError
from siyu.ingest import jobs
from siyu.store.tables import import_jobs

NOW = 1_764_000_000_000_000
ZONE = ZoneInfo("Asia/Shanghai")


def test_a_job_started_from_the_command_line_is_audited(engine: Engine, tmp_path: Path) -> None:
    with engine.begin() as conn:
        job_id = jobs.create_job(
            conn,
            kind="customers",
            filename="客户 list.csv",
            stream=io.BytesIO(b"external_id,name\nc1,Li\n"),
            skip_invalid=True,
            actor=CliActor("ops-wang"),
            now_us=NOW,
            directory=tmp_path,
        )
    with engine.connect() as conn:
        (entry,) = audit.entries(conn, ZONE, subject_type="import", subject_id=str(job_id))
        created_by = conn.execute(sa.select(import_jobs.c.created_by).where(import_jobs.c.id == job_id)).scalar()
    assert (entry["actor"], entry["action"]) == ("cli@ops-wang", "import.start")
    assert entry["detail"] == {"kind": "customers", "filename": jobs.safe_filename("客户 list.csv"), "skip_invalid": True}
    assert created_by is None


def test_a_refused_upload_writes_no_audit_entry(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ValidationError), engine.begin() as conn:
        jobs.create_job(
            conn,
            kind="customers",
            filename="notes.txt",
            stream=io.BytesIO(b"hello"),
            skip_invalid=False,
            actor=CliActor("ops-wang"),
            now_us=NOW,
            directory=tmp_path,
        )
    with engine.connect() as conn:
        assert audit.entries(conn, ZONE, subject_type="import") == []
