"""The SOP editor: /sops/new (blank, or from a template of examples/sops) and /sops/{id}/edit.

Two tabs edit one SOP and stay in sync through the server (htmx, no framework): a form edit posts
the form's fields to /sop-editor/form, which answers the YAML; a YAML edit posts the text to
/sop-editor/yaml, which answers the form (or keeps the form and shows the located problems when
the text is not one SOP mapping). Both answers carry the draft's problems, located by line and
path. What the form cannot express stays YAML (see services.sop_editor). The audience preview
refreshes itself when the audience changes; the 14-day simulation runs on demand; 保存 applies
a new version and 保存并启用 applies and switches it on (audited as sop.apply and sop.enable),
then the browser goes to /sops/{id}. Operators and admins only.

Selectors for browser tests (every input is also reachable by its `name`, which is its path):

* page: `[data-testid=editor]` is the form; tabs `[data-testid=tab-form]`, `[data-testid=tab-yaml]`;
  the YAML text `[data-testid=yaml-source]` (`name=source`); `[data-testid=sync-done]` appears
  in `[data-testid=sync-status]` after each round trip.
* templates (new SOPs): open `/sops/new?template=06-birthday` (or `12-new-friend-onboarding`),
  or choose in `[data-testid=template-select]` and click `[data-testid=template-use]`.
* basics: `[data-testid=sop-id]` (`name=id`), `[data-testid=sop-name]` (`name=name`),
  `[data-testid=sop-kind]` (`name=kind`), `[data-testid=sop-goal]`, `[data-testid=sop-priority]`.
* audience: the root kind select `[name="audience.type"]` (options `birthday`, `tag`, `all`,
  `not`, …; choosing one re-renders the form); its fields `[name="audience.period"]`
  (birthday: `today`), `[name="audience.name"]` (tag), …; in a group (`all`/`any`) add a
  condition with `[data-testid="audience.add"]`, then `[name="audience.0.type"]`,
  `[name="audience.0.name"]`, and so on down the tree (`audience.0.1.type` …); `not` holds
  `audience.0`. Remove with `[data-testid="audience.0.remove"]`.
* entry: `[data-testid=sop-entry]` (`audience` | `event`), then `[data-testid=sop-entry-event]`
  (e.g. `friend_added`); re-entry `[data-testid=sop-reentry]` (`never` | `always` | `after`).
* steps: a blank SOP has one step; add one with `[data-testid="steps.add"]`. Step N's fields:
  `[name="steps.N.id"]`, `[name="steps.N.at.form"]` (`day` | `delay` | `next` | `every` | `rrule` |
  `on`), `[name="steps.N.at.day"]`, `[name="steps.N.at.time"]`, `[name="steps.N.at.delay"]`,
  `[name="steps.N.channel"]`, `[name="steps.N.executor_kind"]`, `[name="steps.N.mode"]`;
  its `when` condition `[name="steps.N.when.type"]` (e.g. `in_group`, then
  `[name="steps.N.when.member"]` = `false`); content items `[name="steps.N.content.M.kind"]`
  (`text` | `image` | `link` | …) with `[name="steps.N.content.M.value"]` (text or material
  path) or `.title` / `.url`; add an item with `[data-testid="steps.N.content.add"]`.
* checks: `[data-testid=problems]` (`data-ok="true"` when valid), each `[data-testid=problem]`
  with `data-line` and `data-path`; `[data-testid=preview-count]` in `[data-testid=preview]`
  (refresh with `[data-testid=preview-button]`), sample rows `[data-testid=preview-member]`.
* simulation: click `[data-testid=simulate-button]`; the answer is `[data-testid=simulation-result]`
  with `data-total`, days `[data-testid=simulation-day]` (`data-date`, `data-count`). It runs 337
  hourly planner ticks: about 5 s on the 300-customer browser demo, so wait for it with a longer
  timeout than the default (60 s). `[data-testid=simulate-with-others]` plans every SOP too (slower).
* save: `[data-testid=save]` or `[data-testid=save-enable]`; then the page goes to `/sops/{id}`.

Building the birthday SOP from a blank form: fill `sop-id` = `birthday-wish`, `sop-name`;
select `audience.type` = `birthday` (period `today` is the default); `sop-reentry` = `always`;
fill `steps.0.at.time` = `09:00` and `steps.0.content.0.value`; click `steps.0.content.add`,
select `steps.0.content.1.kind` = `link`, fill `steps.0.content.1.title` / `.url`; wait for
`problems[data-ok=true]`; click `preview-button`, `simulate-button`, then `save-enable`.
The new-contact SOP: `sop-id` = `new-contact`, `audience.type` = `not`, `audience.0.type` =
`tag` with `audience.0.name` = `员工`; `sop-entry` = `event` with `sop-entry-event` =
`friend_added`; step 0: `steps.0.at.form` = `delay`, `steps.0.at.delay` = `0m`,
`steps.0.mode` = `auto`, text; `steps.add`; step 1: `steps.1.at.form` = `day`, `steps.1.at.day`
= `1`, `steps.1.at.time` = `20:00`, `steps.1.when.type` = `in_group` with
`steps.1.when.member` = `false`, text; then preview, simulate (an event-entry SOP shows a note:
no new events arrive in a simulation), `save-enable`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError

import siyu
from siyu.audiences import preview as audience_preview
from siyu.brand import settings as brand_settings
from siyu.core.bounds import BOUND_OPS
from siyu.core.conditions.nodes import ATTR_OPS
from siyu.core.errors import NotFoundError, ValidationError
from siyu.core.model import EventEntry, SopKind
from siyu.core.timeutil import US_PER_HOUR, from_us
from siyu.core.yamlsource import LoadedSop, load_sops
from siyu.planner import draft_simulation
from siyu.sops import drafts as sop_drafts
from siyu.sops import known_names
from siyu.sops import repo as sop_service
from siyu.sops.drafts import DraftCheck, Located
from siyu.sops.editor.buttons import apply_op
from siyu.sops.editor.condition_form import GROUP_TYPES, LEAF_TYPES, MEASURES, MEMBERSHIPS, PERIODS, WINDOWS
from siyu.sops.editor.posted import form_from_fields
from siyu.sops.editor.sop_form import (
    SopForm,
    audience_key,
    blank_form,
    definition_of,
    extras_json,
    extras_yaml,
    form_of,
    yaml_of,
)
from siyu.sops.editor.step_form import AT_FORMS, CHANNELS, EVERY, EXECUTOR_KINDS, ITEM_KINDS, WEEKDAYS
from siyu.sops.yaml_writer import leading_comment
from siyu.web.common.sops import MAX_DRAFT_SOURCE
from siyu.web.deps import Caller, Db, NowUs, Operator, ReadOnly, StandaloneOperator, engine_of
from siyu.web.i18n import locale_of
from siyu.web.templating import render

router = APIRouter()

EXAMPLES = Path(siyu.__file__).resolve().parents[2] / "examples" / "sops"
MAX_FIELDS = 5000
SIMULATED_DAYS = 14
SIMULATION_STEP_US = US_PER_HOUR
ROWS_PER_DAY = 10

OPTIONS: dict[str, Any] = {
    "kinds": [kind.value for kind in SopKind],
    "channels": {kind: list(channels) for kind, channels in CHANNELS.items()},
    "executor_kinds": list(EXECUTOR_KINDS),
    "item_kinds": list(ITEM_KINDS),
    "at_forms": list(AT_FORMS),
    "every": list(EVERY),
    "weekdays": list(WEEKDAYS),
    "leaf_types": {target.value: list(types) for target, types in LEAF_TYPES.items()},
    "group_types": list(GROUP_TYPES),
    "attr_ops": list(ATTR_OPS),
    "bound_ops": list(BOUND_OPS),
    "windows": list(WINDOWS),
    "measures": list(MEASURES),
    "periods": list(PERIODS),
    "memberships": list(MEMBERSHIPS),
}


# ---------------------------------------------------------------- templates (examples/sops)


@dataclass(frozen=True)
class Template:
    key: str  # file stem for a file's first SOP, `stem:id` for the others
    label: str
    file: Path
    loaded: LoadedSop


@functools.cache
def _templates_in(folder: Path, stamp: tuple[tuple[str, float], ...]) -> tuple[Template, ...]:
    found: list[Template] = []
    for name, _ in stamp:
        path = folder / name
        try:
            loaded = load_sops(path.read_text(encoding="utf-8"), path.name)
        except (OSError, UnicodeDecodeError, ValidationError):
            continue
        for index, item in enumerate(loaded):
            sop_id, sop_name = str(item.raw.get("id", "")), str(item.raw.get("name", ""))
            key = path.stem if index == 0 else f"{path.stem}:{sop_id}"
            found.append(Template(key, f"{path.stem} · {sop_name or sop_id}", path, item))
    return tuple(found)


def templates(folder: Path = EXAMPLES) -> tuple[Template, ...]:
    """Every SOP of the example pack, read again when a file changes."""
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    return _templates_in(folder, tuple((p.name, p.stat().st_mtime) for p in files))


def find_template(key: str) -> Template | None:
    return next((t for t in templates() if t.key == key), None)


def template_source(template: Template) -> str:
    """A one-SOP file as written (comments too); one SOP of a list file, cut out of it."""
    return template.loaded.source if template.loaded.path else template.file.read_text(encoding="utf-8")


def base_of(origin: str) -> Path | None:
    """Where a draft's materials are: beside the template it started from (else see sop_drafts)."""
    if origin.startswith("template:"):
        found = find_template(origin.removeprefix("template:"))
        return found.file if found is not None else None
    return None


# ---------------------------------------------------------------- rendering


def form_context(form: SopForm) -> dict[str, Any]:
    return {"form": form, "opts": OPTIONS, "extras_json": extras_json(form), "extras_yaml": extras_yaml(form)}


def _page(
    request: Request,
    conn: Any,
    who: Caller,
    *,
    form: SopForm,
    source: str,
    origin: str,
    sop_id: str | None = None,
    template_key: str = "",
    check: DraftCheck | None = None,
    status: int = 200,
) -> HTMLResponse:
    found = check or sop_drafts.check_draft(
        conn, source, base=base_of(origin), locale=locale_of(request, who.user.locale)
    )
    return render(
        request,
        "editor/page.html",
        {
            "caller": who,
            **form_context(form),
            "known": known_names.suggestions(conn) if conn is not None else {},
            "source": source,
            "check": found,
            "origin": origin,
            "sop_id": sop_id,
            "templates": templates(),
            "template_key": template_key,
            "audience_key": audience_key(definition_of(form)),
            "oob": False,
            "stale": False,
        },
        status=status,
    )


@router.get("/sops/new", response_class=HTMLResponse)
def new_sop(request: Request, conn: Db, who: Operator, template: str = "", kind: str = "customer") -> Response:
    if template:
        found = find_template(template)
        if found is None:
            raise NotFoundError(f"no template named {template}")
        source = template_source(found)
        form = form_of(found.loaded.raw, comment=leading_comment(source))
        return _page(
            request, conn, who, form=form, source=source, origin=f"template:{found.key}", template_key=found.key
        )
    form = blank_form(kind if kind in OPTIONS["kinds"] else SopKind.customer.value)
    return _page(request, conn, who, form=form, source=yaml_of(form), origin="")


@router.get("/sops/{sop_id}/edit", response_class=HTMLResponse)
def edit_sop(request: Request, sop_id: str, conn: Db, who: Operator) -> Response:
    stored = sop_service.latest(conn, sop_id)
    form = form_of(stored.definition, comment=leading_comment(stored.source))
    return _page(request, conn, who, form=form, source=stored.source, origin=f"sop:{stored.id}", sop_id=stored.id)


# ---------------------------------------------------------------- round trips


async def posted_fields(request: Request) -> dict[str, str]:
    """The editor's posted fields by name (the last value of a repeated name)."""
    form = await request.form(max_fields=MAX_FIELDS)
    return {key: value for key, value in form.items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(posted_fields)]


def _too_long(source: str) -> DraftCheck | None:
    if len(source) <= MAX_DRAFT_SOURCE:
        return None
    message = f"at most {MAX_DRAFT_SOURCE} characters, got {len(source)}"
    return DraftCheck([Located(sop_drafts.DRAFT_NAME, message)], [])


def _check(conn: Any, source: str, origin: str, locale: str) -> DraftCheck:
    """The draft's problems and warnings (warnings in the reader's language)."""
    return _too_long(source) or sop_drafts.check_draft(conn, source, base=base_of(origin), locale=locale)


def current_source(fields: dict[str, str]) -> str:
    """The draft as it stands: the form's YAML when the form was edited last, else the YAML text."""
    if fields.get("last") == "form":
        return yaml_of(form_from_fields(fields))
    return fields.get("source", "")


def _sync(
    request: Request,
    who: Caller,
    fields: dict[str, str],
    *,
    check: DraftCheck,
    form: SopForm | None,
    source: str | None,
    key: str,
    stale: bool = False,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "caller": who,
        "check": check,
        "form_html": form is not None,
        "yaml_oob": source is not None,
        "source": source or "",
        "audience_key": key,
        "oob": True,
        "stale": stale,
    }
    if form is not None:
        context.update(form_context(form))
    response = render(request, "editor/_sync.html", context)
    if key != fields.get("audience_key"):
        response.headers["HX-Trigger"] = "audience-changed"
    return response


@router.post("/sop-editor/form", response_class=HTMLResponse, dependencies=[ReadOnly])
def sync_form(request: Request, conn: Db, who: Operator, fields: Posted) -> Response:
    """A form edit: answers the YAML and the problems; after a button or a structural choice
    (`op`), the re-rendered form too."""
    form = form_from_fields(fields)
    op = fields.get("op", "")
    if op and op != "render":
        apply_op(form, op)
    source = yaml_of(form)
    check = _check(conn, source, fields.get("origin", ""), locale_of(request, who.user.locale))
    key = audience_key(definition_of(form))
    return _sync(request, who, fields, check=check, form=form if op else None, source=source, key=key)


@router.post("/sop-editor/yaml", response_class=HTMLResponse, dependencies=[ReadOnly])
def sync_yaml(request: Request, conn: Db, who: Operator, fields: Posted) -> Response:
    """A YAML edit: answers the form and the problems; text that is not one SOP mapping keeps
    the form as it was."""
    source = fields.get("source", "")
    check = _check(conn, source, fields.get("origin", ""), locale_of(request, who.user.locale))
    if check.raw is None:
        return _sync(
            request, who, fields, check=check, form=None, source=None, key=fields.get("audience_key", ""), stale=True
        )
    form = form_of(check.raw, comment=leading_comment(source))
    return _sync(request, who, fields, check=check, form=form, source=None, key=audience_key(check.raw))


@router.post("/sop-editor/preview", response_class=HTMLResponse, dependencies=[ReadOnly])
def preview(request: Request, conn: Db, who: Operator, now: NowUs, fields: Posted) -> Response:
    check = _check(conn, current_source(fields), fields.get("origin", ""), locale_of(request, who.user.locale))
    if not check.ok:
        return render(request, "editor/_preview.html", {"caller": who, "problems": True, "audiences": []})
    found = audience_preview.preview(conn, check.sop, now, limit=audience_preview.SAMPLE_SIZE)
    return render(
        request,
        "editor/_preview.html",
        {
            "caller": who,
            "problems": False,
            "audiences": found,
            "evaluated_at": _local_now(conn, now),
            "event_entry": isinstance(check.sop.entry, EventEntry),
        },
    )


def _local_now(conn: Any, now: int) -> str:
    return from_us(now, brand_settings.load(conn).zone).strftime("%Y-%m-%d %H:%M")


@router.post("/sop-editor/simulate", response_class=HTMLResponse)
def simulate(request: Request, who: StandaloneOperator, now: NowUs, fields: Posted) -> Response:
    """The next 14 days (or `days`, 1–31) of the draft, switched on now; nothing is stored."""
    source = current_source(fields)
    engine = engine_of(request)
    with engine.connect() as conn:
        check = _check(conn, source, fields.get("origin", ""), locale_of(request, who.user.locale))
    if not check.ok:
        return render(request, "editor/_simulation.html", {"caller": who, "problems": True, "sim": None})
    days_text = fields.get("days", "")
    days = min(max(int(days_text), 1), 31) if days_text.isdigit() else SIMULATED_DAYS
    try:
        found = draft_simulation.simulate_draft(
            engine,
            check,
            source,
            now_us=now,
            days=days,
            step_us=SIMULATION_STEP_US,
            per_day=ROWS_PER_DAY,
            with_others=fields.get("with_others") == "1",
            locale=locale_of(request, who.user.locale),
        )
    except OperationalError as exc:
        if "locked" not in str(exc).lower():
            raise
        return render(request, "editor/_simulation.html", {"caller": who, "problems": False, "sim": None, "busy": True})
    return render(
        request,
        "editor/_simulation.html",
        {
            "caller": who,
            "problems": False,
            "sim": found,
            "days": days,
            "with_others": fields.get("with_others") == "1",
            "event_entry": isinstance(check.sop.entry, EventEntry),
        },
    )


@router.post("/sop-editor/save", response_class=HTMLResponse)
def save(request: Request, conn: Db, who: Operator, now: NowUs, fields: Posted) -> Response:
    """保存 (a new version; the switch as it was, a new SOP off) or 保存并启用 (`enable=1`)."""
    source = current_source(fields)
    origin = fields.get("origin", "")
    htmx = request.headers.get("HX-Request") == "true"
    check = _check(conn, source, origin, locale_of(request, who.user.locale))
    if check.ok:
        try:
            with conn.begin_nested():
                saved = sop_drafts.save_draft(
                    conn, who.user, check, source, enable=fields.get("enable") == "1", now_us=now
                )
        except ValidationError as exc:
            check = DraftCheck([sop_drafts.locate(p) for p in exc.problems], check.warnings, check.raw)
        else:
            target = f"/sops/{saved.sop_id}"
            if htmx:
                return Response(status_code=200, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
    if htmx:
        return render(
            request, "editor/_save_refused.html", {"caller": who, "check": check, "oob": True, "stale": False}
        )
    form = form_of(check.raw, comment=leading_comment(source)) if check.raw is not None else form_from_fields(fields)
    return _page(request, conn, who, form=form, source=source, origin=origin, check=check, status=422)
