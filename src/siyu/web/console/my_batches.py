"""A batch on the phone (/my/tasks/batches/{id}): the tasks of one SOP step due in the same minute
as one card — the count, the script once, the customers; 逐个复制 copies each customer's own
script in turn, 全部完成 marks every open task of the batch done in one audited action.

A batch reminder's link lands here. Another staff member's batch answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from siyu.core.errors import NotFoundError, ValidationError
from siyu.tasks import batches as task_batches
from siyu.tasks.step_names import step_names
from siyu.web.console.my_tasks import Day, Item, _counts, _due_label, _items
from siyu.web.deps import AnyUser, Caller, Db, NowUs
from siyu.web.params import BigRowId
from siyu.web.templating import render

router = APIRouter()


@dataclass(frozen=True)
class BatchCard:
    summary: task_batches.BatchSummary
    time_label: str
    items: list[Item]  # the first open task's content: the script shown once
    notes: str | None
    tasks: list[task_batches.BatchTask]
    scripts: dict[int, str]  # each task's own script, for 逐个复制

    @property
    def open_tasks(self) -> list[task_batches.BatchTask]:
        return [task for task in self.tasks if task.status == "due"]


def script_of(content: dict[str, Any]) -> str:
    items = content.get("items") or []
    return "\n\n".join(str(item["text"]) for item in items if isinstance(item, dict) and "text" in item)


def _staff(who: Caller, batch_id: int) -> int:
    if who.user.staff_id is None:
        raise NotFoundError(f"no batch {batch_id}")
    return who.user.staff_id


def _card(conn: Connection, staff_id: int, batch_id: int, day: Day) -> BatchCard:
    summary, listed = task_batches.batch_of(conn, staff_id, batch_id)
    shown = next((task for task in listed if task.status == "due"), listed[0] if listed else None)
    content = shown.content if shown is not None else {}
    return BatchCard(
        summary=summary,
        time_label=_due_label(summary.slot_us, day),
        items=_items(content),
        notes=str(content["notes"]) if content.get("notes") else None,
        tasks=listed,
        scripts={task.id: script_of(task.content) for task in listed},
    )


@router.get("/my/tasks/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: BigRowId, conn: Db, who: AnyUser, now: NowUs) -> Response:
    staff_id = _staff(who, batch_id)
    day = Day.of(conn, now)
    card = _card(conn, staff_id, batch_id, day)
    names = step_names(conn, [card.summary.sop_id])
    return render(request, "my_tasks/batch.html", {"caller": who, "batch": card, "day": day, "step_names": names})


@router.post("/my/tasks/batches/{batch_id}/done", response_class=HTMLResponse)
def batch_done(request: Request, batch_id: BigRowId, conn: Db, who: AnyUser, now: NowUs) -> Response:
    staff_id = _staff(who, batch_id)
    day = Day.of(conn, now)
    try:
        done = task_batches.complete_batch(conn, staff_id, batch_id, actor=who.user, now_us=now, via="console")
    except ValidationError:
        card = _card(conn, staff_id, batch_id, day)
        context = {"caller": who, "batch": card, "error_key": "my_tasks.batch_nothing_open"}
        context["step_names"] = step_names(conn, [card.summary.sop_id])
        return render(request, "my_tasks/_batch.html", context, status=422)
    card = _card(conn, staff_id, batch_id, day)
    context = {"caller": who, "batch": card, "marked": done, "oob_counts": _counts(conn, staff_id, day)}
    context["step_names"] = step_names(conn, [card.summary.sop_id])
    return render(request, "my_tasks/_batch.html", context)
