"""The whole SOP ↔ `SopForm`: the top-level fields, the condition builders this kind of SOP shows,
the steps, and `extras` — the top-level keys only the YAML tab edits, written back as they were.

`form_of(definition)` reads any mapping; `definition_of(form)` writes it back in the usual key
order, so that `definition_of(form_of(d)) == d` for every mapping `d`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import SopKind, audience_target
from siyu.sops.editor.codec import inline_ok, mapping_text, mapping_value, number_text, number_value
from siyu.sops.editor.condition_form import Node, node_of, node_value
from siyu.sops.editor.step_form import CHANNELS, StepForm, new_step, step_of, step_target_of, step_value
from siyu.sops.yaml_writer import dump, same

_TOP_ORDER = (
    "id",
    "name",
    "kind",
    "goal",
    "enabled",
    "priority",
    "anchor",
    "audience",
    "groups",
    "visible_to",
    "entry",
    "reentry",
    "exit",
    "holdout",
    "phases",
    "steps",
    "standards",
)
FORM_KEYS = frozenset(
    {
        "id",
        "name",
        "kind",
        "goal",
        "priority",
        "anchor",
        "audience",
        "groups",
        "visible_to",
        "entry",
        "reentry",
        "exit",
        "holdout",
        "steps",
    }
)
CONDITION_ROOTS = ("audience", "exit", "groups", "visible_to")


@dataclass
class SopForm:
    id: str = ""
    name: str = ""
    kind: str = ""
    goal: str = ""
    priority: str = ""
    holdout: str = ""
    anchor: str = ""
    entry: str = "audience"
    entry_set: bool = False  # `entry: audience` is written although it is the default
    entry_event: str = ""
    entry_where: str = ""
    reentry: str = "never"
    reentry_set: bool = False
    reentry_after: str = ""
    audience: Node | None = None
    exit: Node | None = None
    groups: Node | None = None
    visible_to: Node | None = None
    steps: list[StepForm] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # top-level keys only the YAML edits
    comment: str = ""  # the `#` lines that open the YAML, kept across form edits

    @property
    def kind_or_default(self) -> str:
        return self.kind if self.kind in CHANNELS else SopKind.customer.value

    @property
    def audience_target(self) -> TargetKind:
        return audience_target(SopKind(self.kind_or_default))

    def step_target(self, step: StepForm) -> TargetKind:
        return step_target_of(self.kind, step.channel)

    def root(self, name: str) -> Node | None:
        value: Node | None = getattr(self, name)
        return value

    def root_target(self, name: str) -> TargetKind:
        if name == "groups":
            return TargetKind.group
        if name == "visible_to":
            return TargetKind.customer
        return self.audience_target

    def roots(self) -> tuple[str, ...]:
        """The condition builders this kind of SOP shows (and writes)."""
        extra = {"campaign": ("groups",), "moments": ("visible_to",)}.get(self.kind_or_default, ())
        return ("audience", *extra, "exit")


def form_of(definition: Mapping[str, Any], *, comment: str = "") -> SopForm:
    """The form of an SOP definition; whatever the form cannot show exactly goes to `extras`."""
    form = SopForm(comment=comment)
    kind = definition.get("kind")
    form.kind = kind if isinstance(kind, str) and kind in CHANNELS else ""
    for key, value in definition.items():
        if (
            key not in FORM_KEYS
            or not _take(form, key, value)
            or not same(_top_value(form, key), value)
            or not all(map(inline_ok, _top_texts(form, key)))
        ):
            _clear(form, key)
            form.extras[key] = copy.deepcopy(value)
    return form


def _take(form: SopForm, key: str, value: Any) -> bool:
    if key == "kind":
        return bool(form.kind)
    if key in ("id", "name", "goal", "holdout", "anchor"):
        if not isinstance(value, str) or (key == "anchor" and form.kind != SopKind.campaign.value):
            return False
        setattr(form, key, value)
        return True
    if key == "priority":
        text = number_text(value)
        if text is None:
            return False
        form.priority = text
        return True
    if key in CONDITION_ROOTS:
        if key not in form.roots():
            return False
        setattr(form, key, node_of(value, form.root_target(key)))
        return True
    if key == "entry":
        return _take_entry(form, value)
    if key == "reentry":
        return _take_reentry(form, value)
    if key == "steps" and isinstance(value, list):
        form.steps = [step_of(item, form.kind_or_default) for item in value]
        return True
    return False


def _take_entry(form: SopForm, value: Any) -> bool:
    if value == "audience":
        form.entry, form.entry_set = "audience", True
        return True
    if isinstance(value, Mapping) and isinstance(value.get("event"), str):
        form.entry, form.entry_event = "event", value["event"]
        if "where" in value:
            if not isinstance(value["where"], Mapping) or not value["where"]:
                return False
            form.entry_where = mapping_text(value["where"])
        return True
    return False


def _take_reentry(form: SopForm, value: Any) -> bool:
    if value in ("never", "always"):
        form.reentry, form.reentry_set = value, True
        return True
    if isinstance(value, Mapping) and list(value) == ["after"] and isinstance(value["after"], str):
        form.reentry, form.reentry_after = "after", value["after"]
        return True
    return False


def _clear(form: SopForm, key: str) -> None:
    defaults = SopForm()
    if key == "entry":
        for name in ("entry", "entry_set", "entry_event", "entry_where"):
            setattr(form, name, getattr(defaults, name))
    elif key == "reentry":
        for name in ("reentry", "reentry_set", "reentry_after"):
            setattr(form, name, getattr(defaults, name))
    elif key == "kind":
        form.kind = ""
    elif key in FORM_KEYS:
        setattr(form, key, copy.deepcopy(getattr(defaults, key)))


_ABSENT = object()


def _top_texts(form: SopForm, key: str) -> list[str]:
    """The one-line inputs that hold a top-level key."""
    if key in ("id", "name", "goal", "holdout", "anchor", "priority"):
        return [getattr(form, key)]
    if key == "entry":
        return [form.entry_event, form.entry_where]
    if key == "reentry":
        return [form.reentry_after]
    return []


def _top_value(form: SopForm, key: str) -> Any:
    """What the form writes for a top-level key (`_ABSENT`: nothing)."""
    kind = form.kind
    if key in ("id", "name", "kind", "goal", "holdout"):
        return getattr(form, key) or _ABSENT
    if key == "anchor":
        return form.anchor if form.anchor and kind == SopKind.campaign.value else _ABSENT
    if key == "priority":
        return number_value(form.priority) if form.priority.strip() else _ABSENT
    if key in CONDITION_ROOTS:
        node = form.root(key)
        return node_value(node) if node is not None and key in form.roots() else _ABSENT
    if key == "entry":
        if form.entry == "event":
            value: dict[str, Any] = {"event": form.entry_event}
            where = mapping_value(form.entry_where)
            if where is not None:
                value["where"] = where
            return value
        return "audience" if form.entry_set else _ABSENT
    if key == "reentry":
        if form.reentry == "after":
            return {"after": form.reentry_after}
        if form.reentry == "always" or form.reentry_set:
            return form.reentry
        return _ABSENT
    if key == "steps":
        return [step_value(step) for step in form.steps] if form.steps else _ABSENT
    return _ABSENT


def definition_of(form: SopForm) -> dict[str, Any]:
    """The SOP definition the form stands for: form fields and `extras`, in the usual key order."""
    out: dict[str, Any] = {}
    for key in (*_TOP_ORDER, *form.extras):
        if key in out:
            continue
        if key in form.extras:
            out[key] = copy.deepcopy(form.extras[key])
        else:
            value = _top_value(form, key)
            if value is not _ABSENT:
                out[key] = value
    return out


def yaml_of(form: SopForm) -> str:
    return dump(definition_of(form), comment=form.comment)


def audience_key(definition: Mapping[str, Any]) -> str:
    """Changes when anything that decides who is in the SOP's audiences changes."""
    parts = {key: definition.get(key) for key in ("kind", "audience", "groups", "entry")}
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def blank_form(kind: str = SopKind.customer.value) -> SopForm:
    """A new SOP: nothing chosen but one step with an empty text."""
    return SopForm(
        kind=kind,
        entry="audience",
        entry_set=True,
        reentry="never",
        reentry_set=True,
        steps=[new_step(kind, 1)],
    )


def extras_json(form: SopForm) -> str:
    return json.dumps(form.extras, ensure_ascii=False)


def extras_yaml(form: SopForm) -> list[tuple[str, str]]:
    """(key, YAML text) of each part only the YAML tab edits, for showing beside the form."""
    return [(key, dump({key: value})) for key, value in form.extras.items()]
