"""Starting an import job from an upload, as the API and the console both do: the job is saved
(`ingest.jobs.create_job`, audited as import.start) and runs in the background once the
request's transaction commits."""

from __future__ import annotations

from typing import Annotated

from fastapi import BackgroundTasks, Path, Request, UploadFile
from sqlalchemy.engine import Connection

from siyu.ingest import jobs as import_jobs
from siyu.web.deps import Caller, engine_of

JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="An import job's id")]


def start_job(
    request: Request,
    background: BackgroundTasks,
    conn: Connection,
    who: Caller,
    now: int,
    *,
    kind: str,
    upload: UploadFile,
    skip_invalid: bool,
) -> int:
    """Save the upload as a queued job (the service audits it) and start it once the request's
    transaction has committed. `app.state.import_runner` replaces the background thread (tests)."""
    engine = engine_of(request)
    job_id = import_jobs.create_job(
        conn,
        kind=kind,
        filename=upload.filename or "",
        stream=upload.file,
        skip_invalid=skip_invalid,
        actor=who.user,
        now_us=now,
        directory=import_jobs.data_dir(engine),
    )
    runner: import_jobs.Runner = getattr(request.app.state, "import_runner", import_jobs.run_in_background)
    clock: import_jobs.Clock = request.app.state.clock
    background.add_task(runner, engine, job_id, clock)
    return job_id
