"""Imports: upload a CSV / JSON Lines / XLSX file, follow its progress, fetch its rejected rows.

An upload answers 202 at once with a queued job; the file is imported in the background, all or
nothing as `siyu import` does (or only the valid rows with `skip_invalid`). Operators and admins
only: an import changes the brand's data."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.core.timeutil import from_us
from siyu.ingest import jobs as import_jobs
from siyu.web.common.imports import JobId, start_job
from siyu.web.deps import Db, NowUs, Operator
from siyu.web.paging import PagingQuery, page

router = APIRouter(tags=["imports"])


class ImportKind(StrEnum):
    """The kinds of `siyu import` (ingest.service.KINDS), in the order a first import takes."""

    staff = "staff"
    customers = "customers"
    groups = "groups"
    members = "members"
    tags = "tags"
    events = "events"


class LocatedProblem(BaseModel):
    where: str = Field(description="file:row:column as the uploaded file is named")
    row: int | None = Field(description="Spreadsheet row (header = 1) or JSON Lines line number")
    column: str | None
    message: str


class ImportJobOut(BaseModel):
    id: int
    kind: str
    filename: str
    format: str
    status: str = Field(description="queued, running, done or failed")
    skip_invalid: bool
    bytes_total: int
    bytes_done: int
    percent: int = Field(description="Progress through the file, 0–100")
    rows: int | None = Field(description="Data rows read, once done")
    inserted: int | None
    updated: int | None
    unchanged: int | None = Field(description="Entities with nothing to change; links and events already present")
    accepted: int | None = Field(description="inserted + updated + unchanged")
    rejected: int | None
    problem_count: int
    failure: str | None = Field(description="Why it failed: invalid (see problems), interrupted or internal")
    message: str | None
    rejected_url: str | None = Field(description="Where to download the rejected rows with their reasons")
    created_by: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None


class ImportJobDetail(ImportJobOut):
    problems: list[LocatedProblem] = Field(description=f"The first {import_jobs.KEPT_PROBLEMS} located problems")


class ImportJobPage(BaseModel):
    items: list[ImportJobOut]
    next_offset: int | None


def as_api(job: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    def at(us: int | None) -> str | None:
        return from_us(us, zone).isoformat() if us is not None else None

    return {
        **job,
        "created_at": at(job["created_at"]),
        "started_at": at(job["started_at"]),
        "finished_at": at(job["finished_at"]),
        "rejected_url": f"/api/v1/imports/{job['id']}/rejected" if job["has_rejected_file"] else None,
    }


@router.post("/imports", response_model=ImportJobDetail, status_code=202, summary="Upload a file to import")
def upload(
    request: Request,
    background: BackgroundTasks,
    conn: Db,
    who: Operator,
    now: NowUs,
    kind: Annotated[ImportKind, Form(description="What the file holds; import staff first, events last")],
    file: Annotated[UploadFile, File(description="A .csv, .jsonl / .json or .xlsx file (first sheet)")],
    skip_invalid: Annotated[
        bool, Form(description="Import the valid rows and keep the rejected ones with their reasons")
    ] = False,
) -> dict[str, Any]:
    job_id = start_job(
        request, background, conn, who, now, kind=str(kind.value), upload=file, skip_invalid=skip_invalid
    )
    zone = brand_settings.load(conn).zone
    return as_api(import_jobs.get_job(conn, job_id, now_us=now), zone)


@router.get("/imports", response_model=ImportJobPage, summary="Import jobs, newest first")
def list_imports(conn: Db, who: Operator, at: PagingQuery, now: NowUs) -> dict[str, Any]:
    zone = brand_settings.load(conn).zone
    rows = import_jobs.list_jobs(conn, now_us=now, limit=at.fetch, offset=at.offset)
    return page([as_api(job, zone) for job in rows], at)


@router.get("/imports/{job_id}", response_model=ImportJobDetail, summary="One import job: progress, counts, problems")
def get_import(job_id: JobId, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    zone = brand_settings.load(conn).zone
    return as_api(import_jobs.get_job(conn, job_id, now_us=now), zone)


@router.get(
    "/imports/{job_id}/rejected",
    response_class=FileResponse,
    summary="Download the rejected rows with their reasons (CSV with a BOM, or JSON Lines)",
)
def rejected_rows(job_id: JobId, conn: Db, who: Operator) -> FileResponse:
    path, name, media_type = import_jobs.rejected_download(conn, job_id)
    return FileResponse(path, filename=name, media_type=media_type)
