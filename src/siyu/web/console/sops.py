"""SOPs in the console: the list, and one SOP's page — its steps on a time axis (days after entry,
T−n with phases for campaigns, a week grid for weekly calendars), the switch, the audience (size
and sample, loaded when the page shows), and its versions with the diff between any two.

Operators and admins only: a staff user gets 403 here (their work is under /my/tasks). The
editor (/sops/new, /sops/{id}/edit) lives in its own module."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.audiences import preview as audience_preview
from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError
from siyu.core.sop_words import sop_words
from siyu.planner.first_day import first_day
from siyu.sops import overview as sop_overview
from siyu.sops import repo as sop_service
from siyu.sops.diff import version_diff
from siyu.sops.timeline import campaign_day, duration_text, timeline
from siyu.web.common.sops import MAX_VERSION, SOP_ID_PATTERN
from siyu.web.deps import Caller, Db, NowUs, Operator, StandaloneOperator, engine_of
from siyu.web.i18n import locale_of
from siyu.web.templating import render

router = APIRouter()

PAGE_SIZE = 50

SopId = Annotated[str, Path(min_length=1, max_length=100, pattern=SOP_ID_PATTERN)]
VersionNo = Annotated[int, Path(ge=1, le=MAX_VERSION)]
OptionalVersion = Annotated[int | None, Query(ge=1, le=MAX_VERSION)]


def _htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@router.get("/sops", response_class=HTMLResponse)
def sop_list(
    request: Request, conn: Db, who: Operator, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0
) -> HTMLResponse:
    rows = sop_overview.list_sops(conn, limit=PAGE_SIZE + 1, offset=offset)
    zone = brand_settings.load(conn).zone
    return render(
        request,
        "sops/list.html",
        {
            "caller": who,
            "rows": rows[:PAGE_SIZE],
            "zone": zone,
            "offset": offset,
            "next_offset": offset + PAGE_SIZE if len(rows) > PAGE_SIZE else None,
            "prev_offset": max(offset - PAGE_SIZE, 0) if offset else None,
        },
    )


def _detail_context(conn: Any, who: Caller, sop_id: str, locale: str) -> dict[str, Any]:
    row = sop_overview.one(conn, sop_id)
    stored = sop_service.latest(conn, sop_id)
    zone = brand_settings.load(conn).zone
    return {
        "words": sop_words(stored.sop, locale, zone),
        "caller": who,
        "row": row,
        "sop": stored.sop,
        "stored": stored,
        "timeline": timeline(stored.sop, zone),
        "versions": sop_overview.versions(conn, sop_id),
        "zone": zone,
        "campaign_day": campaign_day,
        "reentry_after": duration_text(stored.sop.reentry.after_us) if stored.sop.reentry.after_us else None,
    }


@router.get("/sops/{sop_id}", response_class=HTMLResponse)
def sop_page(request: Request, sop_id: SopId, conn: Db, who: Operator) -> HTMLResponse:
    context = _detail_context(conn, who, sop_id, locale_of(request, who.user.locale))
    return render(request, "sops/detail.html", context)


def _switch(request: Request, conn: Any, who: Caller, sop_id: str, enabled: bool, now: int) -> Response:
    sop_overview.switch(conn, who.user, sop_id, enabled, now_us=now)
    if not _htmx(request):
        return RedirectResponse(f"/sops/{sop_id}", status_code=303)
    row = sop_overview.one(conn, sop_id)
    return render(request, "sops/_switch.html", {"caller": who, "row": row})


@router.post("/sops/{sop_id}/enable", response_class=HTMLResponse)
def enable(request: Request, sop_id: SopId, conn: Db, who: Operator, now: NowUs) -> Response:
    return _switch(request, conn, who, sop_id, True, now)


HEAVY_FIRST_DAY = 100  # tasks for one person on the first day above which the page suggests a ramp


@router.get("/sops/{sop_id}/first-day", response_class=HTMLResponse)
def first_day_page(request: Request, sop_id: SopId, who: StandaloneOperator, now: NowUs) -> HTMLResponse:
    """What switching the SOP on would give each staff member on its first day; the page then
    offers the switch itself. Simulated in a transaction that is rolled back."""
    day = first_day(engine_of(request), sop_id, now)
    context = {"caller": who, "day": day, "heavy": HEAVY_FIRST_DAY}
    if _htmx(request):
        return render(request, "sops/_first_day.html", context)
    return render(request, "sops/first_day.html", context)


@router.post("/sops/{sop_id}/disable", response_class=HTMLResponse)
def disable(request: Request, sop_id: SopId, conn: Db, who: Operator, now: NowUs) -> Response:
    return _switch(request, conn, who, sop_id, False, now)


@router.get("/sops/{sop_id}/audience", response_class=HTMLResponse)
def audience(request: Request, sop_id: SopId, conn: Db, who: Operator, now: NowUs) -> HTMLResponse:
    stored = sop_service.latest(conn, sop_id)
    found = audience_preview.preview(conn, stored.sop, now, limit=audience_preview.SAMPLE_SIZE)
    return render(request, "sops/_audience.html", {"caller": who, "audiences": found, "sop_id": sop_id})


@router.get("/sops/{sop_id}/versions/{number}", response_class=HTMLResponse)
def version_page(request: Request, sop_id: SopId, number: VersionNo, conn: Db, who: Operator) -> HTMLResponse:
    stored = sop_service.version(conn, sop_id, number)
    zone = brand_settings.load(conn).zone
    return render(request, "sops/version.html", {"caller": who, "stored": stored, "zone": zone})


@router.get("/sops/{sop_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    sop_id: SopId,
    conn: Db,
    who: Operator,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION)] = None,
    to: OptionalVersion = None,
) -> HTMLResponse:
    try:
        found = version_diff(conn, sop_id, from_, to)
    except NotFoundError as exc:
        if not _htmx(request):
            raise
        # htmx swaps only a 2xx answer: the fault shows where the diff would have
        return render(request, "sops/_diff.html", {"caller": who, "diff": None, "error": str(exc)})
    context = {"caller": who, "diff": found, "error": None, "sop_id": sop_id}
    if _htmx(request):
        return render(request, "sops/_diff.html", context)
    return render(request, "sops/diff.html", context)
