"""Import jobs: a file uploaded in the console or the API, imported in the background.

A job is a row of `import_jobs`. Creating one saves the upload under the data directory
(`SIYU_DATA_DIR`; by default `<database file>-data/` beside a SQLite file, e.g. `siyu.db-data/`,
or `siyu-data/` in the system's temporary directory for PostgreSQL) and queues it; one background thread per process
runs the queued jobs one after another with `ingest.service.import_file`, so a job imports all or
nothing exactly as `siyu import` does, with the same located problems and rejected-rows file.

Progress is counted in bytes of the file (the rows are only known once read). The thread keeps
it in memory for the jobs it runs; on PostgreSQL it also writes it to the row, in a small
transaction of its own at most every half second, so that another server process sees it. SQLite
has a single writer and the import's transaction holds it until the end, so there the row gets
the progress when the job ends and a live view comes from the process that runs the job (serve a
SQLite database from one process).

A job that shows no sign of life for STALE_AFTER_US (its process died) reads as failed
("interrupted"): the import is one transaction, so nothing of it was written.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.timeutil import US_PER_SECOND, to_us
from siyu.ingest.readers import FORMATS
from siyu.ingest.service import KINDS, import_file
from siyu.ingest.zip_limits import check_xlsx_archive
from siyu.store.tables import import_jobs, users

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Runner = Callable[[Engine, int, Clock], None]  # starts (or runs) a queued job

STATUSES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")
KEPT_PROBLEMS = 200  # the first located problems are kept with the job; the rest are counted
PROGRESS_EVERY_S = 0.5
STALE_AFTER_US = 15 * 60 * US_PER_SECOND
MAX_UPLOAD_BYTES = 100 * 1024**2  # SIYU_MAX_UPLOAD_BYTES overrides it
CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^\w.\- ()]+")


# ---------------------------------------------------------------- where uploads go


def data_dir(engine: Engine) -> Path:
    """SIYU_DATA_DIR, else `siyu.db-data/` beside a SQLite database file, else the temp dir."""
    configured = os.environ.get("SIYU_DATA_DIR")
    if configured:
        return Path(configured).resolve()
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).resolve()
        return path.with_name(f"{path.name}-data")
    return Path(tempfile.gettempdir()) / "siyu-data"


def safe_filename(name: str) -> str:
    """The base name of an uploaded file, with only harmless characters (CJK letters stay)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")
    return cleaned[-120:] or "upload"


def max_upload_bytes() -> int:
    configured = os.environ.get("SIYU_MAX_UPLOAD_BYTES", "")
    return int(configured) if configured.isdigit() else MAX_UPLOAD_BYTES


def _save(stream: IO[bytes], folder: Path, name: str) -> int:
    folder.mkdir(parents=True)
    limit = max_upload_bytes()
    size = 0
    with (folder / name).open("wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ValidationError([Problem("file", f"the file is larger than {limit} bytes")])
            out.write(chunk)
    if size == 0:
        raise ValidationError([Problem("file", "empty file")])
    return size


# ---------------------------------------------------------------- creating a job


def check_upload(kind: str, filename: str) -> str:
    """The file's format; a located problem for an unknown kind or file type."""
    problems = []
    if kind not in KINDS:
        problems.append(Problem("kind", f"unknown import kind {kind!r} (expected one of: {', '.join(KINDS)})"))
    fmt = FORMATS.get(PurePosixPath(filename).suffix.lower())
    if fmt is None:
        problems.append(Problem("file", "unknown file type (expected .csv, .jsonl, .json or .xlsx)"))
    if problems:
        raise ValidationError(problems)
    assert fmt is not None
    return fmt


def create_job(
    conn: Connection,
    *,
    kind: str,
    filename: str,
    stream: IO[bytes],
    skip_invalid: bool,
    actor: Actor,
    now_us: int,
    directory: Path,
) -> int:
    """Save the upload and queue its job, audited as import.start (the caller starts it once this
    transaction commits)."""
    name = safe_filename(filename)
    fmt = check_upload(kind, name)
    folder = directory / "imports" / secrets.token_hex(8)
    try:
        size = _save(stream, folder, name)
        if fmt == "xlsx":
            check_xlsx_archive(folder / name, "file")  # refused at upload, not later in the job
        reap_stale(conn, now_us=now_us)
        job_id: int = conn.execute(
            sa.insert(import_jobs)
            .values(
                kind=kind,
                filename=name,
                format=fmt,
                status="queued",
                skip_invalid=skip_invalid,
                upload_path=str(folder / name),
                bytes_total=size,
                bytes_done=0,
                problem_count=0,
                created_by=actor.id,
                created_at=now_us,
                heartbeat_at=now_us,
            )
            .returning(import_jobs.c.id)
        ).scalar_one()
        audit.record(
            conn,
            actor=actor,
            action="import.start",
            subject_type="import",
            subject_id=str(job_id),
            now_us=now_us,
            detail={"kind": kind, "filename": name, "skip_invalid": skip_invalid},
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_id


# ---------------------------------------------------------------- running a job

_live_lock = threading.Lock()
_live: dict[tuple[int, int], int] = {}  # (id(engine), job id) → bytes read, for jobs of this process


def _key(engine: Engine, job_id: int) -> tuple[int, int]:
    return (id(engine), job_id)


def _set_live(engine: Engine, job_id: int, done: int) -> None:
    with _live_lock:
        _live[_key(engine, job_id)] = done


def _live_of(engine: Engine) -> dict[int, int]:
    me = id(engine)
    with _live_lock:
        return {job: done for (owner, job), done in _live.items() if owner == me}


def _forget(engine: Engine, job_id: int) -> None:
    with _live_lock:
        _live.pop(_key(engine, job_id), None)


def locate(where: str, upload: str, filename: str) -> dict[str, Any]:
    """A problem's place in the file as the person who uploaded it knows it: `name:row:column`."""
    row: int | None = None
    column: str | None = None
    if where.startswith(upload):
        rest = where[len(upload) :]
        where = filename + rest
        parts = rest[1:].split(":", 1) if rest.startswith(":") else []
        if parts and parts[0].isdigit():
            row = int(parts[0])
            column = parts[1] if len(parts) > 1 and parts[1] else None
    return {"where": where, "row": row, "column": column}


def run_job(engine: Engine, job_id: int, clock: Clock) -> None:
    """Run one queued job to its end in this thread; every outcome is written to its row."""
    _set_live(engine, job_id, 0)
    try:
        _run(engine, job_id, clock)
    except Exception:
        log.exception("import job %s could not record its outcome", job_id)
    finally:
        _forget(engine, job_id)


def _run(engine: Engine, job_id: int, clock: Clock) -> None:
    with engine.begin() as conn:
        started = to_us(clock())
        claimed = conn.execute(
            sa.update(import_jobs)
            .where(import_jobs.c.id == job_id, import_jobs.c.status == "queued")
            .values(status="running", started_at=started, heartbeat_at=started)
        ).rowcount
        job = conn.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id)).first()
    if not claimed or job is None:
        return
    upload = Path(job.upload_path)
    writes_progress = engine.dialect.name != "sqlite"
    last_write = time.monotonic()

    def progress(done: int, _total: int) -> None:
        nonlocal last_write
        _set_live(engine, job_id, done)
        if writes_progress and time.monotonic() - last_write >= PROGRESS_EVERY_S:
            last_write = time.monotonic()
            with engine.begin() as side:
                side.execute(
                    sa.update(import_jobs)
                    .where(import_jobs.c.id == job_id)
                    .values(bytes_done=done, heartbeat_at=to_us(clock()))
                )

    values: dict[str, Any]
    try:
        # On SQLite the import takes the write lock at BEGIN: it reads the settings first, and a
        # deferred transaction could not upgrade to writing after another writer committed.
        # It waits as long as another writer (a CLI import) holds the lock, rather than fail at the
        # busy timeout.
        importer = engine.execution_options(
            siyu_begin="IMMEDIATE",
            siyu_wait_note=lambda: log.info("import job %s waits for the database: another writer holds it", job_id),
        )
        report = import_file(importer, job.kind, upload, skip_invalid=job.skip_invalid, progress=progress)
    except ValidationError as exc:
        located = [{**locate(p.where, str(upload), job.filename), "message": p.message} for p in exc.problems]
        values = {"status": "failed", "failure": "invalid", "problems": located[:KEPT_PROBLEMS]}
        values["problem_count"] = len(located)
    except Exception:
        log.exception("import job %s failed", job_id)
        values = {"status": "failed", "failure": "internal"}
    else:
        values = {
            "status": "done",
            "bytes_done": job.bytes_total,
            "rows": report.rows,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged_or_duplicate,
            "rejected": report.rejected,
            "rejected_file": str(report.rejected_file) if report.rejected_file else None,
        }
    finally:
        upload.unlink(missing_ok=True)
    finished = to_us(clock())
    with engine.begin() as conn:
        conn.execute(
            sa.update(import_jobs)
            .where(import_jobs.c.id == job_id)
            .values(**values, finished_at=finished, heartbeat_at=finished)
        )


class _Worker:
    """One daemon thread per process runs queued jobs in order; it ends when idle and a new one
    starts with the next job. A daemon, so stopping the server abandons an import under way,
    whose transaction then rolls back."""

    IDLE_S = 5.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Engine, int, Clock]] = queue.Queue()
        self._thread: threading.Thread | None = None

    def submit(self, engine: Engine, job_id: int, clock: Clock) -> None:
        _set_live(engine, job_id, 0)
        with self._lock:
            self._queue.put((engine, job_id, clock))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="siyu-imports", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            try:
                engine, job_id, clock = self._queue.get(timeout=self.IDLE_S)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            run_job(engine, job_id, clock)


_worker = _Worker()


def run_in_background(engine: Engine, job_id: int, clock: Clock) -> None:
    """The default runner: queue the job for this process's import thread."""
    _worker.submit(engine, job_id, clock)


# ---------------------------------------------------------------- reading jobs

FAILURES = {
    "invalid": "{count} problem(s); nothing was written",
    "interrupted": "the server stopped before the import finished; nothing of it was written (upload the file again)",
    "internal": "the import stopped on an unexpected error (see the server log); nothing was written",
}


def _stale(row: Any, now_us: int, live: dict[int, int]) -> bool:
    return row.status in ACTIVE and row.id not in live and row.heartbeat_at < now_us - STALE_AFTER_US


def reap_stale(conn: Connection, *, now_us: int) -> int:
    """Record as failed the jobs whose process died (see module docstring)."""
    live = list(_live_of(conn.engine))
    query = (
        sa.update(import_jobs)
        .where(import_jobs.c.status.in_(ACTIVE), import_jobs.c.heartbeat_at < now_us - STALE_AFTER_US)
        .values(status="failed", failure="interrupted", finished_at=now_us)
    )
    if live:
        query = query.where(import_jobs.c.id.not_in(live))
    return conn.execute(query).rowcount


def _query() -> sa.Select[Any]:
    return sa.select(import_jobs, users.c.username).select_from(
        import_jobs.outerjoin(users, users.c.id == import_jobs.c.created_by)
    )


def _present(row: Any, now_us: int, live: dict[int, int], *, problems: bool) -> dict[str, Any]:
    status, failure = row.status, row.failure
    done_bytes = row.bytes_done
    if _stale(row, now_us, live):
        status, failure = "failed", "interrupted"
    elif row.status in ACTIVE and row.id in live:
        done_bytes = max(done_bytes, live[row.id])
    total = row.bytes_total
    percent = 100 if status == "done" else (min(99, done_bytes * 100 // total) if total else 0)
    counts = (row.inserted, row.updated, row.unchanged)
    job: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "filename": row.filename,
        "format": row.format,
        "status": status,
        "skip_invalid": bool(row.skip_invalid),
        "bytes_total": total,
        "bytes_done": done_bytes,
        "percent": percent,
        "rows": row.rows,
        "inserted": row.inserted,
        "updated": row.updated,
        "unchanged": row.unchanged,
        "accepted": sum(counts) if None not in counts else None,
        "rejected": row.rejected,
        "problem_count": row.problem_count,
        "failure": failure,
        "message": FAILURES[failure].format(count=row.problem_count) if failure in FAILURES else None,
        "has_rejected_file": row.rejected_file is not None,
        "created_by": row.username,
        "created_at": row.created_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
    }
    if problems:
        job["problems"] = list(row.problems or [])
    return job


def get_job(conn: Connection, job_id: int, *, now_us: int) -> dict[str, Any]:
    row = conn.execute(_query().where(import_jobs.c.id == job_id)).first()
    if row is None:
        raise NotFoundError(f"no import job {job_id}")
    return _present(row, now_us, _live_of(conn.engine), problems=True)


def list_jobs(conn: Connection, *, now_us: int, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Newest first (by the primary key), without the problems."""
    rows = conn.execute(_query().order_by(import_jobs.c.id.desc()).limit(limit).offset(offset))
    live = _live_of(conn.engine)
    return [_present(row, now_us, live, problems=False) for row in rows]


def rejected_download(conn: Connection, job_id: int) -> tuple[Path, str, str]:
    """The rejected rows of a job: (file, name to download it as, media type)."""
    row = conn.execute(
        sa.select(import_jobs.c.filename, import_jobs.c.rejected_file).where(import_jobs.c.id == job_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no import job {job_id}")
    if row.rejected_file is None:
        raise NotFoundError(f"import job {job_id} has no rejected rows")
    path = Path(row.rejected_file)
    if not path.is_file():
        raise NotFoundError(f"the rejected rows of import job {job_id} are no longer on the server")
    jsonl = path.suffix == ".jsonl"
    name = f"{PurePosixPath(row.filename).stem}.rejected{'.jsonl' if jsonl else '.csv'}"
    return path, name, "application/x-ndjson" if jsonl else "text/csv; charset=utf-8"
