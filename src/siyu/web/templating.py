"""Rendering console pages: Jinja2 with the caller, the locale, `t()` and the CSRF token in scope."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from siyu.core.display_names import attribute_name, attribute_value, event_name
from siyu.core.reasons import render_reason
from siyu.core.timeutil import from_us
from siyu.web.i18n import locale_of, translate

TEMPLATES = Path(__file__).with_name("templates")
templates = Jinja2Templates(directory=str(TEMPLATES))


def _local(value: Any, zone: ZoneInfo | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO string, a datetime or epoch microseconds, shown in the brand's zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        moment = from_us(value, zone) if zone else from_us(value)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    else:
        moment = value
    if zone is not None:
        moment = moment.astimezone(zone)
    return moment.strftime(fmt)


templates.env.filters["local"] = _local


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200) -> HTMLResponse:
    """Render `name` for this request. The page's handler puts `caller` (a deps.Caller or None)
    in the context when the page needs to be signed in."""
    values: dict[str, Any] = dict(context or {})
    caller = values.get("caller")
    user = caller.user if caller is not None else None
    locale = locale_of(request, user.locale if user else None)
    values.setdefault("user", user)
    values["locale"] = locale
    values["csrf_token"] = caller.csrf_token if caller is not None else ""
    values["t"] = lambda key, **kw: translate(locale, key, **kw)
    # a stored reason (code, parameters, or a person's words) in the reader's language
    values["why"] = lambda code, params=None, text=None: render_reason(code, params, text, locale) or ""
    # a step's title: its name (SOP-FORMAT) when the page's handler read one, else "步骤 <id>"
    names = values.get("step_names") or {}
    values["step_title"] = lambda sop, step: names.get((sop, step)) or translate(locale, "my_tasks.step") + f" {step}"
    # event types, attribute names and coded values as people call them
    values["event_name"] = lambda event_type: event_name(str(event_type), locale)
    values["attribute_name"] = lambda key: attribute_name(str(key), locale)
    values["attribute_value"] = lambda key, value: attribute_value(str(key), value, locale)
    values["path"] = request.url.path
    # where the language switch comes back to, search and filters included
    values["here"] = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response: HTMLResponse = templates.TemplateResponse(request, name, values, status_code=status)
    return response
