"""The SOP editor's form and its two-way mapping to an SOP definition (the raw mapping of a file).

The console edits one SOP in two tabs kept in sync: a form (表单) for the parts operators change
every day, and the YAML for everything. This module is the form's model:

* `form_of(definition)` reads any mapping into a `SopForm`;
* `definition_of(form)` writes it back, so that `definition_of(form_of(d))` equals `d` exactly,
  types included, for every mapping `d` — valid or not;
* `form_from_fields(fields)` reads the form back from the fields the console posts (flat names
  such as `steps.0.at.time` and `audience.1.type`), and `apply_op` carries out the form's buttons
  (add a condition, a step, a content item, a variant; remove; move up or down).

What the form cannot express is never lost: it stays YAML. At the top level a key the form has
no field for (`standards`, `phases`, `enabled`, …) or whose value it cannot show goes to
`extras` and is written back as it was; inside a condition a subtree the builder has no leaf for
(`date_attr`, `repurchase_due`, a bound with two comparisons…) becomes a `yaml` node holding
its YAML text; a step the form cannot show becomes a YAML step. Each of these is decided by a
strict round trip: a part is shown as form fields only if writing those fields gives back the
very same value.

Pure: no database, no clock, no IO.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from siyu.core.bounds import BOUND_OPS
from siyu.core.conditions import ATTR_OPS, BirthdayPeriod, TargetKind
from siyu.core.errors import ValidationError
from siyu.core.model import Channel, Mode, Period, SopKind, Weekday, audience_target, step_target
from siyu.core.yamlsource import load_yaml
from siyu.sops.yaml_writer import dump, quoted, same

# ---------------------------------------------------------------- what the form offers

GROUP_TYPES = ("all", "any", "not")
YAML_TYPE = "yaml"
LEAF_TYPES: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.customer: ("tag", "attr", "event", "no_event", "since", "birthday", "in_group"),
    TargetKind.group: ("tag", "attr", "event", "no_event", "since"),
    TargetKind.staff: ("role", "tag"),
}
WINDOWS = ("ever", "within", "between", "range")
MEASURES = ("", "count", "sum")
MEMBERSHIPS = ("true", "false", "tag")
PERIODS = (*(p.value for p in BirthdayPeriod), "in_days")
AT_FORMS = ("day", "delay", "next", "every", "rrule", "on")
EVERY = tuple(period.value for period in Period)
WEEKDAYS = tuple(day.value for day in Weekday)
EXECUTOR_KINDS = ("owner", "group_owner", "self", "role", "staff")
ITEM_KINDS = ("text", "image", "link", "file", "video", "miniprogram")
CHANNELS: dict[str, tuple[str, ...]] = {
    SopKind.customer.value: (Channel.private.value, Channel.sms.value, Channel.internal.value),
    SopKind.group.value: (Channel.group.value, Channel.internal.value),
    SopKind.moments.value: (Channel.moments.value,),
    SopKind.campaign.value: (Channel.private.value, Channel.sms.value, Channel.group.value, Channel.internal.value),
}
DEFAULT_EXECUTOR = {"customer": "owner", "group": "group_owner", "moments": "self", "campaign": "owner"}
MAX_DEPTH = 12  # condition nesting the form reads back from posted fields

_NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "tag": ("name",),
    "role": ("name",),
    "attr": ("key", "op", "value"),
    "event": (
        "event",
        "window",
        "within",
        "older",
        "newer",
        "from",
        "to",
        "where",
        "measure",
        "count_op",
        "count_value",
        "count_high",
        "count_plain",
        "sum_field",
        "sum_op",
        "sum_value",
        "sum_high",
        "since_entry",
    ),
    "no_event": ("event", "window", "within", "older", "newer", "from", "to", "where", "since_entry"),
    "since": ("event", "days_op", "days_value", "days_high", "days_plain", "where"),
    "birthday": ("period", "in_days_op", "in_days_value", "in_days_high", "in_days_plain"),
    "in_group": ("member", "group_tag"),
    YAML_TYPE: ("source",),
}
_FIELD_DEFAULTS = {
    "op": "eq",
    "window": "ever",
    "count_op": "gte",
    "sum_op": "gte",
    "days_op": "gte",
    "in_days_op": "eq",
    "period": "today",
    "member": "true",
}
_AT_FIELDS = ("form", "delay", "day", "time", "every", "weekday", "monthday", "rrule", "on")
_ITEM_FIELDS = ("value", "title", "url", "appid", "page")
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
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_BOOL_TEXT = {"true": True, "false": False}


# ---------------------------------------------------------------- the form


@dataclass
class Node:
    """A condition in the builder: a group (all, any, not) with children, a leaf with its fields as
    typed in the form, or `yaml` with the YAML text (field `source`) of what the builder cannot show."""

    type: str
    fields: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.fields.get(name, _FIELD_DEFAULTS.get(name, ""))


@dataclass
class Item:
    """A content item: `value` for text, image, file and video; title/url for a link;
    title/appid/page for a mini-program."""

    kind: str = "text"
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass
class VariantForm:
    id: str = ""
    weight: str = ""
    own: bool = False  # carries its own content (else it sends the step's)
    content: list[Item] = field(default_factory=list)


@dataclass
class StepForm:
    """One step. `yaml` set means the form cannot show this step: it is edited as YAML text."""

    yaml: str | None = None
    id: str = ""
    at: dict[str, str] = field(default_factory=lambda: {"form": "day", "day": "0", "time": "10:00"})
    channel: str = ""
    executor_kind: str = ""
    executor_name: str = ""
    mode: str = Mode.remind.value
    mode_set: bool = False  # `mode` is written even when it is the default
    workdays: bool = False
    workdays_key: str = ""  # where workdays_only was written: "", "step" or "at"
    when: Node | None = None
    content: list[Item] = field(default_factory=list)
    variants: list[VariantForm] = field(default_factory=list)
    notes: str = ""

    def at_get(self, name: str) -> str:
        return self.at.get(name, "")


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
        kind = SopKind(self.kind_or_default)
        channel = Channel(step.channel) if step.channel in Channel.__members__ else CHANNELS[kind.value][0]
        return step_target(kind, Channel(channel))

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


# ---------------------------------------------------------------- values ↔ text fields


def inline_ok(text: str) -> bool:
    """Text a one-line <input> posts back unchanged (browsers drop line breaks from input values)."""
    return not any(ch in "\r\n\x00" for ch in text)


def block_ok(text: str) -> bool:
    """Text a <textarea> posts back unchanged (a lone carriage return comes back as a line break)."""
    return not any(ch in "\r\x00" for ch in text)


def scalar_text(value: object) -> str:
    """A scalar as the form shows it: text as typed; numbers and true/false as written in YAML;
    text that would read as something else (or with spaces around it) in double quotes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float_text(value) if isinstance(value, float) else repr(value)
    text = str(value)
    if _reads_as_other(text):
        return quoted(text)
    return text


def float_text(value: float) -> str:
    """A float as YAML that reads back as the same float (1e999 for infinity, as the reader has it)."""
    if value in (float("inf"), float("-inf")):
        return "1e999" if value > 0 else "-1e999"
    return repr(value)


def _reads_as_other(text: str) -> bool:
    return (
        text != text.strip()
        or not text
        or text.startswith('"')
        or any(ch < " " or ch == "\x7f" for ch in text)
        or text in _BOOL_TEXT
        or bool(_INT.match(text) or _FLOAT.match(text))
    )


def scalar_value(text: str) -> Any:
    """The inverse of `scalar_text`: "" is nothing, 12 a number, true a boolean, "…" quoted text."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped in _BOOL_TEXT:
        return _BOOL_TEXT[stripped]
    if _INT.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    if stripped.startswith('"'):
        unquoted = _unquote(stripped)
        if unquoted is not None:
            return unquoted
    return text


def _unquote(token: str) -> str | None:
    try:
        value, _, _ = load_yaml(token, "<value>")
    except ValidationError:
        return None
    return value if isinstance(value, str) else None


_SEPARATORS = (",", "，")


def list_text(values: list[Any]) -> str:
    """A list of scalars as `a, b, "c, d"`."""
    parts = []
    for value in values:
        text = scalar_text(value)
        if isinstance(value, str) and any(sep in text for sep in _SEPARATORS) and not text.startswith('"'):
            text = quoted(value)
        parts.append(text)
    return ", ".join(parts)


def list_value(text: str) -> list[Any]:
    """The inverse of `list_text`; commas (also `，`) separate, double quotes protect."""
    items: list[Any] = []
    rest = text.strip()
    if not rest:
        return items
    while True:
        if rest.startswith('"'):
            end = _closing_quote(rest)
            if end is not None:
                items.append(scalar_value(rest[: end + 1]))
                rest = rest[end + 1 :].lstrip()
                if not rest:
                    return items
                if rest[0] in _SEPARATORS:
                    rest = rest[1:].lstrip()
                    continue
        cut = min((i for i in (rest.find(sep) for sep in _SEPARATORS) if i >= 0), default=-1)
        if cut < 0:
            items.append(scalar_value(rest.strip()))
            return items
        items.append(scalar_value(rest[:cut].strip()))
        rest = rest[cut + 1 :].lstrip()


def _closing_quote(text: str) -> int | None:
    escaped = False
    for index, ch in enumerate(text[1:], start=1):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            return index
    return None


def number_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float_text(value) if isinstance(value, float) else repr(value)


def number_value(text: str) -> Any:
    """Whole number, decimal, or the text as typed (the validator then says what is wrong)."""
    stripped = text.strip()
    if _INT.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    return text


def mapping_text(value: Mapping[str, Any]) -> str:
    """`where`-style mappings as the inside of a YAML flow mapping: `channel: 门店活码, sku: [A, B]`."""
    from siyu.sops.yaml_writer import flow

    return flow(value)[1:-1]


def mapping_value(text: str) -> Any:
    """The inverse of `mapping_text`; text that is not such a mapping is kept as typed."""
    if not text.strip():
        return None
    try:
        value, _, _ = load_yaml("{" + text + "}", "<where>")
    except ValidationError:
        return text
    return value if isinstance(value, dict) else text


def yaml_text(value: object) -> str:
    return dump(value)


def yaml_value(text: str) -> Any:
    """A YAML snippet typed in the form; text that does not read as YAML is kept as text."""
    try:
        value, _, _ = load_yaml(text, "<snippet>")
    except (ValidationError, RecursionError):
        return text
    return value


# ---------------------------------------------------------------- bounds and windows


def _bound_fields(value: object, prefix: str, *, plain: bool) -> dict[str, str] | None:
    if plain and (number := number_text(value)) is not None:
        return {f"{prefix}_op": "eq", f"{prefix}_value": number, f"{prefix}_plain": "1"}
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    op, limit = next(iter(value.items()))
    if op not in BOUND_OPS:
        return None
    if op == "between":
        if not isinstance(limit, list) or len(limit) != 2:
            return None
        low, high = number_text(limit[0]), number_text(limit[1])
        if low is None or high is None:
            return None
        return {f"{prefix}_op": op, f"{prefix}_value": low, f"{prefix}_high": high}
    number = number_text(limit)
    return None if number is None else {f"{prefix}_op": op, f"{prefix}_value": number}


def _bound_value(node: Node, prefix: str) -> Any:
    op = node.get(f"{prefix}_op")
    value = number_value(node.get(f"{prefix}_value"))
    if op == "between":
        return {"between": [value, number_value(node.get(f"{prefix}_high"))]}
    if op == "eq" and node.get(f"{prefix}_plain"):
        return value
    return {op: value}


def _window_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    keys = [k for k in ("within", "between", "from", "to") if k in raw]
    if not keys:
        return {"window": "ever"}
    if keys == ["within"] and isinstance(raw["within"], str):
        return {"window": "within", "within": raw["within"]}
    if keys == ["between"]:
        pair = raw["between"]
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair):
            return {"window": "between", "older": pair[0], "newer": pair[1]}
        return None
    if keys == ["from", "to"] and isinstance(raw["from"], str) and isinstance(raw["to"], str):
        return {"window": "range", "from": raw["from"], "to": raw["to"]}
    return None


def _window_value(node: Node) -> dict[str, Any]:
    window = node.get("window")
    if window == "within":
        return {"within": node.get("within")}
    if window == "between":
        return {"between": [node.get("older"), node.get("newer")]}
    if window == "range":
        return {"from": node.get("from"), "to": node.get("to")}
    return {}


def _where_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    if "where" not in raw:
        return {}
    where = raw["where"]
    return {"where": mapping_text(where)} if isinstance(where, Mapping) and where else None


def _where_value(node: Node) -> dict[str, Any]:
    where = mapping_value(node.get("where"))
    return {} if where is None else {"where": where}


# ---------------------------------------------------------------- conditions


def node_of(raw: object, target: TargetKind, level: int = 0) -> Node:
    """The builder's node for a condition; a `yaml` node when the builder cannot show it exactly
    (or when it sits deeper than MAX_DEPTH)."""
    node = _read_node(raw, target, level) if level <= MAX_DEPTH else None
    if node is not None and same(node_value(node), raw) and all(map(inline_ok, node.fields.values())):
        return node
    return Node(YAML_TYPE, {"source": yaml_text(raw)})


def _read_node(raw: object, target: TargetKind, level: int) -> Node | None:
    if not isinstance(raw, Mapping) or not raw:
        return None
    heads = [key for key in raw if key in (*GROUP_TYPES, *_NODE_FIELDS)]
    if len(heads) != 1:
        return None
    head = heads[0]
    if head in ("all", "any"):
        items = raw[head]
        if len(raw) != 1 or not isinstance(items, list):
            return None
        return Node(head, children=[node_of(item, target, level + 1) for item in items])
    if head == "not":
        return Node("not", children=[node_of(raw["not"], target, level + 1)]) if len(raw) == 1 else None
    if head not in LEAF_TYPES[target]:
        return None
    reader = _LEAF_READERS[head]
    fields = reader(raw)
    return Node(head, fields) if fields is not None else None


def _name_fields(key: str) -> Callable[[Mapping[str, Any]], dict[str, str] | None]:
    def read(raw: Mapping[str, Any]) -> dict[str, str] | None:
        value = raw[key]
        return {"name": value} if isinstance(value, str) else None

    return read


def _attr_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    key = raw["attr"]
    ops = [k for k in raw if k != "attr"]
    if not isinstance(key, str) or len(ops) != 1 or ops[0] not in ATTR_OPS:
        return None
    op = ops[0]
    value = raw[op]
    if op == "exists":
        return {"key": key, "op": op, "value": "true" if value is True else "false"}
    if op in ("in", "not_in", "between"):
        if not isinstance(value, list):
            return None
        return {"key": key, "op": op, "value": list_text(value)}
    return {"key": key, "op": op, "value": scalar_text(value)}


def _attr_value(node: Node) -> Any:
    op = node.get("op")
    text = node.get("value")
    if op == "exists":
        value: Any = _BOOL_TEXT.get(text.strip(), text)
    elif op in ("in", "not_in", "between"):
        value = list_value(text)
    else:
        value = scalar_value(text)
    return {"attr": node.get("key"), op: value}


def _event_fields(raw: Mapping[str, Any], head: str) -> dict[str, str] | None:
    kind = raw[head]
    window = _window_fields(raw)
    where = _where_fields(raw)
    if not isinstance(kind, str) or window is None or where is None:
        return None
    fields = {"event": kind, **window, **where}
    if "since_entry" in raw:
        if raw["since_entry"] is not True:
            return None
        fields["since_entry"] = "1"
    if head == "no_event":
        return fields
    if "count" in raw and "sum" in raw:
        return None
    if "count" in raw:
        bound = _bound_fields(raw["count"], "count", plain=True)
        if bound is None:
            return None
        fields.update(measure="count", **bound)
    elif "sum" in raw:
        spec = raw["sum"]
        if not isinstance(spec, Mapping) or not isinstance(spec.get("field"), str):
            return None
        bound = _bound_fields({k: v for k, v in spec.items() if k != "field"}, "sum", plain=False)
        if bound is None:
            return None
        fields.update(measure="sum", sum_field=spec["field"], **bound)
    return fields


def _event_value(node: Node, head: str) -> Any:
    value: dict[str, Any] = {head: node.get("event"), **_window_value(node), **_where_value(node)}
    if head == "event":
        if node.get("measure") == "count":
            value["count"] = _bound_value(node, "count")
        elif node.get("measure") == "sum":
            value["sum"] = {"field": node.get("sum_field"), **_bound_value(node, "sum")}
    if node.get("since_entry"):
        value["since_entry"] = True
    return value


def _since_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    kind = raw["since"]
    where = _where_fields(raw)
    bound = _bound_fields(raw.get("days"), "days", plain=True)
    if not isinstance(kind, str) or where is None or bound is None:
        return None
    return {"event": kind, **bound, **where}


def _since_value(node: Node) -> Any:
    return {"since": node.get("event"), "days": _bound_value(node, "days"), **_where_value(node)}


def _birthday_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    value = raw["birthday"]
    if isinstance(value, str) and value in BirthdayPeriod.__members__:
        return {"period": value}
    if isinstance(value, Mapping) and list(value) == ["in_days"]:
        bound = _bound_fields(value["in_days"], "in_days", plain=True)
        return None if bound is None else {"period": "in_days", **bound}
    return None


def _birthday_value(node: Node) -> Any:
    period = node.get("period")
    if period == "in_days":
        return {"birthday": {"in_days": _bound_value(node, "in_days")}}
    return {"birthday": period}


def _in_group_fields(raw: Mapping[str, Any]) -> dict[str, str] | None:
    value = raw["in_group"]
    if isinstance(value, bool):
        return {"member": "true" if value else "false"}
    if isinstance(value, Mapping) and list(value) == ["tag"] and isinstance(value["tag"], str):
        return {"member": "tag", "group_tag": value["tag"]}
    return None


def _in_group_value(node: Node) -> Any:
    member = node.get("member")
    if member == "tag":
        return {"in_group": {"tag": node.get("group_tag")}}
    return {"in_group": _BOOL_TEXT.get(member, member)}


_LEAF_READERS: dict[str, Callable[[Mapping[str, Any]], dict[str, str] | None]] = {
    "tag": _name_fields("tag"),
    "role": _name_fields("role"),
    "attr": _attr_fields,
    "event": lambda raw: _event_fields(raw, "event"),
    "no_event": lambda raw: _event_fields(raw, "no_event"),
    "since": _since_fields,
    "birthday": _birthday_fields,
    "in_group": _in_group_fields,
}


def node_value(node: Node) -> Any:
    """The condition a node stands for, as plain data."""
    kind = node.type
    if kind in ("all", "any"):
        return {kind: [node_value(child) for child in node.children]}
    if kind == "not":
        return {"not": node_value(node.children[0]) if node.children else None}
    if kind in ("tag", "role"):
        return {kind: node.get("name")}
    if kind == "attr":
        return _attr_value(node)
    if kind in ("event", "no_event"):
        return _event_value(node, kind)
    if kind == "since":
        return _since_value(node)
    if kind == "birthday":
        return _birthday_value(node)
    if kind == "in_group":
        return _in_group_value(node)
    return yaml_value(node.get("source"))


# ---------------------------------------------------------------- steps


def step_of(raw: object, kind: str) -> StepForm:
    """The form of a step; a YAML step when the form cannot show it exactly."""
    step = _read_step(raw, kind)
    if step is not None and same(step_value(step), raw) and _step_fits(step):
        return step
    return StepForm(yaml=yaml_text(raw))


def _step_fits(step: StepForm) -> bool:
    """Every value survives its input (texts and notes are text areas, the rest one-line inputs)."""
    items = [*step.content, *(item for variant in step.variants for item in variant.content)]
    inline = [
        step.id,
        step.channel,
        step.executor_name,
        *step.at.values(),
        *(variant.id for variant in step.variants),
        *(variant.weight for variant in step.variants),
        *(value for item in items for name, value in item.fields.items() if item.kind != "text" or name != "value"),
    ]
    blocks = [step.notes, *(item.get("value") for item in items if item.kind == "text")]
    return all(map(inline_ok, inline)) and all(map(block_ok, blocks))


def _read_step(raw: object, kind: str) -> StepForm | None:
    if not isinstance(raw, Mapping):
        return None
    allowed = {"id", "at", "channel", "executor", "mode", "when", "content", "variants", "notes", "workdays_only"}
    if any(key not in allowed for key in raw) or "at" not in raw:
        return None
    step = StepForm(at={})
    for key in ("id", "channel", "notes"):
        if key in raw:
            if not isinstance(raw[key], str):
                return None
            setattr(step, key, raw[key])
    if "mode" in raw:
        if not isinstance(raw["mode"], str):
            return None
        step.mode, step.mode_set = raw["mode"], True
    if "executor" in raw and not _read_executor(raw["executor"], step):
        return None
    if "at" in raw and not _read_at(raw["at"], step):
        return None
    if "workdays_only" in raw:
        if not isinstance(raw["workdays_only"], bool) or step.workdays_key:
            return None
        step.workdays, step.workdays_key = raw["workdays_only"], "step"
    form = SopForm(kind=kind)
    if "when" in raw:
        step.when = node_of(raw["when"], form.step_target(step))
    if "content" in raw:
        items = _read_items(raw["content"])
        if items is None:
            return None
        step.content = items
    if "variants" in raw:
        variants = _read_variants(raw["variants"])
        if variants is None:
            return None
        step.variants = variants
    return step


def _read_executor(value: object, step: StepForm) -> bool:
    if not isinstance(value, str):
        return False
    if value in ("owner", "group_owner", "self"):
        step.executor_kind = value
        return True
    prefix, colon, name = value.partition(":")
    if colon and prefix in ("role", "staff"):
        step.executor_kind, step.executor_name = prefix, name
        return True
    return False


def _read_at(value: object, step: StepForm) -> bool:
    if not isinstance(value, Mapping):
        return False
    forms = [form for form in AT_FORMS if form in value]
    if len(forms) != 1:
        return False
    form = forms[0]
    at = {"form": form}
    for key, item in value.items():
        if key == "workdays_only" and isinstance(item, bool):
            step.workdays, step.workdays_key = item, "at"
        elif key in ("day", "monthday"):
            text = number_text(item)
            if text is None:
                return False
            at[key] = text
        elif key == "next" and isinstance(item, str):
            at["time"] = item
        elif key in ("delay", "time", "every", "weekday", "rrule", "on") and isinstance(item, str):
            at[key] = item
        else:
            return False
    step.at = at
    return True


def _read_items(value: object) -> list[Item] | None:
    if not isinstance(value, list):
        return None
    items: list[Item] = []
    for raw in value:
        if not isinstance(raw, Mapping) or len(raw) != 1:
            return None
        kind, spec = next(iter(raw.items()))
        if kind in ("text", "image", "file", "video") and isinstance(spec, str):
            items.append(Item(kind, {"value": spec}))
        elif kind in ("link", "miniprogram") and isinstance(spec, Mapping):
            if not all(isinstance(v, str) for v in spec.values()):
                return None
            items.append(Item(kind, dict(spec)))
        else:
            return None
    return items


def _read_variants(value: object) -> list[VariantForm] | None:
    if not isinstance(value, list):
        return None
    variants: list[VariantForm] = []
    for raw in value:
        if not isinstance(raw, Mapping) or any(key not in ("id", "weight", "content") for key in raw):
            return None
        variant = VariantForm()
        if "id" in raw:
            if not isinstance(raw["id"], str):
                return None
            variant.id = raw["id"]
        if "weight" in raw:
            weight = number_text(raw["weight"])
            if weight is None:
                return None
            variant.weight = weight
        if "content" in raw:
            items = _read_items(raw["content"])
            if items is None:
                return None
            variant.own, variant.content = True, items
        variants.append(variant)
    return variants


def _at_value(step: StepForm) -> dict[str, Any]:
    at = step.at
    form = at.get("form", "day")
    value: dict[str, Any]
    if form == "delay":
        value = {"delay": at.get("delay", "")}
    elif form == "next":
        value = {"next": at.get("time", "")}
    elif form == "every":
        value = {"every": at.get("every", "")}
        if at.get("every") == Period.week.value:
            value["weekday"] = at.get("weekday", "")
        if at.get("every") == Period.month.value:
            value["monthday"] = number_value(at.get("monthday", ""))
        value["time"] = at.get("time", "")
    elif form == "rrule":
        value = {"rrule": at.get("rrule", "")}
    elif form == "on":
        value = {"on": at.get("on", "")}
    else:
        value = {"day": number_value(at.get("day", "")), "time": at.get("time", "")}
    if step.workdays_key == "at":
        value["workdays_only"] = step.workdays
    return value


def _items_value(items: list[Item]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.kind == "link":
            out.append({"link": {"title": item.get("title"), "url": item.get("url")}})
        elif item.kind == "miniprogram":
            out.append(
                {"miniprogram": {"title": item.get("title"), "appid": item.get("appid"), "page": item.get("page")}}
            )
        else:
            out.append({item.kind: item.get("value")})
    return out


def step_value(step: StepForm) -> Any:
    """The step as plain data (a YAML step: what its text reads as)."""
    if step.yaml is not None:
        return yaml_value(step.yaml)
    value: dict[str, Any] = {}
    if step.id:
        value["id"] = step.id
    if step.at:
        value["at"] = _at_value(step)
    if step.channel:
        value["channel"] = step.channel
    if step.executor_kind:
        value["executor"] = (
            f"{step.executor_kind}:{step.executor_name}"
            if step.executor_kind in ("role", "staff")
            else step.executor_kind
        )
    if step.mode_set or step.mode != Mode.remind.value:
        value["mode"] = step.mode
    if step.workdays_key == "step" or (step.workdays and step.workdays_key != "at"):
        value["workdays_only"] = step.workdays
    if step.when is not None:
        value["when"] = node_value(step.when)
    if step.content:
        value["content"] = _items_value(step.content)
    if step.variants:
        variants: list[Any] = []
        for variant in step.variants:
            entry: dict[str, Any] = {}
            if variant.id:
                entry["id"] = variant.id
            if variant.weight:
                entry["weight"] = number_value(variant.weight)
            if variant.own:
                entry["content"] = _items_value(variant.content)
            variants.append(entry)
        value["variants"] = variants
    if step.notes:
        value["notes"] = step.notes
    return value


# ---------------------------------------------------------------- the whole SOP


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


# ---------------------------------------------------------------- new forms and their buttons


def new_step(kind: str, number: int) -> StepForm:
    return StepForm(
        id=f"step-{number}",
        at={"form": "day", "day": "0", "time": "10:00"},
        channel=CHANNELS.get(kind, CHANNELS["customer"])[0],
        executor_kind=DEFAULT_EXECUTOR.get(kind, "owner"),
        mode=Mode.remind.value,
        mode_set=True,
        content=[Item("text", {"value": ""})],
    )


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


def _new_node(form: SopForm, root: str) -> Node:
    return Node("role" if form.root_target(root) is TargetKind.staff else "tag")


def apply_op(form: SopForm, op: str) -> SopForm:
    """Carry out a form button: `add:<list>`, `remove:<item>`, `up:<item>`, `down:<item>`, where a
    list is `steps`, `steps.0.content`, `steps.0.variants`, `steps.0.variants.1.content` or a
    condition group (`audience`, `audience.1`, `steps.0.when`), and an item is one of their
    elements (`steps.2`, `audience.1.0`) — or a whole condition (`exit`, `steps.0.when`) to remove.
    An unknown or stale button changes nothing."""
    action, _, target = op.partition(":")
    parts = [int(p) if p.isdigit() else p for p in target.split(".")] if target else []
    if action == "add":
        _add(form, parts)
    elif action in ("remove", "up", "down") and parts:
        if isinstance(parts[-1], int):
            found = _list_at(form, parts[:-1])
            if found is not None:
                _move(found[0], parts[-1], action)
        elif action == "remove":
            _remove_condition(form, parts)
    return form


def _add(form: SopForm, parts: list[str | int]) -> None:
    found = _list_at(form, parts)
    if found is None:
        return
    items, what = found
    kind = form.kind_or_default
    if what == "steps":
        items.append(new_step(kind, len(items) + 1))
    elif what == "content":
        items.append(Item("text", {"value": ""}))
    elif what == "variants":
        used = {variant.id for variant in items}
        letter = next((c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used), f"v{len(items) + 1}")
        items.append(VariantForm(id=letter, weight="50"))
    else:
        root = str(parts[0]) if parts[0] != "steps" else "when"
        items.append(_new_node(form, root) if root != "when" else Node("tag"))


def _move(items: list[Any], index: int, action: str) -> None:
    if not 0 <= index < len(items):
        return
    if action == "remove":
        del items[index]
    elif action == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
    elif action == "down" and index + 1 < len(items):
        items[index + 1], items[index] = items[index], items[index + 1]


def _remove_condition(form: SopForm, parts: list[str | int]) -> None:
    if len(parts) == 1 and parts[0] in CONDITION_ROOTS:
        setattr(form, str(parts[0]), None)
    elif (
        len(parts) == 3
        and parts[0] == "steps"
        and parts[2] == "when"
        and isinstance(parts[1], int)
        and 0 <= parts[1] < len(form.steps)
    ):
        form.steps[parts[1]].when = None


def _list_at(form: SopForm, parts: list[str | int]) -> tuple[list[Any], str] | None:
    """The list a button path names, and what it holds (steps, content, variants, conditions)."""
    if not parts:
        return None
    head = parts[0]
    if head in CONDITION_ROOTS:
        return _children_at(form.root(str(head)), parts[1:])
    if head != "steps":
        return None
    if len(parts) == 1:
        return form.steps, "steps"
    index = parts[1]
    if not isinstance(index, int) or not 0 <= index < len(form.steps):
        return None
    step = form.steps[index]
    rest = parts[2:]
    if rest == ["content"]:
        return step.content, "content"
    if rest == ["variants"]:
        return step.variants, "variants"
    if len(rest) == 3 and rest[0] == "variants" and rest[2] == "content" and isinstance(rest[1], int):
        if 0 <= rest[1] < len(step.variants):
            return step.variants[rest[1]].content, "content"
        return None
    if rest and rest[0] == "when":
        return _children_at(step.when, rest[1:])
    return None


def _children_at(node: Node | None, path: list[str | int]) -> tuple[list[Any], str] | None:
    for index in path:
        if node is None or not isinstance(index, int) or not 0 <= index < len(node.children):
            return None
        node = node.children[index]
    if node is None or node.type not in GROUP_TYPES:
        return None
    if node.type == "not" and node.children:
        return None  # `not` holds exactly one condition
    return node.children, "conditions"


# ---------------------------------------------------------------- reading posted fields


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
        if not children and was and was not in GROUP_TYPES and was in _NODE_FIELDS:
            children = [_leaf_from(fields, prefix, was)]  # a leaf turned into a group keeps the leaf
        if not children:
            children = [Node("tag")]
        if kind == "not":
            children = children[:1]
        return Node(kind, children=children)
    if kind not in _NODE_FIELDS:
        return None
    return _leaf_from(fields, prefix, kind)


def _leaf_from(fields: Fields, prefix: str, kind: str) -> Node:
    values = {name: fields.get(f"{prefix}.{name}") for name in _NODE_FIELDS[kind] if fields.has(f"{prefix}.{name}")}
    return Node(kind, values)


def _read_posted_items(fields: Fields, prefix: str) -> list[Item]:
    items: list[Item] = []
    for index in fields.indices(prefix):
        at = f"{prefix}.{index}"
        kind = fields.get(f"{at}.kind", "text")
        items.append(
            Item(kind, {name: fields.get(f"{at}.{name}") for name in _ITEM_FIELDS if fields.has(f"{at}.{name}")})
        )
    return items


def _read_posted_step(fields: Fields, prefix: str) -> StepForm:
    if fields.has(f"{prefix}.yaml"):
        return StepForm(yaml=fields.get(f"{prefix}.yaml"))
    step = StepForm(
        id=fields.get(f"{prefix}.id"),
        at={name: fields.get(f"{prefix}.at.{name}") for name in _AT_FIELDS if fields.has(f"{prefix}.at.{name}")},
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


def extras_json(form: SopForm) -> str:
    return json.dumps(form.extras, ensure_ascii=False)


def extras_yaml(form: SopForm) -> list[tuple[str, str]]:
    """(key, YAML text) of each part only the YAML tab edits, for showing beside the form."""
    return [(key, dump({key: value})) for key, value in form.extras.items()]
