"""A condition tree in plain words, for the people who read an SOP: `{tag: 宠物主}` → 有标签「宠物主」,
`all / any / not` → 且 / 或 / 不, `{event: order_paid, within: 7d}` → 近 7 天内发生过「下单」(order_paid)
至少 1 次. Pure: the words come from `phrases` in the reader's locale; instants of a `from / to`
window are shown in the brand's time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo

from siyu.core.bounds import Between, Bound, Ever, Range, Window, Within
from siyu.core.conditions.nodes import (
    All,
    AnyOf,
    Attr,
    Birthday,
    Condition,
    DateAttr,
    Event,
    InGroup,
    Not,
    PropertyMatch,
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    Tag,
)
from siyu.core.conditions.phrases import EVENT_LABELS, phrase
from siyu.core.language import known_locale
from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, from_us
from siyu.core.values import Scalar


def describe_condition(condition: Condition, locale: str, zone: tzinfo = UTC) -> str:
    """The condition in words, in `locale` (zh-CN or en)."""
    return _Words(known_locale(locale), zone).condition(condition)


def describe_event(kind: str, where: Sequence[PropertyMatch], locale: str) -> tuple[str, str]:
    """(the event type's name, its `where` in words) — an event entry's words."""
    words = _Words(known_locale(locale), UTC)
    return words.event_name(kind), words.where(where)


class _Words:
    def __init__(self, locale: str, zone: tzinfo) -> None:
        self.locale = locale
        self.zone = zone

    def say(self, name: str, /, **params: object) -> str:
        return phrase(name, self.locale, **params)

    def condition(self, node: Condition) -> str:
        if isinstance(node, All | AnyOf):
            head = "all" if isinstance(node, All) else "any"
            parts = [self.nested(item) for item in node.items]
            return self.say(head, items=self.say(f"{head}.joiner").join(parts))
        if isinstance(node, Not):
            return self.negation(node.item)
        return self.leaf(node)

    def nested(self, node: Condition) -> str:
        text = self.condition(node)
        return self.say("nested", text=text) if isinstance(node, All | AnyOf) and len(node.items) > 1 else text

    def negation(self, node: Condition) -> str:
        if isinstance(node, Tag):
            return self.say("tag.not", name=node.name)
        if isinstance(node, Event) and node.count is None and node.sum is None:
            return self.say("no_event", **self.event_parts(node.type, node.window, node.where, node.since_entry))
        return self.say("not", item=self.condition(node))

    def leaf(self, node: Condition) -> str:
        if isinstance(node, Tag):
            return self.say("tag", name=node.name)
        if isinstance(node, Role):
            return self.say("role", name=node.name)
        if isinstance(node, Attr):
            return self.attr(node)
        if isinstance(node, Event):
            return self.event(node)
        if isinstance(node, Since):
            parts = self.event_parts(node.type, Ever(), node.where, False)
            return self.say("since", event=parts["event"], where=parts["where"], bound=self.bound(node.days))
        if isinstance(node, Birthday):
            if node.period is not None:
                return self.say(f"birthday.{node.period.value}")
            assert node.in_days is not None
            return self.say("birthday.in_days", bound=self.bound(node.in_days))
        if isinstance(node, DateAttr):
            return self.say("date_attr", key=node.key, bound=self.bound(node.in_days))
        if isinstance(node, InGroup):
            if node.group is not None:
                return self.say("in_group.matching", group=self.condition(node.group))
            return self.say("in_group.any" if node.member else "in_group.none")
        if isinstance(node, RepurchaseDue):
            if node.within_days:
                return self.say("repurchase_due.within", product=node.product, days=node.within_days)
            return self.say("repurchase_due", product=node.product)
        if isinstance(node, Referrals):
            return self.say("referrals", window=self.window(node.window), bound=self.bound(node.bound))
        raise TypeError(f"no words for {type(node).__name__}")  # pragma: no cover - the union is closed

    # -- attributes and values

    def attr(self, node: Attr) -> str:
        if node.op == "exists":
            return self.say("attr.exists" if node.value else "attr.missing", key=node.key)
        if node.op == "between":
            assert isinstance(node.value, tuple)
            low, high = node.value
            return self.say("attr.between", key=node.key, low=self.value(low), high=self.value(high))
        if isinstance(node.value, tuple):
            return self.say(f"attr.{node.op}", key=node.key, value=self.values(node.value, "value.list.joiner"))
        return self.say(f"attr.{node.op}", key=node.key, value=self.value(node.value))

    def value(self, value: Scalar) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return self.say("value.text", text=value)
        return f"{value:g}" if isinstance(value, float) else str(value)

    def values(self, values: Sequence[Scalar], joiner: str) -> str:
        return self.say(joiner).join(self.value(v) for v in values)

    # -- events

    def event(self, node: Event) -> str:
        parts = self.event_parts(node.type, node.window, node.where, node.since_entry)
        if node.sum is not None:
            return self.say("event.sum", **parts, field=node.sum.field, bound=self.bound(node.sum.bound))
        if node.count is not None:
            return self.say("event.count", **parts, bound=self.bound(node.count))
        return self.say("event", **parts)

    def event_parts(
        self, kind: str, window: Window, where: Sequence[PropertyMatch], since_entry: bool
    ) -> dict[str, str]:
        when = self.window(window)
        if since_entry:
            ever = isinstance(window, Ever)
            when = self.say("window.since_entry.ever") if ever else self.say("window.since_entry", window=when)
        return {"window": when, "event": self.event_name(kind), "where": self.where(where)}

    def event_name(self, kind: str) -> str:
        label = EVENT_LABELS.get(kind, {}).get(self.locale)
        return self.say("event.name", label=label, type=kind) if label else self.say("event.type", type=kind)

    def where(self, where: Sequence[PropertyMatch]) -> str:
        if not where:
            return ""
        matches = [
            self.say("event.where.match", key=m.key, values=self.values(m.values, "value.or.joiner")) for m in where
        ]
        return self.say("event.where", matches=self.say("value.list.joiner").join(matches))

    def window(self, window: Window) -> str:
        if isinstance(window, Ever):
            return self.say("window.ever")
        if isinstance(window, Within):
            return self.say("window.within", span=self.duration(window.span_us))
        if isinstance(window, Between):
            return self.say(
                "window.between", older=self.duration(window.older_us), newer=self.duration(window.newer_us)
            )
        assert isinstance(window, Range)
        return self.say("window.range", start=self.instant(window.start_us), end=self.instant(window.end_us))

    def instant(self, us: int) -> str:
        return from_us(us, self.zone).strftime("%Y-%m-%d %H:%M")

    def duration(self, us: int) -> str:
        for unit, size in (("d", US_PER_DAY), ("h", US_PER_HOUR)):
            if us % size == 0 and us:
                return self.say(f"unit.{unit}", n=us // size)
        return self.say("unit.m", n=f"{us / US_PER_MINUTE:g}")

    def bound(self, bound: Bound) -> str:
        # `between: [a, b]` is kept as gte a, lte b: it reads as "at least a and at most b"
        parts = [self.say(f"bound.{op}", n=f"{limit:g}") for op, limit in bound.comparisons]
        return self.say("bound.joiner").join(parts)
