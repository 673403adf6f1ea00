"""The channels page (admins only): one card per adapter and one for the delivery settings, each
a form built from the adapter's settings model — text, number and checkbox inputs, the routes as
one select per kind of work, secrets as password inputs that show only whether one is set.

A form saves through the same change as `PUT /api/v1/channels/{name}`: only the settings whose
value was edited are sent, a secret left empty is kept, its clear box removes it. A refused save
writes nothing and shows each problem beside its field, with what was typed (never a secret)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

from siyu.brand import settings as brand_settings
from siyu.channels import stored as channel_service
from siyu.channels.delivery_settings import ADAPTERS, ROUTE_KEYS
from siyu.channels.registry import DELIVERY, KINDS, SETTINGS_MODELS
from siyu.channels.stored import ALWAYS_ON
from siyu.core.errors import Problem, ValidationError
from siyu.web.common.channels import ChannelName, channel_out
from siyu.web.deps import Admin, Caller, Db, NowUs
from siyu.web.templating import render

router = APIRouter()

WECOM_CALLBACK_PATH = "/api/v1/channels/wecom/callback"
SCALARS = {str: "text", int: "int", float: "float", bool: "bool"}


@dataclass(frozen=True)
class FieldSpec:
    """How one setting is edited: its input kind and the limits the model puts on it."""

    name: str
    kind: str  # text | int | float | bool | choices | routes | secret
    help: str
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    options: tuple[str, ...] = ()


def _limits(info: FieldInfo) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for rule in info.metadata:
        if isinstance(rule, (Ge, Gt)):
            found["minimum"] = rule.ge if isinstance(rule, Ge) else rule.gt
        elif isinstance(rule, (Le, Lt)):
            found["maximum"] = rule.le if isinstance(rule, Le) else rule.lt
        elif isinstance(rule, MaxLen):
            found["max_length"] = rule.max_length
    return found


def field_spec(name: str, info: FieldInfo, *, secret: bool) -> FieldSpec:
    """The input for one field of a settings model; TypeError for a type the form cannot edit
    (a new kind of setting needs its input here before the page can show it)."""
    help_text = info.description or ""
    if secret:
        return FieldSpec(name, "secret", help_text, **_limits(info))
    annotation = info.annotation
    args = get_args(annotation)
    optional = type(None) in args
    if optional:
        annotation = next(arg for arg in args if arg is not type(None))
    origin = get_origin(annotation)
    if origin in (tuple, list, set, frozenset):
        member = get_args(annotation)[0]
        if isinstance(member, type) and issubclass(member, Enum):
            return FieldSpec(name, "choices", help_text, options=tuple(str(m.value) for m in member))
    if origin is dict and name == "routes":
        return FieldSpec(name, "routes", help_text)
    if isinstance(annotation, type) and annotation in SCALARS:
        return FieldSpec(name, SCALARS[annotation], help_text, optional=optional, **_limits(info))
    raise TypeError(f"the channels page has no input for {name}: {info.annotation}")


def specs_of(channel: str) -> list[FieldSpec]:
    model = SETTINGS_MODELS[channel]
    return [field_spec(key, info, secret=key in model.SECRETS) for key, info in model.model_fields.items()]


def display_text(value: Any) -> str:
    """A setting as its text input shows it."""
    if value is None:
        return ""
    return str(value)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _texts(form: FormData, key: str) -> list[str]:
    return [value for value in form.getlist(key) if isinstance(value, str)]


def _in_form(spec: FieldSpec, form: FormData) -> bool:
    """Whether the form has an input for this setting (checkbox groups send a hidden empty
    value, so that none ticked still says "none" rather than "not in this form")."""
    if spec.kind == "routes":
        return any(f"route.{key}" in form for key in ROUTE_KEYS)
    return f"setting.{spec.name}" in form


def _submitted_value(spec: FieldSpec, form: FormData) -> Any:
    """What the form says for one setting, in the shape the model takes (numbers stay text:
    the model parses them and locates what does not parse)."""
    if spec.kind == "routes":
        return {key: _text(form, f"route.{key}") for key in ROUTE_KEYS if _text(form, f"route.{key}")}
    if spec.kind == "choices":
        return [option for option in spec.options if option in _texts(form, f"setting.{spec.name}")]
    if spec.kind == "bool":
        return "1" in _texts(form, f"setting.{spec.name}")
    text = _text(form, f"setting.{spec.name}")
    return None if spec.optional and not text.strip() else text


def _edited(spec: FieldSpec, submitted: Any, current: Any) -> bool:
    if spec.kind in ("routes", "choices", "bool"):
        return bool(submitted != current)
    return display_text(submitted) != display_text(current)


@dataclass(frozen=True)
class FormChanges:
    settings: dict[str, Any]  # only the edited ones
    secrets: dict[str, str | None]  # a new value, or "" to clear
    typed: dict[str, Any]  # every setting as submitted, to show back beside a fault
    problems: list[Problem]


def changes_from_form(channel: str, form: FormData, current: dict[str, Any]) -> FormChanges:
    """What a card's form asks to change, against the `current` settings; a setting the form
    has no input for is left as it is."""
    changes = FormChanges({}, {}, {}, [])
    for spec in specs_of(channel):
        if spec.kind == "secret":
            typed = _text(form, f"secret.{spec.name}").strip()
            clear = _text(form, f"clear.{spec.name}") == "1"
            if typed and clear:
                changes.problems.append(Problem(f"{channel}.{spec.name}", "type a new value or tick clear, not both"))
            elif clear:
                changes.secrets[spec.name] = ""
            elif typed:
                changes.secrets[spec.name] = typed
            continue
        if not _in_form(spec, form):
            continue
        value = _submitted_value(spec, form)
        changes.typed[spec.name] = value
        if _edited(spec, value, current.get(spec.name)):
            changes.settings[spec.name] = value
    return changes


def _problems_by_field(channel: str, problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems keyed by the field they are about ("" for the card as a whole)."""
    fields = set(SETTINGS_MODELS[channel].model_fields)
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        key = problem.where.removeprefix(f"{channel}.").split(".", 1)[0]
        found.setdefault(key if key in fields else "", []).append(problem)
    return found


def callback_url(request: Request, cards: dict[str, dict[str, Any]]) -> str:
    """The address WeCom calls back: siyu's public address if one is set, else this request's."""
    base = cards["wecom"]["settings"].get("public_url") or cards[DELIVERY]["settings"].get("public_url")
    base = str(base or request.base_url)
    return base.rstrip("/") + WECOM_CALLBACK_PATH


def _page(
    request: Request,
    conn: Db,
    who: Caller,
    *,
    saved: str | None = None,
    editing: str | None = None,
    submitted: dict[str, Any] | None = None,
    enabled: bool | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    zone = brand_settings.load(conn).zone
    cards: dict[str, dict[str, Any]] = {}
    for name, config in channel_service.load_all(conn).items():
        card = channel_out(config, zone)
        card["specs"] = specs_of(name)
        card["kind"] = KINDS.get(name)
        card["problems"] = {}
        if name == editing:
            card["settings"] = {**card["settings"], **(submitted or {})}  # what was typed, beside its fault
            card["enabled"] = card["enabled"] if enabled is None else enabled
            card["problems"] = _problems_by_field(name, problems or [])
        cards[name] = card
    context = {
        "caller": who,
        "cards": cards,
        "saved": saved if saved in SETTINGS_MODELS else None,
        "always_on": ALWAYS_ON,
        "route_keys": ROUTE_KEYS,
        "adapters": ADAPTERS,
        "kinds": KINDS,
        "callback_url": callback_url(request, cards),
        "display_text": display_text,
    }
    return render(request, "channels/page.html", context, status=status)


async def posted_form(request: Request) -> FormData:
    """The whole form (its field names follow the settings model, so they are read by name)."""
    return await request.form()  # starlette caches it: the CSRF check read it already


PostedForm = Annotated[FormData, Depends(posted_form)]


@router.get("/channels", response_class=HTMLResponse)
def channels_page(
    request: Request, conn: Db, who: Admin, saved: Annotated[str | None, Query(max_length=16)] = None
) -> Response:
    return _page(request, conn, who, saved=saved)


@router.post("/channels/{name}", response_class=HTMLResponse)
def save_channel_form(
    request: Request, name: ChannelName, conn: Db, who: Admin, now: NowUs, form: PostedForm
) -> Response:
    # NotFoundError for an unknown name
    current = channel_service.shown(channel_service.load(conn, name))
    # the switch sends a hidden "0" before its checkbox: a form without it leaves the channel as it is
    enabled = None if name in ALWAYS_ON or "enabled" not in form else "1" in _texts(form, "enabled")
    changes = changes_from_form(name, form, channel_service.plain_settings(name, current["settings"]))
    try:
        if changes.problems:
            raise ValidationError(changes.problems)
        channel_service.change(
            conn,
            name,
            actor=who.user,
            enabled=enabled,
            settings=changes.settings,
            secrets=changes.secrets,
            now_us=now,
        )
    except ValidationError as exc:
        return _page(
            request,
            conn,
            who,
            editing=name,
            submitted=changes.typed,
            enabled=enabled,
            problems=exc.problems,
            status=422,
        )
    return RedirectResponse(f"/channels?saved={name}#{name}", status_code=303)
