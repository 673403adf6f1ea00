"""Tasks: list with filters, one task with its history, done and skip.

A staff user sees and changes only the tasks they execute; another's task answers 404, as if it
did not exist, so ids leak nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.delivery import deliveries as delivery_service
from siyu.tasks import queries as task_service
from siyu.tasks import status as task_status
from siyu.web.deps import AnyUser, Caller, Db, NowUs, ReaderLocale
from siyu.web.paging import PagingQuery, page
from siyu.web.params import BigRowId
from siyu.web.scope import limited_to

router = APIRouter(tags=["tasks"])


class TaskOut(BaseModel):
    id: int
    sop: str
    sop_version: int
    step: str
    target_type: str
    target: str | None
    executor: str | None
    due_at: str
    status: str
    variant: str | None
    channel: str
    mode: str
    content: Any
    reason: str | None = Field(
        description="Why it was deferred, skipped, cancelled or failed, in the reader's language"
    )
    scheduled_at: str
    entry: int


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_offset: int | None


class TaskDetail(TaskOut):
    history: list[dict[str, Any]]
    deliveries: list[dict[str, Any]] = Field(
        description="What channels did with it: the send (auto), the reminder (remind), with status and errors"
    )
    overdue: bool


class SkipIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why the task is skipped (kept in its history)")


def _visible(conn: Any, who: Caller, task_id: int, locale: str) -> dict[str, Any]:
    return task_service.get_task(conn, task_id, locale, executor_id=limited_to(who))


def _detail(conn: Any, task: dict[str, Any], now: int, locale: str) -> dict[str, Any]:
    overdue = task["status"] == TaskStatus.due.value and task_service.due_us(task) < now
    return {
        **task,
        "history": task_service.history(conn, task["id"], locale),
        "deliveries": delivery_service.of_task(conn, task["id"]),
        "overdue": overdue,
    }


@router.get("/tasks", response_model=TaskPage, summary="List tasks")
def list_tasks(
    conn: Db,
    who: AnyUser,
    at: PagingQuery,
    now: NowUs,
    locale: ReaderLocale,
    staff: Annotated[str | None, Query(description="Executor's staff id (a staff user always sees their own)")] = None,
    status: TaskStatus | None = None,
    sop: str | None = None,
    due_from: Annotated[datetime | None, Query(description="Due at or after (ISO 8601)")] = None,
    due_before: Annotated[datetime | None, Query(description="Due before (ISO 8601)")] = None,
    today: Annotated[bool, Query(description="Only tasks due today in the brand's time zone")] = False,
) -> dict[str, Any]:
    if limited_to(who) is not None:
        staff = None  # a staff user sees their own tasks, whatever `staff` says
    for name, value in (("due_from", due_from), ("due_before", due_before)):
        if value is not None and value.tzinfo is None:
            raise ValidationError([Problem(name, "give the instant with its offset, e.g. 2026-11-22T09:00:00+08:00")])
    due_from_us = to_us(due_from) if due_from else None
    due_before_us = to_us(due_before) if due_before else None
    if today:
        zone = brand_settings.load(conn).zone
        start = from_us(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
        due_from_us = to_us(start)
        due_before_us = to_us(start + timedelta(days=1))
    rows = task_service.list_tasks(
        conn,
        task_service.TaskFilter(
            staff=staff,
            executor_id=limited_to(who),
            status=status,
            sop=sop,
            due_from_us=due_from_us,
            due_before_us=due_before_us,
            limit=at.fetch,
            offset=at.offset,
            locale=locale,
        ),
    )
    return page(rows, at)


@router.get("/tasks/{task_id}", response_model=TaskDetail, summary="One task with its history")
def get_task(task_id: BigRowId, conn: Db, who: AnyUser, now: NowUs, locale: ReaderLocale) -> dict[str, Any]:
    return _detail(conn, _visible(conn, who, task_id, locale), now, locale)


def _change(
    conn: Any, who: Caller, task_id: int, wanted: TaskStatus, now: int, reason: str | None, locale: str
) -> dict[str, Any]:
    _visible(conn, who, task_id, locale)
    changed = task_status.change(conn, task_id, wanted, actor=who.user, now_us=now, reason=reason)
    return _detail(conn, task_service.get_task(conn, changed["id"], locale), now, locale)


@router.post("/tasks/{task_id}/done", response_model=TaskDetail, summary="Mark a task done")
def mark_done(task_id: BigRowId, conn: Db, who: AnyUser, now: NowUs, locale: ReaderLocale) -> dict[str, Any]:
    return _change(conn, who, task_id, TaskStatus.done, now, None, locale)


@router.post("/tasks/{task_id}/skip", response_model=TaskDetail, summary="Skip a task, with the reason")
def skip(task_id: BigRowId, body: SkipIn, conn: Db, who: AnyUser, now: NowUs, locale: ReaderLocale) -> dict[str, Any]:
    return _change(conn, who, task_id, TaskStatus.skipped, now, body.reason, locale)
