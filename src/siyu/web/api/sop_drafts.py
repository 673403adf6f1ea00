"""SOP drafts: check, preview and simulate the YAML of one SOP before it is applied, storing nothing.

The console's editor calls the same services; these endpoints let an integration or a script do
what the editor does. A draft that does not validate answers 422 with located problems (except
`validate`, which reports them in its answer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from siyu.audiences import preview as audience_preview
from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.model import EventEntry
from siyu.core.timeutil import US_PER_DAY, US_PER_MINUTE, from_us, parse_duration_us
from siyu.planner import draft_simulation
from siyu.sops import drafts as sop_drafts
from siyu.web.common.sops import MAX_DRAFT_SOURCE
from siyu.web.deps import Db, NowUs, Operator, ReadOnly, StandaloneOperator, engine_of
from siyu.web.errors import ConflictError
from siyu.web.i18n import locale_of

router = APIRouter(tags=["sop drafts"])

MIN_EVERY_US = 5 * US_PER_MINUTE
MAX_EVERY_US = US_PER_DAY


class DraftIn(BaseModel):
    source: str = Field(max_length=MAX_DRAFT_SOURCE, description="One SOP as YAML, as `siyu sop validate` reads it")


class SimulateDraftIn(DraftIn):
    days: int = Field(14, ge=1, le=31, description="How many days ahead, from now")
    every: str = Field("1h", max_length=20, description="Time between planner ticks (5m to 1d)")
    rows: int = Field(20, ge=0, le=200, description="Tasks listed per day (every task is counted)")
    with_others: bool = Field(
        False,
        description="Also plan every other enabled SOP, so that frequency caps weigh their new tasks too "
        "(exact, and slower by the number of SOPs); by default only their tasks already planned count",
    )


class LocatedOut(BaseModel):
    where: str = Field(description="draft.yaml:LINE: path, as `siyu sop validate` prints it")
    message: str
    line: int | None = None
    path: str | None = None


class CheckOut(BaseModel):
    ok: bool
    sop: str | None = Field(description="The draft's SOP id when it is valid")
    problems: list[LocatedOut]
    warnings: list[LocatedOut]


class Member(BaseModel):
    id: str
    name: str | None


class AudienceOut(BaseModel):
    name: str = Field(description="customers, groups or staff")
    target: str
    count: int
    sample: list[Member]
    nobody: bool = Field(description="A campaign without audience (or groups) reaches none of these")


class PreviewOut(BaseModel):
    sop: str
    kind: str
    evaluated_at: str
    count: int = Field(description="The size of the main audience (the first of `audiences`)")
    sample: list[Member]
    audiences: list[AudienceOut]
    warnings: list[LocatedOut]


class Count(BaseModel):
    key: str
    count: int


class DayOut(BaseModel):
    date: str
    count: int
    by_status: list[Count]
    tasks: list[dict[str, Any]]


class SimulationOut(BaseModel):
    sop: str
    start: str
    end: str
    every: str
    ticks: int
    total: int
    with_others: bool
    days: list[DayOut]
    by_step: list[Count]
    by_status: list[Count]
    note: str | None = Field(description="Why the timeline may be emptier than expected")


def _check_out(check: sop_drafts.DraftCheck) -> dict[str, Any]:
    return {
        "ok": check.ok,
        "sop": check.sop.id if check.ok else None,
        "problems": [p.as_dict() for p in check.problems],
        "warnings": [w.as_dict() for w in check.warnings],
    }


@router.post(
    "/sop-drafts/validate",
    response_model=CheckOut,
    summary="Check a draft SOP (nothing is stored)",
    dependencies=[ReadOnly],
)
def validate(request: Request, body: DraftIn, conn: Db, who: Operator) -> dict[str, Any]:
    """`warnings` name what the data has never had (a tag, attribute, event type, product, staff id
    or role), with the closest names that exist, in the caller's language."""
    return _check_out(sop_drafts.check_draft(conn, body.source, locale=locale_of(request, who.user.locale)))


def preview_answer(conn: Connection, check: sop_drafts.DraftCheck, now: int) -> dict[str, Any]:
    check.raise_problems()
    found = audience_preview.preview(conn, check.sop, now, limit=audience_preview.SAMPLE_SIZE)
    zone = brand_settings.load(conn).zone
    main = found[0]
    return {
        "sop": check.sop.id,
        "kind": check.sop.kind.value,
        "evaluated_at": from_us(now, zone).isoformat(),
        "count": main.count,
        "sample": main.sample_dicts(),
        "audiences": [
            {"name": a.name, "target": a.target, "count": a.count, "sample": a.sample_dicts(), "nobody": a.nobody}
            for a in found
        ],
        "warnings": [w.as_dict() for w in check.warnings],
    }


@router.post(
    "/sop-drafts/preview",
    response_model=PreviewOut,
    summary="Who a draft SOP's audience holds now (size, sample)",
    dependencies=[ReadOnly],
)
def preview(request: Request, body: DraftIn, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    check = sop_drafts.check_draft(conn, body.source, locale=locale_of(request, who.user.locale))
    return preview_answer(conn, check, now)


def every_us(every: str) -> int:
    try:
        step = parse_duration_us(every)
    except ValueError as exc:
        raise ValidationError([Problem("every", str(exc))]) from exc
    if not MIN_EVERY_US <= step <= MAX_EVERY_US:
        raise ValidationError([Problem("every", f"expected 5m to 1d between ticks, got {every.strip()}")])
    return step


def simulation_answer(
    request: Request,
    source: str,
    now: int,
    *,
    days: int,
    every: str,
    rows: int,
    with_others: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> dict[str, Any]:
    step = every_us(every)
    engine = engine_of(request)
    with engine.connect() as conn:
        check = sop_drafts.check_draft(conn, source)
    check.raise_problems()
    try:
        found = draft_simulation.simulate_draft(
            engine,
            check,
            source,
            now_us=now,
            days=days,
            step_us=step,
            per_day=rows,
            with_others=with_others,
            locale=locale,
        )
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise ConflictError("the database is busy (the planner is writing); try again in a moment") from exc
        raise
    note = None
    if isinstance(check.sop.entry, EventEntry):
        note = "event-entry SOPs take only events that arrive after they are switched on; none arrive in a simulation"
    return {
        "sop": found.sop_id,
        "start": found.start,
        "end": found.end,
        "every": every.strip(),
        "ticks": found.ticks,
        "total": found.total,
        "with_others": with_others,
        "days": [
            {
                "date": day.date,
                "count": day.count,
                "by_status": [{"key": k, "count": n} for k, n in sorted(day.by_status.items())],
                "tasks": day.tasks,
            }
            for day in found.days
        ],
        "by_step": [{"key": k, "count": n} for k, n in found.by_step],
        "by_status": [{"key": k, "count": n} for k, n in found.by_status],
        "note": note,
    }


@router.post(
    "/sop-drafts/simulate",
    response_model=SimulationOut,
    summary="The tasks a draft SOP would make over the next days if enabled now (nothing is stored)",
)
def simulate(request: Request, body: SimulateDraftIn, who: StandaloneOperator, now: NowUs) -> dict[str, Any]:
    return simulation_answer(
        request,
        body.source,
        now,
        days=body.days,
        every=body.every,
        rows=body.rows,
        with_others=body.with_others,
        locale=locale_of(request, who.user.locale),
    )
