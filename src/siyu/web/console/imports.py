"""The import page: upload a file, follow its job (a progress bar htmx polls every second until
the job ends), read its problems with their rows and columns, download the rejected rows.

Operators and admins only; the jobs are those of `ingest.jobs` (the API's too)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from siyu.brand import settings as brand_settings
from siyu.core.errors import ValidationError
from siyu.ingest import jobs as import_jobs
from siyu.ingest.service import KINDS
from siyu.web.common.imports import JobId, start_job
from siyu.web.deps import Caller, Db, NowUs, Operator
from siyu.web.templating import render

router = APIRouter()

PAGE_SIZE = 20


def human_size(count: int) -> str:
    """1536 → 1.5 KB (a file's size as people read it)."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _list_page(
    request: Request,
    conn: Db,
    who: Caller,
    now: int,
    offset: int,
    *,
    problems: list[Any] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    jobs = import_jobs.list_jobs(conn, now_us=now, limit=PAGE_SIZE + 1, offset=offset)
    context = {
        "caller": who,
        "jobs": jobs[:PAGE_SIZE],
        "next_offset": offset + PAGE_SIZE if len(jobs) > PAGE_SIZE else None,
        "prev_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "kinds": KINDS,
        "zone": brand_settings.load(conn).zone,
        "size": human_size,
        "problems": problems or [],
        "form": form or {"kind": "customers", "skip_invalid": False},
    }
    return render(request, "imports/list.html", context, status=status)


@router.get("/imports", response_class=HTMLResponse)
def imports_page(
    request: Request, conn: Db, who: Operator, now: NowUs, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0
) -> Response:
    return _list_page(request, conn, who, now, offset)


@router.post("/imports", response_class=HTMLResponse)
def upload(
    request: Request,
    background: BackgroundTasks,
    conn: Db,
    who: Operator,
    now: NowUs,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    skip_invalid: Annotated[bool, Form()] = False,
) -> Response:
    try:
        job_id = start_job(request, background, conn, who, now, kind=kind, upload=file, skip_invalid=skip_invalid)
    except ValidationError as exc:
        form = {"kind": kind, "skip_invalid": skip_invalid}
        return _list_page(request, conn, who, now, 0, problems=exc.problems, form=form, status=422)
    return RedirectResponse(f"/imports/{job_id}", status_code=303)


def _job_context(conn: Db, who: Caller, job_id: int, now: int) -> dict[str, Any]:
    return {
        "caller": who,
        "job": import_jobs.get_job(conn, job_id, now_us=now),
        "zone": brand_settings.load(conn).zone,
        "size": human_size,
    }


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId, conn: Db, who: Operator, now: NowUs) -> Response:
    return render(request, "imports/job.html", _job_context(conn, who, job_id, now))


@router.get("/imports/{job_id}/progress", response_class=HTMLResponse)
def job_progress(request: Request, job_id: JobId, conn: Db, who: Operator, now: NowUs) -> Response:
    """The job's state as a fragment; it polls itself again while the job is queued or running."""
    return render(request, "imports/_progress.html", _job_context(conn, who, job_id, now))


@router.get("/imports/{job_id}/rejected")
def rejected_rows(job_id: JobId, conn: Db, who: Operator) -> Response:
    path, name, media_type = import_jobs.rejected_download(conn, job_id)
    return FileResponse(path, filename=name, media_type=media_type)
