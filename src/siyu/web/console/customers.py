"""Customers in the console: a searchable list (live search with htmx) and one customer's page
with tags, groups, attributes, the SOPs they are in, their tasks and their events, each long
list read on with a "more" button.

A staff user may open these for their own customers only: the list holds only theirs, and
another's customer answers 404. Of a customer's tasks they see the ones they execute."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.errors import ValidationError
from siyu.directory import customers as customer_service
from siyu.directory import people as directory
from siyu.directory.people import TagKind
from siyu.web.deps import AnyUser, Db, reader_locale
from siyu.web.scope import limited_to
from siyu.web.templating import render

router = APIRouter()

PAGE_SIZE = 50
MORE_ROWS = 20  # rows of each list on a customer's page, and per "more"
TAG_CHOICES = 200
RESULTS_TARGET = "customer-results"

CustomerId = Annotated[str, Path(min_length=1, max_length=128)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Text = Annotated[str, Query(max_length=128)]


def _is_fragment(request: Request, target: str) -> bool:
    """An htmx request that replaces only `target` (live search, pager inside the results)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == target


def _properties(values: Any) -> str:
    if not isinstance(values, dict):
        return ""
    shown = []
    for key, value in values.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown.append(f"{key}: {text}")
    return " · ".join(shown)


def _tag_choices(conn: Connection, staff_id: int | None) -> list[str]:
    return directory.tag_names(conn, TagKind.customer, staff_id=staff_id, limit=TAG_CHOICES)


@router.get("/customers", response_class=HTMLResponse)
def customers_page(
    request: Request,
    conn: Db,
    who: AnyUser,
    q: Text = "",
    tag: Annotated[str, Query(max_length=100)] = "",
    owner: Text = "",
    offset: Offset = 0,
) -> HTMLResponse:
    staff_id = limited_to(who)
    text = customer_service.search_text(q, "q")
    owner_id = None
    owner_problem = None
    owner = owner.strip()
    if owner and staff_id is None:
        try:
            owner_id = customer_service.staff_id_of(conn, owner, "owner")
        except ValidationError as exc:
            owner_problem = exc.problems[0].message
    rows: list[dict[str, Any]] = []
    if owner_problem is None:
        search = customer_service.CustomerSearch(
            q=text, tag=tag.strip() or None, owner_id=owner_id, limit=PAGE_SIZE + 1, offset=offset
        )
        rows = customer_service.search(conn, search, staff_id=staff_id)
    more = len(rows) > PAGE_SIZE
    kept = {k: v for k, v in (("q", q.strip()), ("tag", tag.strip()), ("owner", owner)) if v}

    def link(at: int) -> str:
        return "/customers?" + urlencode({**kept, "offset": at}) if at else "/customers?" + urlencode(kept)

    context = {
        "caller": who,
        "rows": rows[:PAGE_SIZE],
        "q": q.strip(),
        "tag": tag.strip(),
        "owner": owner,
        "owner_problem": owner_problem,
        "offset": offset,
        "next_url": link(offset + PAGE_SIZE) if more else None,
        "prev_url": link(max(offset - PAGE_SIZE, 0)) if offset > 0 else None,
        "staff_view": staff_id is not None,
    }
    if _is_fragment(request, RESULTS_TARGET):
        return render(request, "customers/_results.html", context)
    context["tags"] = _tag_choices(conn, staff_id)
    return render(request, "customers/list.html", context)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: CustomerId, conn: Db, who: AnyUser) -> HTMLResponse:
    customer = customer_service.detail(
        conn, customer_id, staff_id=limited_to(who), first=MORE_ROWS, locale=reader_locale(request, who)
    )
    for event in customer["events"]["items"]:
        event["shown"] = _properties(event["properties"])
    return render(
        request,
        "customers/detail.html",
        {"caller": who, "customer": customer, "zone": brand_settings.load(conn).zone},
    )


@router.get("/customers/{customer_id}/events", response_class=HTMLResponse)
def more_events(request: Request, customer_id: CustomerId, conn: Db, who: AnyUser, offset: Offset = 0) -> HTMLResponse:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    zone = brand_settings.load(conn).zone
    rows = customer_service.events_of(conn, internal, zone, limit=MORE_ROWS + 1, offset=offset)
    for event in rows:
        event["shown"] = _properties(event["properties"])
    page = customer_service.paged(rows, MORE_ROWS, offset)
    return render(request, "customers/_events.html", {"caller": who, "customer": {"id": customer_id}, "events": page})


@router.get("/customers/{customer_id}/tasks", response_class=HTMLResponse)
def more_tasks(request: Request, customer_id: CustomerId, conn: Db, who: AnyUser, offset: Offset = 0) -> HTMLResponse:
    staff_id = limited_to(who)
    internal = customer_service.visible_id(conn, customer_id, staff_id=staff_id)
    zone = brand_settings.load(conn).zone
    rows = customer_service.tasks_of(
        conn,
        internal,
        zone,
        executor_id=staff_id,
        limit=MORE_ROWS + 1,
        offset=offset,
        locale=reader_locale(request, who),
    )
    page = customer_service.paged(rows, MORE_ROWS, offset)
    return render(request, "customers/_tasks.html", {"caller": who, "customer": {"id": customer_id}, "tasks": page})


@router.get("/customers/{customer_id}/sops", response_class=HTMLResponse)
def more_sops(request: Request, customer_id: CustomerId, conn: Db, who: AnyUser, offset: Offset = 0) -> HTMLResponse:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    zone = brand_settings.load(conn).zone
    rows = customer_service.entries_of(
        conn, internal, zone, limit=MORE_ROWS + 1, offset=offset, locale=reader_locale(request, who)
    )
    page = customer_service.paged(rows, MORE_ROWS, offset)
    return render(request, "customers/_sops.html", {"caller": who, "customer": {"id": customer_id}, "sops": page})


@router.get("/customers/{customer_id}/groups", response_class=HTMLResponse)
def more_groups(request: Request, customer_id: CustomerId, conn: Db, who: AnyUser, offset: Offset = 0) -> HTMLResponse:
    internal = customer_service.visible_id(conn, customer_id, staff_id=limited_to(who))
    rows = customer_service.groups_in(conn, internal, limit=MORE_ROWS + 1, offset=offset)
    page = customer_service.paged(rows, MORE_ROWS, offset)
    return render(request, "customers/_groups.html", {"caller": who, "customer": {"id": customer_id}, "groups": page})
