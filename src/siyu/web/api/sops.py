"""SOPs: list, detail with versions, a version's source, the diff of two versions, apply YAML,
enable / disable, audience size and sample, and a simulation that writes nothing.

Who may do what: SOPs are the brand's playbook, managed by operators and admins. A staff user may
read the list (ids, names, kinds, on or off — the names their tasks carry) but not the brand-wide
figures in it (`in_sop`, `last_tick_at` are null for them), and gets 403 for everything else:
detail, sources, audiences (other staff's customers), simulations and every change.

Applying, enabling and disabling are recorded in the audit log with the version concerned
(`sop.apply`, `sop.enable`, `sop.disable`); an apply that changes nothing records nothing."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from siyu.audiences import preview as audience_preview
from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.timeutil import US_PER_DAY, from_us, parse_duration_us
from siyu.planner.simulation import simulate
from siyu.sops import overview as sop_overview
from siyu.sops import repo as sop_service
from siyu.sops.diff import version_diff
from siyu.store.tables import sops
from siyu.web.common.sops import MAX_VERSION, SOP_ID_PATTERN
from siyu.web.deps import AnyUser, Caller, Db, NowUs, Operator, StandaloneOperator, engine_of
from siyu.web.i18n import locale_of
from siyu.web.paging import PagingQuery, page

router = APIRouter(tags=["sops"])

MAX_SOURCE = 500_000
# a web simulation stays a request, not a batch job: 31 days of hourly ticks at most
MAX_SIMULATED_TICKS = 31 * 24

SopId = Annotated[str, Path(min_length=1, max_length=100, pattern=SOP_ID_PATTERN, description="The SOP's id")]
VersionNo = Annotated[int, Path(ge=1, le=MAX_VERSION, description="A version number (1 is the first)")]


# ---------------------------------------------------------------- models


class SopListItem(BaseModel):
    id: str
    name: str
    kind: str = Field(description="customer | group | moments | campaign")
    enabled: bool
    priority: int
    latest_version: int
    in_sop: int | None = Field(
        description=f"Targets in the SOP now (open entries), counted up to {sop_overview.LIST_CAP:,} in the list "
        f"and {sop_overview.DETAIL_CAP:,} for one SOP; null for staff users"
    )
    in_sop_capped: bool = Field(description="There are more than in_sop")
    last_tick_at: str | None = Field(description="When the planner last worked on the SOP; null for staff users")


class SopPage(BaseModel):
    items: list[SopListItem]
    next_offset: int | None


class VersionOut(BaseModel):
    version: int
    created_at: str
    checksum: str = Field(description="SHA-256 of the definition as canonical JSON")


class SopDetail(BaseModel):
    id: str
    name: str
    kind: str
    goal: str | None
    enabled: bool
    priority: int
    latest_version: int
    enabled_at: str | None = Field(description="When the SOP was last switched on")
    updated_at: str
    in_sop: int
    in_sop_capped: bool
    last_tick_at: str | None
    source: str = Field(description="The latest version's YAML")
    definition: dict[str, Any] = Field(description="The latest version as parsed from its YAML")
    versions: list[VersionOut] = Field(description=f"Newest first (the newest {sop_overview.VERSIONS_SHOWN})")


class VersionSource(BaseModel):
    sop: str
    version: int
    latest_version: int
    created_at: str
    checksum: str
    source: str
    definition: dict[str, Any]


class DiffLineOut(BaseModel):
    kind: str = Field(description="file | hunk | add | del | same")
    text: str


class DiffOut(BaseModel):
    sop: str
    from_version: int
    to_version: int
    diff: str = Field(description="Unified diff of the two YAML sources")
    lines: list[DiffLineOut]


class SourceIn(BaseModel):
    source: str = Field(min_length=1, max_length=MAX_SOURCE, description="SOP YAML: one SOP or a list of SOPs")


class ProblemOut(BaseModel):
    where: str = Field(description="file:LINE: path inside the SOP")
    message: str


class AppliedOut(BaseModel):
    sop: str
    outcome: str = Field(description="created | updated | unchanged")
    version: int


class ApplyOut(BaseModel):
    sop: str = Field(description="The first SOP of the text")
    outcome: str
    version: int
    applied: list[AppliedOut] = Field(description="Every SOP of the text (a text may hold a list)")
    warnings: list[ProblemOut]


class SwitchOut(BaseModel):
    sop: str
    enabled: bool
    changed: bool = Field(description="False when the SOP was already in that state")
    version: int


class MemberOut(BaseModel):
    id: str
    name: str


class AudienceOut(BaseModel):
    name: str = Field(description="customers | groups | staff")
    target: str
    count: int
    sample: list[MemberOut] = Field(description="Spread over the audience, the same ones every time")
    nobody: bool = Field(description="A campaign without audience (or groups) reaches none of these")


class AudiencesOut(BaseModel):
    sop: str
    at: str
    audiences: list[AudienceOut]


class SimulateIn(BaseModel):
    days: int = Field(default=14, ge=1, le=31, description="How many days from now to simulate")
    every: str = Field(default="1h", pattern=r"^\s*\d{1,5}[mhd]\s*$", description="Time between ticks: 30m, 1h, 1d")
    limit: int = Field(default=100, ge=0, le=500, description="How many of the simulated tasks to list")
    with_others: bool = Field(
        default=False,
        description="Plan every enabled SOP too (exact under shared caps, much slower); "
        "by default only this SOP is planned, other SOPs' planned tasks still count under the caps",
    )


class CountOut(BaseModel):
    key: str
    count: int


class SimulatedTask(BaseModel):
    due_at: str
    step: str
    target_type: str
    target: str | None
    executor: str | None
    status: str
    variant: str | None
    channel: str
    mode: str
    reason: str | None


class SimulationOut(BaseModel):
    sop: str
    start: str
    end: str
    every: str
    ticks: int
    total: int = Field(description="Tasks the ticks would make or change, due in the period")
    by_day: list[CountOut] = Field(description="By local due date")
    by_step: list[CountOut]
    by_status: list[CountOut]
    tasks: list[SimulatedTask] = Field(description="The first `limit`, by due time")


# ---------------------------------------------------------------- helpers


def _iso(us: int | None, zone: ZoneInfo) -> str | None:
    return from_us(us, zone).isoformat() if us is not None else None


def _list_item(row: sop_overview.SopRow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "enabled": row.enabled,
        "priority": row.priority,
        "latest_version": row.latest_version,
        "in_sop": row.in_sop.count if row.in_sop else None,
        "in_sop_capped": row.in_sop.capped if row.in_sop else False,
        "last_tick_at": _iso(row.last_tick_at_us, zone),
    }


def _version_out(row: sop_overview.VersionRow, zone: ZoneInfo) -> dict[str, Any]:
    return {"version": row.version, "created_at": _iso(row.created_at_us, zone), "checksum": row.checksum}


# ---------------------------------------------------------------- reading


@router.get("/sops", response_model=SopPage, summary="List SOPs (staff: names only)")
def list_sops(conn: Db, who: AnyUser, at: PagingQuery) -> dict[str, Any]:
    rows = sop_overview.list_sops(conn, limit=at.fetch, offset=at.offset, figures=who.staff_id is None)
    zone = brand_settings.load(conn).zone
    return page([_list_item(row, zone) for row in rows], at)


@router.get("/sops/{sop_id}", response_model=SopDetail, summary="One SOP: definition, source, versions")
def get_sop(sop_id: SopId, conn: Db, who: Operator) -> dict[str, Any]:
    row = sop_overview.one(conn, sop_id)
    stored = sop_service.latest(conn, sop_id)
    assert row.in_sop is not None
    zone = brand_settings.load(conn).zone
    return {
        **_list_item(row, zone),
        "goal": stored.sop.goal,
        "enabled_at": _iso(row.enabled_at_us, zone),
        "updated_at": _iso(row.updated_at_us, zone),
        "in_sop": row.in_sop.count,
        "source": stored.source,
        "definition": stored.definition,
        "versions": [_version_out(v, zone) for v in sop_overview.versions(conn, sop_id)],
    }


@router.get("/sops/{sop_id}/versions/{number}", response_model=VersionSource, summary="One version's source")
def get_version(sop_id: SopId, number: VersionNo, conn: Db, who: Operator) -> dict[str, Any]:
    stored = sop_service.version(conn, sop_id, number)
    return {
        "sop": stored.id,
        "version": stored.version,
        "latest_version": stored.latest_version,
        "created_at": _iso(stored.created_at_us, brand_settings.load(conn).zone),
        "checksum": stored.checksum,
        "source": stored.source,
        "definition": stored.definition,
    }


@router.get("/sops/{sop_id}/diff", response_model=DiffOut, summary="Unified diff of two versions' YAML")
def diff(
    sop_id: SopId,
    conn: Db,
    who: Operator,
    from_: Annotated[
        int | None, Query(alias="from", ge=1, le=MAX_VERSION, description="Older version (default: to − 1)")
    ] = None,
    to: Annotated[int | None, Query(ge=1, le=MAX_VERSION, description="Newer version (default: the latest)")] = None,
) -> dict[str, Any]:
    return version_diff(conn, sop_id, from_, to)


@router.get("/sops/{sop_id}/audience", response_model=AudiencesOut, summary="Audience size and a sample")
def audience(
    sop_id: SopId,
    conn: Db,
    who: Operator,
    now: NowUs,
    limit: Annotated[int, Query(ge=1, le=100, description="How many to show in the sample")] = 10,
) -> dict[str, Any]:
    stored = sop_service.latest(conn, sop_id)
    found = audience_preview.preview(conn, stored.sop, now, limit=limit)
    return {
        "sop": sop_id,
        "at": _iso(now, brand_settings.load(conn).zone),
        "audiences": [
            {
                "name": a.name,
                "target": a.target,
                "count": a.count,
                "sample": [{"id": m.id, "name": m.name} for m in a.sample],
                "nobody": a.nobody,
            }
            for a in found
        ],
    }


# ---------------------------------------------------------------- changes


@router.post("/sops", response_model=ApplyOut, summary="Validate and apply SOP YAML (a new version)")
def apply(
    request: Request,
    body: SourceIn,
    conn: Db,
    who: Operator,
    now: NowUs,
    strict: Annotated[
        bool,
        Query(
            description="Refuse (422, nothing stored) when the SOP names a tag, attribute, event type, product, "
            "staff id or role the data has never had; by default those are `warnings`"
        ),
    ] = False,
) -> dict[str, Any]:
    locale = locale_of(request, who.user.locale)
    report = sop_overview.apply_source(conn, who.user, body.source, now_us=now, strict=strict, locale=locale)
    applied = [{"sop": a.sop_id, "outcome": a.outcome.value, "version": a.version} for a in report.applied]
    return {
        **applied[0],
        "applied": applied,
        "warnings": [{"where": w.where, "message": w.message} for w in report.warnings],
    }


def _switch(conn: Connection, who: Caller, sop_id: str, enabled: bool, now: int) -> dict[str, Any]:
    changed = sop_overview.switch(conn, who.user, sop_id, enabled, now_us=now)
    version = conn.execute(sa.select(sops.c.latest_version).where(sops.c.id == sop_id)).scalar_one()
    return {"sop": sop_id, "enabled": enabled, "changed": changed, "version": int(version)}


@router.post("/sops/{sop_id}/enable", response_model=SwitchOut, summary="Switch an SOP on")
def enable(sop_id: SopId, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    return _switch(conn, who, sop_id, True, now)


@router.post("/sops/{sop_id}/disable", response_model=SwitchOut, summary="Switch an SOP off")
def disable(sop_id: SopId, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    return _switch(conn, who, sop_id, False, now)


# ---------------------------------------------------------------- simulation


def run_simulation(request: Request, sop_id: str, body: SimulateIn, now: int, locale: str) -> dict[str, Any]:
    step_us = parse_duration_us(body.every)
    if step_us <= 0:
        raise ValidationError([Problem("every", "must be above zero")])
    end = now + body.days * US_PER_DAY
    ticks = (end - now) // step_us + 1
    if ticks > MAX_SIMULATED_TICKS:
        raise ValidationError(
            [Problem("every", f"{ticks} ticks is too many (at most {MAX_SIMULATED_TICKS}); take a longer step")]
        )
    engine = engine_of(request)
    with engine.connect() as conn:
        if conn.execute(sa.select(sops.c.id).where(sops.c.id == sop_id)).first() is None:
            raise NotFoundError(f"no SOP named {sop_id}")
        zone = brand_settings.load(conn).zone
    rows = simulate(engine, now, end, step_us=step_us, sop_id=sop_id, alone=not body.with_others, locale=locale)

    def counts(key: str) -> list[dict[str, Any]]:
        found = Counter(str(row[key]) if key != "day" else str(row["due_at"])[:10] for row in rows)
        return [{"key": k, "count": n} for k, n in sorted(found.items())]

    return {
        "sop": sop_id,
        "start": from_us(now, zone).isoformat(),
        "end": from_us(end, zone).isoformat(),
        "every": body.every.strip(),
        "ticks": ticks,
        "total": len(rows),
        "by_day": counts("day"),
        "by_step": counts("step"),
        "by_status": counts("status"),
        "tasks": rows[: body.limit],
    }


@router.post(
    "/sops/{sop_id}/simulate",
    response_model=SimulationOut,
    summary="What the SOP would do over the next days (switched on), writing nothing",
)
def simulate_sop(
    request: Request,
    sop_id: SopId,
    who: StandaloneOperator,
    now: NowUs,
    body: SimulateIn | None = None,
) -> dict[str, Any]:
    return run_simulation(request, sop_id, body or SimulateIn(), now, locale_of(request, who.user.locale))
