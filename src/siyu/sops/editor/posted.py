"""The form read back from the fields the console posts: flat names such as `steps.0.at.time` and
`audience.1.type` (see the templates in web/templates/editor/)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from siyu.core.model import Mode, Period, Weekday
from siyu.sops.editor.condition_form import GROUP_TYPES, MAX_DEPTH, NODE_FIELDS, Node
from siyu.sops.editor.sop_form import CONDITION_ROOTS, SopForm
from siyu.sops.editor.step_form import AT_FIELDS, ITEM_FIELDS, Item, StepForm, VariantForm


class Fields:
    """The posted form fields by name; values keep what was typed (line breaks as \\n)."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = {key: value.replace("\r\n", "\n") for key, value in values.items()}
        self._names = sorted(self.values)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.values

    def indices(self, prefix: str) -> list[int]:
        """The list indices under `prefix` (`steps` → 0, 1, 2 from `steps.0.id`, `steps.1.at.day`…)."""
        pattern = re.compile(re.escape(prefix) + r"\.(\d+)(?:\.|$)")
        found = {int(match.group(1)) for name in self._names if (match := pattern.match(name))}
        return sorted(found)


def form_from_fields(values: Mapping[str, str]) -> SopForm:
    """The form the console posted (see the templates in web/templates/editor/)."""
    fields = Fields(values)
    form = SopForm()
    for key in ("id", "name", "kind", "goal", "priority", "holdout", "anchor", "comment"):
        setattr(form, key, fields.get(key))
    form.entry = fields.get("entry", "audience")
    form.entry_set = bool(fields.get("entry_set"))
    form.entry_event = fields.get("entry_event")
    form.entry_where = fields.get("entry_where")
    form.reentry = fields.get("reentry", "never")
    form.reentry_set = bool(fields.get("reentry_set"))
    form.reentry_after = fields.get("reentry_after")
    try:
        extras = json.loads(fields.get("extras") or "{}")
    except ValueError:
        extras = {}
    form.extras = extras if isinstance(extras, dict) else {}
    for root in CONDITION_ROOTS:
        setattr(form, root, _read_posted_node(fields, root, 0))
    form.steps = [_read_posted_step(fields, f"steps.{i}") for i in fields.indices("steps")]
    return form


def _read_posted_node(fields: Fields, prefix: str, depth: int) -> Node | None:
    kind = fields.get(f"{prefix}.type")
    if not kind or depth > MAX_DEPTH:
        return None
    if kind in GROUP_TYPES:
        children = [
            child
            for index in fields.indices(prefix)
            if (child := _read_posted_node(fields, f"{prefix}.{index}", depth + 1)) is not None
        ]
        was = fields.get(f"{prefix}.was")
        if not children and was and was not in GROUP_TYPES and was in NODE_FIELDS:
            children = [_leaf_from(fields, prefix, was)]  # a leaf turned into a group keeps the leaf
        if not children:
            children = [Node("tag")]
        if kind == "not":
            children = children[:1]
        return Node(kind, children=children)
    if kind not in NODE_FIELDS:
        return None
    return _leaf_from(fields, prefix, kind)


def _leaf_from(fields: Fields, prefix: str, kind: str) -> Node:
    values = {name: fields.get(f"{prefix}.{name}") for name in NODE_FIELDS[kind] if fields.has(f"{prefix}.{name}")}
    return Node(kind, values)


def _read_posted_items(fields: Fields, prefix: str) -> list[Item]:
    items: list[Item] = []
    for index in fields.indices(prefix):
        at = f"{prefix}.{index}"
        kind = fields.get(f"{at}.kind", "text")
        items.append(
            Item(kind, {name: fields.get(f"{at}.{name}") for name in ITEM_FIELDS if fields.has(f"{at}.{name}")})
        )
    return items


def _read_posted_step(fields: Fields, prefix: str) -> StepForm:
    if fields.has(f"{prefix}.yaml"):
        return StepForm(yaml=fields.get(f"{prefix}.yaml"))
    step = StepForm(
        id=fields.get(f"{prefix}.id"),
        at={name: fields.get(f"{prefix}.at.{name}") for name in AT_FIELDS if fields.has(f"{prefix}.at.{name}")},
        channel=fields.get(f"{prefix}.channel"),
        executor_kind=fields.get(f"{prefix}.executor_kind"),
        executor_name=fields.get(f"{prefix}.executor_name"),
        mode=fields.get(f"{prefix}.mode", Mode.remind.value),
        mode_set=bool(fields.get(f"{prefix}.mode_set")),
        workdays=bool(fields.get(f"{prefix}.workdays_only")),
        workdays_key=fields.get(f"{prefix}.workdays_key"),
        when=_read_posted_node(fields, f"{prefix}.when", 0),
        content=_read_posted_items(fields, f"{prefix}.content"),
        notes=fields.get(f"{prefix}.notes"),
    )
    if step.at.get("form") == "every":  # a period just chosen starts at its first choice
        step.at["every"] = step.at.get("every") or Period.day.value
        if step.at["every"] == Period.week.value and not step.at.get("weekday"):
            step.at["weekday"] = Weekday.mon.value
    for index in fields.indices(f"{prefix}.variants"):
        at = f"{prefix}.variants.{index}"
        step.variants.append(
            VariantForm(
                id=fields.get(f"{at}.id"),
                weight=fields.get(f"{at}.weight"),
                own=bool(fields.get(f"{at}.own")),
                content=_read_posted_items(fields, f"{at}.content"),
            )
        )
    for variant in step.variants:
        if variant.own and not variant.content:
            variant.content = [Item("text", {"value": ""})]
    return step
