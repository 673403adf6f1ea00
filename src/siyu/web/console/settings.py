"""The settings page: time zone, quiet hours, caps, late_after and the workday overrides, one form
per setting; a refused value is shown beside its field, and recent changes come from the audit log.

Operators and admins only; each form goes through the same change as `PUT /api/v1/settings/{key}`."""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from siyu.accounts import audit
from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.web.common.settings import SettingKey, estimated_years, settings_values, year_sources
from siyu.web.deps import Caller, Db, NowUs, Operator
from siyu.web.templating import render

router = APIRouter()

AUDIT_SHOWN = 20
NEW_WORKDAY_ROWS = 3
WORKDAY_KINDS = ("holiday", "workday")


@cache
def zone_names() -> list[str]:
    return sorted(available_timezones())


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else ""


def _page(
    request: Request,
    conn: Db,
    who: Caller,
    now: int,
    *,
    saved: str | None = None,
    editing: str | None = None,
    submitted: dict[str, Any] | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    current = brand_settings.load(conn)
    values = settings_values(current)
    if editing is not None and submitted is not None:
        values[editing] = submitted  # show what was typed, next to what was wrong with it
    workdays = [{"day": day, "kind": kind} for day, kind in values["workdays"].items()]
    workdays += [{"day": "", "kind": "holiday"} for _ in range(NEW_WORKDAY_ROWS)]
    by_key: dict[str, list[Problem]] = {}
    for problem in problems or []:
        key = problem.where.split(".", 1)[0]
        by_key.setdefault(key if key in brand_settings.KEYS else "", []).append(problem)
    context = {
        "caller": who,
        "values": values,
        "workdays": workdays,
        "zones": zone_names(),
        "saved": saved if saved in brand_settings.KEYS else None,
        "problems": by_key,
        "changes": audit.entries(conn, current.zone, subject_type="settings", limit=AUDIT_SHOWN),
        "as_json": _json,
        "estimated_years": estimated_years(current, now),
        "year_sources": year_sources(current, now),
    }
    return render(request, "settings.html", context, status=status)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, conn: Db, who: Operator, now: NowUs, saved: Annotated[str | None, Query(max_length=32)] = None
) -> Response:
    return _page(request, conn, who, now, saved=saved)


def _whole_number(text: str, where: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValidationError([Problem(where, f"expected a whole number, got {text!r}")]) from None


def _workdays(days: list[str], kinds: list[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    problems = []
    for text, kind in zip(days, kinds, strict=False):
        day = text.strip()
        if not day or kind == "remove":
            continue
        if day in chosen:
            problems.append(Problem(f"workdays.{day}", "this date is given twice"))
        chosen[day] = kind
    if problems:
        raise ValidationError(problems)
    return chosen


def form_value(key: str, fields: dict[str, Any]) -> Any:
    """The JSON value of a setting from its form's fields (as PUT /settings/{key} takes it)."""
    if key == "quiet_hours":
        return {"start": fields["start"], "end": fields["end"]}
    if key == "caps":
        return {name: _whole_number(fields[name], f"caps.{name}") for name in ("per_day", "per_week")}
    if key == "workdays":
        return _workdays(fields["day"], fields["kind"])
    return fields["value"].strip()


@router.post("/settings/{key}", response_class=HTMLResponse)
def save_setting(
    request: Request,
    key: SettingKey,
    conn: Db,
    who: Operator,
    now: NowUs,
    value: Annotated[str, Form(max_length=200)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=20)] = "",
    per_day: Annotated[str, Form(max_length=20)] = "",
    per_week: Annotated[str, Form(max_length=20)] = "",
    day: Annotated[list[str] | None, Form()] = None,
    kind: Annotated[list[str] | None, Form()] = None,
) -> Response:
    fields: dict[str, Any] = {
        "value": value,
        "start": start,
        "end": end,
        "per_day": per_day,
        "per_week": per_week,
        "day": day or [],
        "kind": kind or [],
    }
    try:
        brand_settings.change(conn, key, form_value(key, fields), actor=who.user, now_us=now)
    except ValidationError as exc:
        submitted = _submitted(key, fields)
        return _page(request, conn, who, now, editing=key, submitted=submitted, problems=exc.problems, status=422)
    return RedirectResponse(f"/settings?saved={key}", status_code=303)


def _submitted(key: str, fields: dict[str, Any]) -> Any:
    if key == "quiet_hours":
        return {"start": fields["start"], "end": fields["end"]}
    if key == "caps":
        return {"per_day": fields["per_day"], "per_week": fields["per_week"]}
    if key == "workdays":
        return {
            d.strip(): k for d, k in zip(fields["day"], fields["kind"], strict=False) if d.strip() and k != "remove"
        }
    if key in brand_settings.KEYS:
        return fields["value"]
    return None
