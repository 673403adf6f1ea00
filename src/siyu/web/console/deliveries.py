"""The outbox page (operators and admins): counts by adapter and state at the top, a filter, and
the deliveries newest first, fifty a page. A dead or failed delivery has a retry button (htmx
re-renders its row); "retry all dead letters" puts every dead one (of the chosen adapter) back in
the queue. The dead-letter list is this page filtered to status=dead.

Both retries go through the same change as the API, audited as delivery.retry and
delivery.retry_dead. Staff users get 403: they follow their own tasks under /my/tasks."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.brand import settings as brand_settings
from siyu.channels.base import Purpose
from siyu.channels.delivery_settings import ADAPTERS
from siyu.channels.registry import KINDS
from siyu.core.errors import Problem, ValidationError
from siyu.delivery import deliveries as delivery_service
from siyu.delivery.deliveries import RETRYABLE, STATUSES, DeliveryFilter
from siyu.web.console.pages import safe_next
from siyu.web.deps import Caller, Db, NowUs, Operator
from siyu.web.params import BigRowId
from siyu.web.templating import render

router = APIRouter()

PAGE_SIZE = 50
PURPOSES = tuple(purpose.value for purpose in Purpose)
Choice = Annotated[str, Query(max_length=16)]


def _choice(value: str, allowed: tuple[str, ...], where: str) -> str | None:
    """An empty filter means any; anything else must be one of `allowed`."""
    if not value:
        return None
    if value not in allowed:
        raise ValidationError([Problem(where, f"expected one of {', '.join(allowed)}, got {value!r}")])
    return value


def _link(**values: Any) -> str:
    chosen = {key: value for key, value in values.items() if value}
    return "/deliveries" + (f"?{urlencode(chosen)}" if chosen else "")


def _adapters(counts: dict[str, dict[str, int]]) -> list[str]:
    """The known adapters in their order, then any other the outbox still holds rows of."""
    return [*ADAPTERS, *sorted(name for name in counts if name not in ADAPTERS)]


def _with_flags(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "retryable": row["status"] in RETRYABLE}


def _row(request: Request, who: Caller, row: dict[str, Any], *, note: str | None, problem: str | None) -> HTMLResponse:
    context = {"caller": who, "row": _with_flags(row), "note": note, "problem": problem, "back": "/deliveries"}
    return render(request, "deliveries/_row.html", {**context, "kinds": KINDS})


@router.get("/deliveries", response_class=HTMLResponse)
def deliveries_page(
    request: Request,
    conn: Db,
    who: Operator,
    now: NowUs,
    status: Choice = "",
    adapter: Choice = "",
    purpose: Choice = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    retried: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    counts = delivery_service.counts(conn)
    where = DeliveryFilter(
        status=_choice(status, STATUSES, "status"),
        adapter=_choice(adapter, tuple(_adapters(counts)), "adapter"),
        purpose=_choice(purpose, PURPOSES, "purpose"),
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    rows = delivery_service.list_deliveries(conn, where, brand_settings.load(conn).zone, now_us=now)
    filters = {"status": status, "adapter": adapter, "purpose": purpose}
    dead_here = sum(by_status.get("dead", 0) for name, by_status in counts.items() if not adapter or name == adapter)
    context = {
        "caller": who,
        "rows": [_with_flags(row) for row in rows[:PAGE_SIZE]],
        "counts": counts,
        "adapter_rows": [name for name in _adapters(counts) if name in counts],
        "statuses": STATUSES,
        "adapters": _adapters(counts),
        "purposes": PURPOSES,
        "filters": filters,
        "dead_view": status == "dead",
        "dead_here": dead_here,
        "dead_total": sum(by_status.get("dead", 0) for by_status in counts.values()),
        "retried": retried,
        "all_link": _link(adapter=adapter, purpose=purpose),
        "dead_link": _link(status="dead", adapter=adapter, purpose=purpose),
        "next_link": _link(**filters, offset=offset + PAGE_SIZE) if len(rows) > PAGE_SIZE else None,
        "prev_link": _link(**filters, offset=max(offset - PAGE_SIZE, 0)) if offset else None,
        "cell_link": lambda name, state: _link(status=state, adapter=name),
        "back": _link(**filters, offset=offset),
        "kinds": KINDS,
    }
    return render(request, "deliveries/page.html", context)


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.post("/deliveries/{delivery_id}/retry", response_class=HTMLResponse)
def retry_delivery(
    request: Request,
    delivery_id: BigRowId,
    conn: Db,
    who: Operator,
    now: NowUs,
    next_: Annotated[str, Form(alias="next", max_length=500)] = "/deliveries",
) -> Response:
    """With htmx: the row again, requeued (or saying why it was not). Without: back to the list."""
    zone = brand_settings.load(conn).zone
    if not _htmx(request):
        delivery_service.retry(conn, delivery_id, actor=who.user, now_us=now)  # a refusal shows the error page
        return RedirectResponse(safe_next(next_), status_code=303)
    try:
        delivery_service.retry(conn, delivery_id, actor=who.user, now_us=now)
    except ValidationError as exc:
        row = delivery_service.get_delivery(conn, delivery_id, zone, now_us=now)
        return _row(request, who, row, note=None, problem="; ".join(p.message for p in exc.problems))
    requeued = delivery_service.get_delivery(conn, delivery_id, zone, now_us=now)
    return _row(request, who, requeued, note="requeued", problem=None)


@router.post("/deliveries/retry-dead", response_class=HTMLResponse)
def retry_dead_letters(
    conn: Db,
    who: Operator,
    now: NowUs,
    adapter: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    chosen = _choice(adapter, ADAPTERS, "adapter")
    count = delivery_service.retry_dead(conn, actor=who.user, adapter=chosen, now_us=now)
    return RedirectResponse(_link(status="dead", adapter=adapter, retried=str(count)), status_code=303)
