"""The condition language: a typed AST and its parser from YAML / JSON data.

Parsing collects every problem with the path where it happened (`audience.all[1].within`) and
raises one ValidationError; nothing half-parsed escapes. Semantics live in core.evaluate (Python)
and store.compile (SQL); a property test proves the two agree.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from siyu.core.bounds import BOUND_OPS, Between, Bound, Ever, Range, Window, Within
from siyu.core.errors import PathPart, Problem, ValidationError, format_path
from siyu.core.timeutil import parse_duration_us, to_us
from siyu.core.values import Scalar


class TargetKind(StrEnum):
    customer = "customer"
    group = "group"
    staff = "staff"


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Tag:
    name: str


ATTR_OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains", "exists")


@dataclass(frozen=True)
class Attr:
    """`op` is one of ATTR_OPS; `value` is a scalar, a tuple of scalars (in, not_in, between) or a bool (exists)."""

    key: str
    op: str
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Role:
    name: str


@dataclass(frozen=True)
class PropertyMatch:
    """`where: {sku: X}`: the property equals one of `values` (same JSON type)."""

    key: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class SumBound:
    field: str
    bound: Bound


@dataclass(frozen=True)
class Event:
    """At least one matching event in the window — or, with `count` / `sum`, their aggregate meets the bound."""

    type: str
    window: Window = Ever()
    where: tuple[PropertyMatch, ...] = ()
    count: Bound | None = None
    sum: SumBound | None = None
    since_entry: bool = False


@dataclass(frozen=True)
class Since:
    """Whole days (24 h) since the first matching event meet `days`; false if there is none."""

    type: str
    days: Bound
    where: tuple[PropertyMatch, ...] = ()


class BirthdayPeriod(StrEnum):
    today = "today"
    this_week = "this_week"
    this_month = "this_month"


@dataclass(frozen=True)
class Birthday:
    """`period`, or days until the next birthday (`in_days`) meet a bound."""

    period: BirthdayPeriod | None = None
    in_days: Bound | None = None


@dataclass(frozen=True)
class DateAttr:
    key: str
    in_days: Bound


@dataclass(frozen=True)
class InGroup:
    """Member of any group (`group` None) or of a group matching `group`; `member` False negates."""

    member: bool = True
    group: Condition | None = None


@dataclass(frozen=True)
class RepurchaseDue:
    product: str
    within_days: int = 0


@dataclass(frozen=True)
class Referrals:
    bound: Bound
    window: Window = Ever()


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = (
    Tag | Attr | Role | Event | Since | Birthday | DateAttr | InGroup | RepurchaseDue | Referrals | All | AnyOf | Not
)

# ---------------------------------------------------------------- parsing

HEADS: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.customer: (
        "all",
        "any",
        "not",
        "tag",
        "attr",
        "event",
        "no_event",
        "since",
        "birthday",
        "date_attr",
        "in_group",
        "repurchase_due",
        "referrals",
    ),
    TargetKind.group: ("all", "any", "not", "tag", "attr", "event", "no_event", "since"),
    TargetKind.staff: ("all", "any", "not", "role", "tag"),
}
WINDOW_KEYS = ("within", "between", "from", "to")
EVENT_KEYS = ("event", *WINDOW_KEYS, "where", "count", "sum", "since_entry")
NO_EVENT_KEYS = ("no_event", *WINDOW_KEYS, "where", "since_entry")


def parse_condition(
    raw: object,
    target: TargetKind,
    path: Sequence[PathPart] = (),
    *,
    allow_since_entry: bool = False,
) -> Condition:
    """Parse a condition tree for targets of `target`; raises ValidationError listing every problem."""
    parser = _Parser(allow_since_entry)
    condition = parser.condition(raw, target, tuple(path))
    if parser.problems:
        raise ValidationError(parser.problems)
    assert condition is not None
    return condition


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float) and not (isinstance(value, float) and not math.isfinite(value))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


class _Parser:
    def __init__(self, allow_since_entry: bool) -> None:
        self.allow_since_entry = allow_since_entry
        self.problems: list[Problem] = []

    def fail(self, path: tuple[PathPart, ...], message: str) -> None:
        self.problems.append(Problem(format_path(path), message))

    # -- structure

    def condition(self, raw: object, target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        if not isinstance(raw, Mapping) or not raw:
            self.fail(
                path,
                f"expected a condition (a mapping such as {{tag: 会员}}), got {_describe(raw)}",
            )
            return None
        heads = HEADS[target]
        present = [key for key in raw if key in heads]
        if len(present) != 1:
            if present:
                self.fail(
                    path,
                    f"one condition per mapping, found {', '.join(map(str, present))}; wrap them in all: or any:",
                )
            else:
                known = [str(k) for k in raw if k in _all_heads()]
                if known:
                    self.fail(
                        path,
                        f"{known[0]} is not a {target.value} condition here (use: {', '.join(heads)})",
                    )
                else:
                    self.fail(
                        path,
                        f"unknown condition {_keys(raw)}{_suggest(raw, heads)} (expected one of: {', '.join(heads)})",
                    )
            return None
        head = str(present[0])
        method = getattr(self, f"_{head}")
        result: Condition | None = method(raw, target, path)
        return result

    def _allowed(self, raw: Mapping[Any, Any], allowed: Sequence[str], path: tuple[PathPart, ...]) -> bool:
        extra = [key for key in raw if key not in allowed]
        for key in extra:
            hint = _suggest({key: None}, allowed)
            self.fail((*path, str(key)), f"unknown key {key!s}{hint} (allowed here: {', '.join(allowed)})")
        return not extra

    def _list(
        self, raw: Mapping[Any, Any], key: str, target: TargetKind, path: tuple[PathPart, ...]
    ) -> tuple[Condition, ...] | None:
        self._allowed(raw, (key,), path)
        items = raw[key]
        if not isinstance(items, list) or not items:
            self.fail((*path, key), f"expected a non-empty list of conditions, got {_describe(items)}")
            return None
        parsed = [self.condition(item, target, (*path, key, index)) for index, item in enumerate(items)]
        if any(item is None for item in parsed):
            return None
        return tuple(item for item in parsed if item is not None)

    def _all(self, raw: Mapping[Any, Any], target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        items = self._list(raw, "all", target, path)
        return All(items) if items is not None else None

    def _any(self, raw: Mapping[Any, Any], target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        items = self._list(raw, "any", target, path)
        return AnyOf(items) if items is not None else None

    def _not(self, raw: Mapping[Any, Any], target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("not",), path)
        item = self.condition(raw["not"], target, (*path, "not"))
        return Not(item) if item is not None else None

    # -- leaves

    def _name(self, raw: Mapping[Any, Any], key: str, path: tuple[PathPart, ...], what: str) -> str | None:
        value = raw[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail((*path, key), f"expected {what} (text), got {_describe(value)}")
            return None
        return value.strip()

    def _tag(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("tag",), path)
        name = self._name(raw, "tag", path, "a tag name")
        return Tag(name) if name else None

    def _role(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("role",), path)
        name = self._name(raw, "role", path, "a role name")
        return Role(name) if name else None

    def _attr(self, raw: Mapping[Any, Any], target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        key = self._name(raw, "attr", path, "an attribute name")
        ops = [op for op in raw if op != "attr"]
        if not self._allowed(raw, ("attr", *ATTR_OPS), path):
            return None
        if len(ops) != 1:
            self.fail(
                path,
                f"an attr condition takes exactly one comparison ({', '.join(ATTR_OPS)}), found {len(ops)}",
            )
            return None
        op = str(ops[0])
        if key in RESERVED_ATTRIBUTES.get(target, {}):
            self.fail((*path, "attr"), RESERVED_ATTRIBUTES[target][key])
            return None
        value = self._attr_value(op, raw[op], (*path, op))
        if key is None or value is None:
            return None
        return Attr(key, op, value)

    def _attr_value(self, op: str, value: object, path: tuple[PathPart, ...]) -> Scalar | tuple[Scalar, ...] | None:
        if op == "exists":
            if not isinstance(value, bool):
                self.fail(path, f"expected true or false, got {_describe(value)}")
                return None
            return value
        if op in ("eq", "ne"):
            if not _is_scalar(value):
                self.fail(path, f"expected a text, number or true/false value, got {_describe(value)}")
                return None
            return value  # type: ignore[return-value]
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value or not all(_is_scalar(v) for v in value):
                self.fail(path, f"expected a non-empty list of values, got {_describe(value)}")
                return None
            return tuple(value)
        if op == "contains":
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or not value:
                self.fail(path, f"expected non-empty text, got {_describe(value)}")
                return None
            return value
        if op == "between":
            if (
                not isinstance(value, list)
                or len(value) != 2
                or not (all(_is_number(v) for v in value) or all(isinstance(v, str) for v in value))
            ):
                self.fail(path, f"expected [low, high], two numbers or two texts, got {_describe(value)}")
                return None
            if value[0] > value[1]:
                self.fail(path, f"low {value[0]!r} is above high {value[1]!r}")
                return None
            return (value[0], value[1])
        # gt gte lt lte
        if not (_is_number(value) or isinstance(value, str)):
            self.fail(path, f"expected a number (or text to compare as text), got {_describe(value)}")
            return None
        return value  # type: ignore[return-value]

    def _bound(
        self,
        value: object,
        path: tuple[PathPart, ...],
        *,
        allow_plain: bool = False,
        whole: bool = False,
    ) -> Bound | None:
        if allow_plain and _is_number(value):
            value = {"eq": value}
        if not isinstance(value, Mapping) or not value:
            self.fail(
                path,
                f"expected a bound such as {{gte: 3}} ({', '.join(BOUND_OPS)}), got {_describe(value)}",
            )
            return None
        comparisons: list[tuple[str, float]] = []
        ok = True
        for op, limit in value.items():
            where = (*path, str(op))
            if op not in BOUND_OPS:
                self.fail(
                    where,
                    f"unknown comparison {op!s}{_suggest({op: None}, BOUND_OPS)} (expected: {', '.join(BOUND_OPS)})",
                )
                ok = False
            elif op == "between":
                if not isinstance(limit, list) or len(limit) != 2 or not all(_is_number(v) for v in limit):
                    self.fail(where, f"expected [low, high] numbers, got {_describe(limit)}")
                    ok = False
                elif limit[0] > limit[1]:
                    self.fail(where, f"low {limit[0]} is above high {limit[1]}")
                    ok = False
                else:
                    comparisons += [("gte", float(limit[0])), ("lte", float(limit[1]))]
            elif not _is_number(limit):
                self.fail(where, f"expected a number, got {_describe(limit)}")
                ok = False
            elif whole and not float(limit).is_integer():
                self.fail(where, f"expected a whole number, got {limit}")
                ok = False
            else:
                comparisons.append((str(op), float(limit)))
        return Bound(tuple(comparisons)) if ok else None

    def _window(self, raw: Mapping[Any, Any], path: tuple[PathPart, ...]) -> Window | None:
        keys = [key for key in WINDOW_KEYS if key in raw]
        if not keys:
            return Ever()
        if ("within" in keys and len(keys) > 1) or ("between" in keys and len(keys) > 1):
            self.fail(path, f"use one window: within, between, or from/to (found {', '.join(keys)})")
            return None
        if keys == ["within"]:
            try:
                return Within(parse_duration_us(_text(raw["within"])))
            except ValueError as exc:
                self.fail((*path, "within"), str(exc))
                return None
        if keys == ["between"]:
            value = raw["between"]
            if not isinstance(value, list) or len(value) != 2:
                self.fail(
                    (*path, "between"),
                    f"expected [older, newer] durations like [8d, 7d], got {_describe(value)}",
                )
                return None
            try:
                older, newer = (parse_duration_us(_text(v)) for v in value)
            except ValueError as exc:
                self.fail((*path, "between"), str(exc))
                return None
            if older <= newer:
                self.fail(
                    (*path, "between"),
                    f"the first duration must be the older one, e.g. [8d, 7d]; got [{value[0]}, {value[1]}]",
                )
                return None
            return Between(older, newer)
        if set(keys) != {"from", "to"}:
            self.fail(
                path,
                "from and to go together: from: 2026-06-01T00:00:00+08:00, to: 2026-06-19T00:00:00+08:00",
            )
            return None
        start = self._instant(raw["from"], (*path, "from"))
        end = self._instant(raw["to"], (*path, "to"))
        if start is None or end is None:
            return None
        if start >= end:
            self.fail((*path, "to"), "to must be after from")
            return None
        return Range(start, end)

    def _instant(self, value: object, path: tuple[PathPart, ...]) -> int | None:
        text = value.isoformat() if isinstance(value, datetime) else value
        if not isinstance(text, str):
            self.fail(path, f"expected an ISO 8601 date-time with offset, got {_describe(value)}")
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(path, f"expected an ISO 8601 date-time like 2026-06-01T00:00:00+08:00, got {text!r}")
            return None
        if moment.tzinfo is None:
            self.fail(path, f"{text!r} has no offset; write it like 2026-06-01T00:00:00+08:00")
            return None
        return to_us(moment)

    def _where(self, raw: Mapping[Any, Any], path: tuple[PathPart, ...]) -> tuple[PropertyMatch, ...] | None:
        if "where" not in raw:
            return ()
        value = raw["where"]
        if not isinstance(value, Mapping) or not value:
            self.fail((*path, "where"), f"expected a mapping of property: value, got {_describe(value)}")
            return None
        matches: list[PropertyMatch] = []
        ok = True
        for key, wanted in value.items():
            where = (*path, "where", str(key))
            if not isinstance(key, str) or not key or '"' in key or "\\" in key:
                self.fail(where, "a property name must be non-empty text without quotes or backslashes")
                ok = False
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            if not values or not all(_is_scalar(v) for v in values):
                self.fail(where, f"expected a value or a list of values, got {_describe(wanted)}")
                ok = False
                continue
            matches.append(PropertyMatch(key, tuple(values)))
        return tuple(matches) if ok else None

    def _since_entry(self, raw: Mapping[Any, Any], path: tuple[PathPart, ...]) -> bool | None:
        value = raw.get("since_entry", False)
        if not isinstance(value, bool):
            self.fail((*path, "since_entry"), f"expected true or false, got {_describe(value)}")
            return None
        if value and not self.allow_since_entry:
            self.fail(
                (*path, "since_entry"),
                "since_entry is only meaningful in exit and when conditions",
            )
            return None
        return value

    def _event_type(self, raw: Mapping[Any, Any], key: str, path: tuple[PathPart, ...]) -> str | None:
        return self._name(raw, key, path, "an event type")

    def _event(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, EVENT_KEYS, path)
        kind = self._event_type(raw, "event", path)
        window = self._window(raw, path)
        where = self._where(raw, path)
        since_entry = self._since_entry(raw, path)
        count = self._bound(raw["count"], (*path, "count"), allow_plain=True) if "count" in raw else None
        total: SumBound | None = None
        if "sum" in raw:
            spec = raw["sum"]
            if not isinstance(spec, Mapping) or not isinstance(spec.get("field"), str):
                self.fail((*path, "sum"), "expected {field: amount, gte: 500}")
            else:
                bound = self._bound({k: v for k, v in spec.items() if k != "field"}, (*path, "sum"))
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

    def _no_event(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, NO_EVENT_KEYS, path)
        kind = self._event_type(raw, "no_event", path)
        window = self._window(raw, path)
        where = self._where(raw, path)
        since_entry = self._since_entry(raw, path)
        if kind is None or window is None or where is None or since_entry is None:
            return None
        return Not(Event(kind, window, where, since_entry=since_entry))

    def _since(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("since", "days", "where"), path)
        kind = self._event_type(raw, "since", path)
        if "days" not in raw:
            self.fail(path, "since needs days, e.g. {since: friend_added, days: {gte: 7}}")
            return None
        days = self._bound(raw["days"], (*path, "days"), allow_plain=True)
        where = self._where(raw, path)
        if kind is None or days is None or where is None:
            return None
        return Since(kind, days, where)

    def _birthday(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("birthday",), path)
        value = raw["birthday"]
        if isinstance(value, str) and value in BirthdayPeriod.__members__:
            return Birthday(period=BirthdayPeriod(value))
        if isinstance(value, Mapping) and set(value) == {"in_days"}:
            bound = self._bound(value["in_days"], (*path, "birthday", "in_days"), allow_plain=True)
            return Birthday(in_days=bound) if bound else None
        self.fail(
            (*path, "birthday"),
            f"expected today, this_week, this_month or {{in_days: 3}}, got {_describe(value)}",
        )
        return None

    def _date_attr(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("date_attr", "in_days"), path)
        key = self._name(raw, "date_attr", path, "an attribute name")
        if "in_days" not in raw:
            self.fail(
                path,
                "date_attr needs in_days, e.g. {date_attr: pet_vaccine_due, in_days: {between: [0, 7]}}",
            )
            return None
        bound = self._bound(raw["in_days"], (*path, "in_days"), allow_plain=True)
        if key is None or bound is None:
            return None
        return DateAttr(key, bound)

    def _in_group(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("in_group",), path)
        value = raw["in_group"]
        if isinstance(value, bool):
            return InGroup(member=value)
        if isinstance(value, Mapping):
            group = self.condition(value, TargetKind.group, (*path, "in_group"))
            return InGroup(member=True, group=group) if group else None
        self.fail(
            (*path, "in_group"),
            f"expected true, false or a group condition like {{tag: 会员群}}, got {_describe(value)}",
        )
        return None

    def _repurchase_due(
        self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]
    ) -> Condition | None:
        self._allowed(raw, ("repurchase_due",), path)
        spec = raw["repurchase_due"]
        where = (*path, "repurchase_due")
        if not isinstance(spec, Mapping):
            self.fail(where, "expected {product: 润肤霜, within_days: 0}")
            return None
        if not self._allowed(spec, ("product", "within_days"), where):
            return None
        product = self._name(spec, "product", where, "a product name") if "product" in spec else None
        if "product" not in spec:
            self.fail(where, "product is required")
        within = spec.get("within_days", 0)
        if not isinstance(within, int) or isinstance(within, bool) or within < 0:
            self.fail((*where, "within_days"), f"expected a whole number ≥ 0, got {_describe(within)}")
            return None
        return RepurchaseDue(product, within) if product else None

    def _referrals(self, raw: Mapping[Any, Any], _target: TargetKind, path: tuple[PathPart, ...]) -> Condition | None:
        self._allowed(raw, ("referrals", *WINDOW_KEYS), path)
        bound = self._bound(raw["referrals"], (*path, "referrals"), allow_plain=True)
        window = self._window(raw, path)
        if bound is None or window is None:
            return None
        return Referrals(bound, window)


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

# attributes a group has without being imported
GROUP_MEMBER_COUNT = "member_count"


def _all_heads() -> set[str]:
    return {head for heads in HEADS.values() for head in heads}


def _keys(raw: Mapping[Any, Any]) -> str:
    return ", ".join(str(k) for k in raw)


def _suggest(raw: Mapping[Any, Any], options: Sequence[str]) -> str:
    for key in raw:
        close = difflib.get_close_matches(str(key), list(options), n=1)
        if close:
            return f" (did you mean {close[0]}?)"
    return ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def walk(condition: Condition) -> list[Condition]:
    """Every node of the tree, depth first (nested group conditions included)."""
    nodes: list[Condition] = [condition]
    if isinstance(condition, All | AnyOf):
        for item in condition.items:
            nodes += walk(item)
    elif isinstance(condition, Not):
        nodes += walk(condition.item)
    elif isinstance(condition, InGroup) and condition.group is not None:
        nodes += walk(condition.group)
    return nodes
