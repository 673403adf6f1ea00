"""The staff member's task list, made for a phone: today's work grouped by SOP and step, each task
with its script to copy, and done / skip buttons that swap the card in place (htmx).

A user sees the tasks of the staff member their account is linked to (a staff user, or an
operator or admin with a staff link), and nobody else's: another's task id answers 404.

Tasks older than `late_after` are left out even while still `due`: the worker expires them on its
next tick (never sent late), and the bound keeps every query on the (executor, due) index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, ValidationError
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, to_us
from siyu.store.tables import chat_groups, customers, sops, tasks
from siyu.tasks import batches as task_batches
from siyu.tasks import status as task_status
from siyu.tasks.step_names import step_names
from siyu.web.deps import AnyUser, Caller, Db, NowUs
from siyu.web.params import BigRowId
from siyu.web.templating import render

router = APIRouter()

PAGE_SIZE = 50
MAX_OFFSET = 10_000_000
REASON_MAX = 500
Tab = Literal["todo", "done"]
View = Literal["batches", "each"]  # due tasks of a batch as one card (batches), or one card per task
FINISHED = (TaskStatus.done.value, TaskStatus.skipped.value)
SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Day:
    """The brand's local day around `now`, and how far back a still-due task is worth showing."""

    zone: ZoneInfo
    now_us: int
    start_us: int
    end_us: int
    late_from_us: int
    date: str

    @classmethod
    def of(cls, conn: Connection, now_us: int) -> Day:
        brand = brand_settings.load(conn)
        start = from_us(now_us, brand.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)  # wall-clock arithmetic: the next local midnight
        late_from = min(now_us - brand.late_after_us, to_us(start))
        return cls(brand.zone, now_us, to_us(start), to_us(end), late_from, start.date().isoformat())


@dataclass(frozen=True)
class Item:
    """One content item as the template shows it."""

    kind: str  # text | link | miniprogram | image | file | video
    text: str = ""
    title: str = ""
    url: str = ""
    safe_url: bool = False
    appid: str = ""
    page: str = ""


@dataclass(frozen=True)
class Card:
    id: int
    sop_id: str
    sop_name: str
    step_id: str
    channel: str
    mode: str
    status: str
    due_us: int
    due_label: str
    overdue: bool
    target_type: str
    target_id: str
    target_name: str
    target_url: str | None
    items: list[Item]
    notes: str | None
    visible_to: str | None
    reason: str | None  # a person's or a channel's words
    reason_code: str | None  # or siyu's reason (core.reasons), shown with `why`
    reason_params: dict[str, Any] | None
    variant: str | None

    @property
    def section(self) -> str:
        """overdue (still due from an earlier day), now (due today), later (planned for later
        today) or finished (done or skipped: the done tab)."""
        if self.status in FINISHED:
            return "finished"
        if self.overdue:
            return "overdue"
        return "later" if self.status == TaskStatus.pending.value else "now"

    @property
    def group_key(self) -> str:
        return f"{self.section}|{self.sop_id}|{self.step_id}"

    @property
    def actionable(self) -> bool:
        return self.status == TaskStatus.due.value


@dataclass
class Group:
    key: str
    section: str
    sop_id: str
    sop_name: str
    step_id: str
    channel: str
    show_section: bool
    show_heading: bool
    cards: list[Card] = field(default_factory=list)


def _items(content: Any) -> list[Item]:
    found: list[Item] = []
    if not isinstance(content, dict):
        return found
    for raw in content.get("items") or []:
        if not isinstance(raw, dict):
            continue
        if "text" in raw:
            found.append(Item("text", text=str(raw["text"])))
        elif "link" in raw:
            link = raw["link"] or {}
            url = str(link.get("url", ""))
            found.append(Item("link", title=str(link.get("title", "")), url=url, safe_url=bool(SAFE_URL.match(url))))
        elif "miniprogram" in raw:
            mini = raw["miniprogram"] or {}
            found.append(
                Item(
                    "miniprogram",
                    title=str(mini.get("title", "")),
                    appid=str(mini.get("appid", "")),
                    page=str(mini.get("page", "")),
                )
            )
        else:
            for kind in ("image", "file", "video"):
                if kind in raw:
                    found.append(Item(kind, text=str(raw[kind])))
                    break
    return found


def _condition_text(condition: Any) -> str:
    """A visible_to condition in one line, as the SOP file writes it ({tag: 会员})."""
    if isinstance(condition, dict):
        return "{" + ", ".join(f"{k}: {_condition_text(v)}" for k, v in condition.items()) + "}"
    if isinstance(condition, list):
        return "[" + ", ".join(_condition_text(v) for v in condition) + "]"
    return str(condition)


def _query(staff_id: int) -> sa.Select[Any]:
    is_customer = sa.and_(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id)
    is_group = sa.and_(tasks.c.target_type == "group", chat_groups.c.id == tasks.c.target_id)
    return (
        sa.select(
            tasks.c.id,
            tasks.c.sop_id,
            sops.c.name.label("sop_name"),
            tasks.c.step_id,
            tasks.c.channel,
            tasks.c.mode,
            tasks.c.status,
            tasks.c.due_at,
            tasks.c.target_type,
            tasks.c.content,
            tasks.c.reason,
            tasks.c.reason_code,
            tasks.c.reason_params,
            tasks.c.variant,
            customers.c.external_id.label("customer_id"),
            customers.c.name.label("customer_name"),
            chat_groups.c.external_id.label("group_id"),
            chat_groups.c.name.label("group_name"),
        )
        .select_from(
            tasks.join(sops, sops.c.id == tasks.c.sop_id)
            .outerjoin(customers, is_customer)
            .outerjoin(chat_groups, is_group)
        )
        .where(tasks.c.executor_id == staff_id)
    )


def _in_tab(query: sa.Select[Any], tab: Tab, day: Day, view: View = "each") -> sa.Select[Any]:
    # the outer due range keeps the scan on ix_tasks_executor (executor_id, due_at)
    query = query.where(tasks.c.due_at >= day.late_from_us, tasks.c.due_at < day.end_us)
    if tab == "done":
        return query.where(tasks.c.status.in_(FINISHED), tasks.c.updated_at >= day.start_us)
    if view == "batches":  # a batch's due tasks are on its card; later ones are counted per step and minute
        return query.where(tasks.c.batch_id.is_(None), tasks.c.status == TaskStatus.due.value)
    return query.where(
        sa.or_(
            tasks.c.status == TaskStatus.due.value,
            sa.and_(tasks.c.status == TaskStatus.pending.value, tasks.c.due_at >= day.start_us),
        )
    )


def _ordered(query: sa.Select[Any], day: Day) -> sa.Select[Any]:
    # the sections in Card.section's order, so each section's runs of SOP and step are contiguous
    section = sa.case(
        (tasks.c.status.in_(FINISHED), 3),
        (tasks.c.due_at < day.start_us, 0),
        (tasks.c.status == TaskStatus.pending.value, 2),
        else_=1,
    )
    return query.order_by(section, tasks.c.sop_id, tasks.c.step_id, tasks.c.due_at, tasks.c.id)


def _due_label(due_us: int, day: Day) -> str:
    moment = from_us(due_us, day.zone)
    if day.start_us <= due_us < day.end_us:
        return moment.strftime("%H:%M")
    return moment.strftime("%m-%d %H:%M")


def _card(row: Any, day: Day) -> Card:
    content = row.content if isinstance(row.content, dict) else {}
    target_url: str | None = None
    if row.target_type == "customer":
        target_id, target_name = row.customer_id or "", row.customer_name or ""
        target_url = f"/customers/{quote(target_id, safe='')}" if target_id else None
    elif row.target_type == "group":
        target_id, target_name = row.group_id or "", row.group_name or ""
    else:
        target_id, target_name = "", ""
    visible_to = content.get("visible_to")
    return Card(
        id=int(row.id),
        sop_id=str(row.sop_id),
        sop_name=str(row.sop_name),
        step_id=str(row.step_id),
        channel=str(row.channel),
        mode=str(row.mode),
        status=str(row.status),
        due_us=int(row.due_at),
        due_label=_due_label(int(row.due_at), day),
        overdue=row.status == TaskStatus.due.value and int(row.due_at) < day.start_us,
        target_type=str(row.target_type),
        target_id=target_id,
        target_name=target_name,
        target_url=target_url,
        items=_items(content),
        notes=str(content["notes"]) if content.get("notes") else None,
        visible_to=_condition_text(visible_to) if visible_to is not None else None,
        reason=row.reason,
        reason_code=row.reason_code,
        reason_params=row.reason_params,
        variant=row.variant,
    )


def _groups(cards: list[Card], after: str | None) -> list[Group]:
    """Cards in runs of the same section, SOP and step; a run that carries on from the previous
    page (`after` is its key) gets no second heading."""
    groups: list[Group] = []
    last_key = after
    last_section = after.split("|", 1)[0] if after else None
    for card in cards:
        if groups and groups[-1].key == card.group_key:
            groups[-1].cards.append(card)
            continue
        groups.append(
            Group(
                key=card.group_key,
                section=card.section,
                sop_id=card.sop_id,
                sop_name=card.sop_name,
                step_id=card.step_id,
                channel=card.channel,
                show_section=card.section != last_section,
                show_heading=card.group_key != last_key,
                cards=[card],
            )
        )
        last_key, last_section = card.group_key, card.section
    return groups


def _counts(conn: Connection, staff_id: int, day: Day) -> dict[str, int]:
    todo = _in_tab(sa.select(sa.func.count()).select_from(tasks).where(tasks.c.executor_id == staff_id), "todo", day)
    done = _in_tab(sa.select(sa.func.count()).select_from(tasks).where(tasks.c.executor_id == staff_id), "done", day)
    return {"todo": int(conn.execute(todo).scalar_one()), "done": int(conn.execute(done).scalar_one())}


def _staff_of(who: Caller) -> int | None:
    """The staff member whose tasks this user works on (any role with a staff link)."""
    return who.user.staff_id


def _own_staff(who: Caller, task_id: int) -> int:
    """The caller's staff id; without a staff link no task is theirs."""
    staff_id = _staff_of(who)
    if staff_id is None:
        raise NotFoundError(f"no task {task_id}")
    return staff_id


def _own_card(conn: Connection, staff_id: int, task_id: int, day: Day) -> Card:
    row = conn.execute(_query(staff_id).where(tasks.c.id == task_id)).first()
    if row is None:
        raise NotFoundError(f"no task {task_id}")
    return _card(row, day)


@router.get("/my/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request,
    conn: Db,
    who: AnyUser,
    now: NowUs,
    tab: Tab = "todo",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    after: Annotated[str | None, Query(max_length=300)] = None,
    view: View = "batches",
) -> Response:
    staff_id = _staff_of(who)
    context: dict[str, Any] = {"caller": who, "tab": tab, "view": view}
    if staff_id is None:
        return render(request, "my_tasks/page.html", {**context, "linked": False})
    day = Day.of(conn, now)
    listed = _in_tab(_query(staff_id), tab, day, view)
    rows = conn.execute(_ordered(listed, day).limit(PAGE_SIZE + 1).offset(offset)).all()
    cards = [_card(row, day) for row in rows[:PAGE_SIZE]]
    more = offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None
    context |= {
        "linked": True,
        "day": day,
        "groups": _groups(cards, after if offset else None),
        "next_offset": more,
        "last_key": cards[-1].group_key if cards else None,
    }
    sop_ids = {card.sop_id for card in cards}
    if request.headers.get("HX-Request") and offset:
        return render(request, "my_tasks/_list.html", {**context, "step_names": step_names(conn, sop_ids)})
    context["counts"] = _counts(conn, staff_id, day)
    if tab == "todo" and view == "batches":
        found = task_batches.open_batches(conn, staff_id, due_from_us=day.late_from_us, due_before_us=day.end_us)
        context["batches"] = [(batch, _due_label(batch.slot_us, day)) for batch in found]
        later = task_batches.later_today(conn, staff_id, due_from_us=day.start_us, due_before_us=day.end_us)
        context["later"] = [(group, _due_label(group.slot_us, day)) for group in later]
        sop_ids |= {batch.sop_id for batch in found} | {group.sop_id for group in later}
    context["step_names"] = step_names(conn, sop_ids)
    return render(request, "my_tasks/page.html", context)


@router.get("/my/tasks/{task_id}", response_class=HTMLResponse)
def one_task(request: Request, task_id: BigRowId, conn: Db, who: AnyUser, now: NowUs) -> Response:
    """One task on its own page: where a WeCom reminder's link lands (sign-in comes back here)."""
    staff_id = _own_staff(who, task_id)
    day = Day.of(conn, now)
    card = _own_card(conn, staff_id, task_id, day)
    return render(request, "my_tasks/one.html", {"caller": who, "card": card, "day": day})


def _answer(
    request: Request, who: Caller, card: Card, *, error_key: str | None = None, status: int = 200, **extra: Any
) -> Response:
    context = {"caller": who, "card": card, "error_key": error_key, "error_values": {"max": REASON_MAX}, **extra}
    return render(request, "my_tasks/_card.html", context, status=status)


def _change(
    request: Request, conn: Connection, who: Caller, task_id: int, now: int, wanted: TaskStatus, reason: str | None
) -> Response:
    staff_id = _own_staff(who, task_id)
    day = Day.of(conn, now)
    card = _own_card(conn, staff_id, task_id, day)
    try:
        task_status.change(conn, task_id, wanted, actor=who.user, now_us=now, reason=reason, via="console")
    except ValidationError:
        # done in another tab, or expired meanwhile: show what it is now
        return _answer(request, who, card, error_key="my_tasks.not_open", status=422)
    counts = _counts(conn, staff_id, day)
    return _answer(request, who, _own_card(conn, staff_id, task_id, day), oob_counts=counts)


@router.post("/my/tasks/{task_id}/done", response_class=HTMLResponse)
def mark_done(request: Request, task_id: int, conn: Db, who: AnyUser, now: NowUs) -> Response:
    return _change(request, conn, who, task_id, now, TaskStatus.done, None)


@router.post("/my/tasks/{task_id}/skip", response_class=HTMLResponse)
def skip(
    request: Request,
    task_id: int,
    conn: Db,
    who: AnyUser,
    now: NowUs,
    reason: Annotated[str, Form()] = "",
) -> Response:
    text = reason.strip()
    if not text or len(text) > REASON_MAX:
        card = _own_card(conn, _own_staff(who, task_id), task_id, Day.of(conn, now))
        key = "my_tasks.reason_missing" if not text else "my_tasks.reason_too_long"
        return _answer(request, who, card, error_key=key, status=422, skip_open=True, reason=reason[:REASON_MAX])
    return _change(request, conn, who, task_id, now, TaskStatus.skipped, text)
