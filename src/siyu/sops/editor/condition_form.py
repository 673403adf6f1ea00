"""A condition ↔ the condition builder's `Node` tree.

Groups (all, any, not) hold children; each leaf the builder can show has a reader (raw mapping →
the fields typed in the form) and a writer (fields → raw mapping); anything else becomes a `yaml`
node holding its YAML text. `node_of` keeps a node only if writing it back gives the very same
value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from siyu.core.bounds import BOUND_OPS
from siyu.core.conditions.leaves import leaves_for
from siyu.core.conditions.nodes import ATTR_OPS, BirthdayPeriod, TargetKind
from siyu.sops.editor.codec import (
    BOOL_TEXT,
    inline_ok,
    list_text,
    list_value,
    mapping_text,
    mapping_value,
    number_text,
    number_value,
    scalar_text,
    scalar_value,
    yaml_text,
    yaml_value,
)
from siyu.sops.yaml_writer import same

GROUP_TYPES = ("all", "any", "not")
YAML_TYPE = "yaml"
WINDOWS = ("ever", "within", "between", "range")
MEASURES = ("", "count", "sum")
MEMBERSHIPS = ("true", "false", "tag")
PERIODS = (*(p.value for p in BirthdayPeriod), "in_days")
MAX_DEPTH = 12  # condition nesting the form reads back from posted fields

NODE_FIELDS: dict[str, tuple[str, ...]] = {
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


@dataclass
class Node:
    """A condition in the builder: a group (all, any, not) with children, a leaf with its fields as
    typed in the form, or `yaml` with the YAML text (field `source`) of what the builder cannot show."""

    type: str
    fields: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.fields.get(name, _FIELD_DEFAULTS.get(name, ""))


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
    heads = [key for key in raw if key in (*GROUP_TYPES, *NODE_FIELDS)]
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
        value: Any = BOOL_TEXT.get(text.strip(), text)
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
    return {"in_group": BOOL_TEXT.get(member, member)}


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
# The leaves the form has fields for, per target, in the registry's order; any other leaf
# (date_attr, repurchase_due, referrals, …) is edited as YAML in its node.
LEAF_TYPES: dict[TargetKind, tuple[str, ...]] = {
    target: tuple(head.name for head in leaves_for(target) if head.name in _LEAF_READERS) for target in TargetKind
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
