"""The registry of condition heads: for each head (`tag`, `event`, `all`, …) its node type, its
parser and the target kinds it applies to, in the stable order in which messages and the editor
list them. Adding a leaf: its node in `nodes`, its parser and entry here, its branch in
core.evaluate and in store.compile (mypy fails until both have it), the editor's form, the docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from siyu.core.conditions.nodes import (
    ATTR_OPS,
    All,
    AnyOf,
    Attr,
    Birthday,
    BirthdayPeriod,
    Condition,
    DateAttr,
    Event,
    InGroup,
    Not,
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    SumBound,
    Tag,
    TargetKind,
)
from siyu.core.conditions.reader import (
    WINDOW_KEYS,
    ConditionReader,
    HeadParser,
    Path,
    control_character,
    control_message,
    describe,
    is_number,
    is_scalar,
)
from siyu.core.values import Scalar

EVENT_KEYS = ("event", *WINDOW_KEYS, "where", "count", "sum", "since_entry")
NO_EVENT_KEYS = ("no_event", *WINDOW_KEYS, "where", "since_entry")

RESERVED_ATTRIBUTES: dict[TargetKind, dict[str, str]] = {
    TargetKind.customer: {
        "birthday": "birthday is not an attribute here; use {birthday: today} or {date_attr: …} on another attribute",
        "tags": "tags are not an attribute; use {tag: name}",
        "owner": "owner is not an attribute",
        "name": "name is not an attribute",
        "id": "id is not an attribute",
    },
    TargetKind.group: {
        "tags": "tags are not an attribute; use {tag: name}",
        "id": "id is not an attribute",
    },
}

# -- groups


def _items(
    reader: ConditionReader, raw: Mapping[Any, Any], key: str, target: TargetKind, path: Path
) -> tuple[Condition, ...] | None:
    reader.allowed(raw, (key,), path)
    items = raw[key]
    if not isinstance(items, list) or not items:
        reader.fail((*path, key), f"expected a non-empty list of conditions, got {describe(items)}")
        return None
    parsed = [reader.condition(item, target, (*path, key, index)) for index, item in enumerate(items)]
    if any(item is None for item in parsed):
        return None
    return tuple(item for item in parsed if item is not None)


def parse_all(reader: ConditionReader, raw: Mapping[Any, Any], target: TargetKind, path: Path) -> Condition | None:
    items = _items(reader, raw, "all", target, path)
    return All(items) if items is not None else None


def parse_any(reader: ConditionReader, raw: Mapping[Any, Any], target: TargetKind, path: Path) -> Condition | None:
    items = _items(reader, raw, "any", target, path)
    return AnyOf(items) if items is not None else None


def parse_not(reader: ConditionReader, raw: Mapping[Any, Any], target: TargetKind, path: Path) -> Condition | None:
    reader.allowed(raw, ("not",), path)
    item = reader.condition(raw["not"], target, (*path, "not"))
    return Not(item) if item is not None else None


# -- names and attributes


def parse_tag(reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path) -> Condition | None:
    reader.allowed(raw, ("tag",), path)
    name = reader.name(raw, "tag", path, "a tag name")
    return Tag(name) if name else None


def parse_role(reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path) -> Condition | None:
    reader.allowed(raw, ("role",), path)
    name = reader.name(raw, "role", path, "a role name")
    return Role(name) if name else None


def parse_attr(reader: ConditionReader, raw: Mapping[Any, Any], target: TargetKind, path: Path) -> Condition | None:
    key = reader.name(raw, "attr", path, "an attribute name")
    ops = [op for op in raw if op != "attr"]
    if not reader.allowed(raw, ("attr", *ATTR_OPS), path):
        return None
    if len(ops) != 1:
        reader.fail(
            path,
            f"an attr condition takes exactly one comparison ({', '.join(ATTR_OPS)}), found {len(ops)}",
        )
        return None
    op = str(ops[0])
    if key in RESERVED_ATTRIBUTES.get(target, {}):
        reader.fail((*path, "attr"), RESERVED_ATTRIBUTES[target][key])
        return None
    value = _attr_value(reader, op, raw[op], (*path, op))
    if key is None or value is None:
        return None
    return Attr(key, op, value)


def _attr_value(reader: ConditionReader, op: str, value: object, path: Path) -> Scalar | tuple[Scalar, ...] | None:
    if op == "exists":
        if not isinstance(value, bool):
            reader.fail(path, f"expected true or false, got {describe(value)}")
            return None
        return value
    if op in ("eq", "ne"):
        if not is_scalar(value):
            reader.fail(path, f"expected a text, number or true/false value, got {describe(value)}")
            return None
        return value  # type: ignore[return-value]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value or not all(is_scalar(v) for v in value):
            reader.fail(path, f"expected a non-empty list of values, got {describe(value)}")
            return None
        return tuple(value)
    if op == "contains":
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value:
            reader.fail(path, f"expected non-empty text, got {describe(value)}")
            return None
        return value
    if op == "between":
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not (all(is_number(v) for v in value) or all(isinstance(v, str) for v in value))
        ):
            reader.fail(path, f"expected [low, high], two numbers or two texts, got {describe(value)}")
            return None
        if value[0] > value[1]:
            reader.fail(path, f"low {value[0]!r} is above high {value[1]!r}")
            return None
        return (value[0], value[1])
    # gt gte lt lte
    if not (is_number(value) or isinstance(value, str)):
        reader.fail(path, f"expected a number (or text to compare as text), got {describe(value)}")
        return None
    return value  # type: ignore[return-value]


# -- events


def parse_event(reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path) -> Condition | None:
    reader.allowed(raw, EVENT_KEYS, path)
    kind = reader.name(raw, "event", path, "an event type")
    window = reader.window(raw, path)
    where = reader.where(raw, path)
    since_entry = reader.since_entry(raw, path)
    count = reader.bound(raw["count"], (*path, "count"), allow_plain=True) if "count" in raw else None
    total: SumBound | None = None
    if "sum" in raw:
        spec = raw["sum"]
        if not isinstance(spec, Mapping) or not isinstance(spec.get("field"), str):
            reader.fail((*path, "sum"), "expected {field: amount, gte: 500}")
        elif (found := control_character(spec["field"])) is not None:
            reader.fail((*path, "sum", "field"), control_message(spec["field"], found))
        else:
            bound = reader.bound({k: v for k, v in spec.items() if k != "field"}, (*path, "sum"))
            if bound is not None:
                total = SumBound(spec["field"], bound)
    if (
        None in (kind, window, where, since_entry)
        or ("count" in raw and count is None)
        or ("sum" in raw and total is None)
    ):
        return None
    assert kind is not None
    assert window is not None
    assert where is not None
    assert since_entry is not None
    return Event(kind, window, where, count, total, since_entry)


def parse_no_event(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, NO_EVENT_KEYS, path)
    kind = reader.name(raw, "no_event", path, "an event type")
    window = reader.window(raw, path)
    where = reader.where(raw, path)
    since_entry = reader.since_entry(raw, path)
    if kind is None or window is None or where is None or since_entry is None:
        return None
    return Not(Event(kind, window, where, since_entry=since_entry))


def parse_since(reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path) -> Condition | None:
    reader.allowed(raw, ("since", "days", "where"), path)
    kind = reader.name(raw, "since", path, "an event type")
    if "days" not in raw:
        reader.fail(path, "since needs days, e.g. {since: friend_added, days: {gte: 7}}")
        return None
    days = reader.bound(raw["days"], (*path, "days"), allow_plain=True)
    where = reader.where(raw, path)
    if kind is None or days is None or where is None:
        return None
    return Since(kind, days, where)


# -- customers


def parse_birthday(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, ("birthday",), path)
    value = raw["birthday"]
    if isinstance(value, str) and value in BirthdayPeriod.__members__:
        return Birthday(period=BirthdayPeriod(value))
    if isinstance(value, Mapping) and set(value) == {"in_days"}:
        bound = reader.bound(value["in_days"], (*path, "birthday", "in_days"), allow_plain=True)
        return Birthday(in_days=bound) if bound else None
    reader.fail(
        (*path, "birthday"),
        f"expected today, this_week, this_month or {{in_days: 3}}, got {describe(value)}",
    )
    return None


def parse_date_attr(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, ("date_attr", "in_days"), path)
    key = reader.name(raw, "date_attr", path, "an attribute name")
    if "in_days" not in raw:
        reader.fail(
            path,
            "date_attr needs in_days, e.g. {date_attr: pet_vaccine_due, in_days: {between: [0, 7]}}",
        )
        return None
    bound = reader.bound(raw["in_days"], (*path, "in_days"), allow_plain=True)
    if key is None or bound is None:
        return None
    return DateAttr(key, bound)


def parse_in_group(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, ("in_group",), path)
    value = raw["in_group"]
    if isinstance(value, bool):
        return InGroup(member=value)
    if isinstance(value, Mapping):
        group = reader.condition(value, TargetKind.group, (*path, "in_group"))
        return InGroup(member=True, group=group) if group else None
    reader.fail(
        (*path, "in_group"),
        f"expected true, false or a group condition like {{tag: 会员群}}, got {describe(value)}",
    )
    return None


def parse_repurchase_due(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, ("repurchase_due",), path)
    spec = raw["repurchase_due"]
    where = (*path, "repurchase_due")
    if not isinstance(spec, Mapping):
        reader.fail(where, "expected {product: 润肤霜, within_days: 0}")
        return None
    if not reader.allowed(spec, ("product", "within_days"), where):
        return None
    product = reader.name(spec, "product", where, "a product name") if "product" in spec else None
    if "product" not in spec:
        reader.fail(where, "product is required")
    within = spec.get("within_days", 0)
    if not isinstance(within, int) or isinstance(within, bool) or within < 0:
        reader.fail((*where, "within_days"), f"expected a whole number ≥ 0, got {describe(within)}")
        return None
    return RepurchaseDue(product, within) if product else None


def parse_referrals(
    reader: ConditionReader, raw: Mapping[Any, Any], _target: TargetKind, path: Path
) -> Condition | None:
    reader.allowed(raw, ("referrals", *WINDOW_KEYS), path)
    bound = reader.bound(raw["referrals"], (*path, "referrals"), allow_plain=True)
    window = reader.window(raw, path)
    if bound is None or window is None:
        return None
    return Referrals(bound, window)


# ---------------------------------------------------------------- the registry

_EVERY = frozenset(TargetKind)
_CUSTOMER = frozenset({TargetKind.customer})
_CUSTOMER_OR_GROUP = frozenset({TargetKind.customer, TargetKind.group})


@dataclass(frozen=True)
class Head:
    """One head of the condition language: `node` is the type its parser returns."""

    name: str
    node: type[Condition]
    parse: HeadParser
    targets: frozenset[TargetKind]


GROUPS: tuple[Head, ...] = (
    Head("all", All, parse_all, _EVERY),
    Head("any", AnyOf, parse_any, _EVERY),
    Head("not", Not, parse_not, _EVERY),
)
LEAVES: tuple[Head, ...] = (
    Head("role", Role, parse_role, frozenset({TargetKind.staff})),
    Head("tag", Tag, parse_tag, _EVERY),
    Head("attr", Attr, parse_attr, _CUSTOMER_OR_GROUP),
    Head("event", Event, parse_event, _CUSTOMER_OR_GROUP),
    Head("no_event", Not, parse_no_event, _CUSTOMER_OR_GROUP),
    Head("since", Since, parse_since, _CUSTOMER_OR_GROUP),
    Head("birthday", Birthday, parse_birthday, _CUSTOMER),
    Head("date_attr", DateAttr, parse_date_attr, _CUSTOMER),
    Head("in_group", InGroup, parse_in_group, _CUSTOMER),
    Head("repurchase_due", RepurchaseDue, parse_repurchase_due, _CUSTOMER),
    Head("referrals", Referrals, parse_referrals, _CUSTOMER),
)


def heads_for(target: TargetKind) -> tuple[Head, ...]:
    """The heads a condition on `target` may use, groups first, in the registry's order."""
    return tuple(head for head in (*GROUPS, *LEAVES) if target in head.targets)


def leaves_for(target: TargetKind) -> tuple[Head, ...]:
    return tuple(head for head in LEAVES if target in head.targets)


HEAD_PARSERS: dict[TargetKind, dict[str, HeadParser]] = {
    target: {head.name: head.parse for head in heads_for(target)} for target in TargetKind
}
