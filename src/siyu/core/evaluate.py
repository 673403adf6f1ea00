"""Evaluate a condition on one target's facts — the reference semantics that store.compile
must match (a property test proves it). Both `match` over the closed `Condition` union and
end in `assert_never`, so a leaf without a branch here fails mypy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_never

from siyu.core import birthdays, repurchase
from siyu.core.bounds import in_window
from siyu.core.conditions.nodes import (
    GROUP_MEMBER_COUNT,
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
    PropertyMatch,
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    Tag,
)
from siyu.core.facts import Context, CustomerFacts, EventFact, Facts, GroupFacts, StaffFacts
from siyu.core.timeutil import US_PER_DAY, from_day_number, local_day
from siyu.core.values import AttrValue, Scalar, normalize

# Sums are compared rounded, so that 199.9 + 1800.1 ≥ 2000 whatever the order of float additions.
SUM_DECIMALS = 6


def evaluate(condition: Condition, facts: Facts, ctx: Context) -> bool:
    match condition:
        case All():
            return all(evaluate(item, facts, ctx) for item in condition.items)
        case AnyOf():
            return any(evaluate(item, facts, ctx) for item in condition.items)
        case Not():
            return not evaluate(condition.item, facts, ctx)
        case Tag():
            return condition.name in facts.tags
        case Role():
            return isinstance(facts, StaffFacts) and condition.name in facts.roles
        case Attr():
            return attribute_holds(condition, _attributes(facts))
        case Event():
            return _event_holds(condition, facts, ctx)
        case Since():
            return _since_holds(condition, facts, ctx)
        case Birthday() | DateAttr() | InGroup() | RepurchaseDue() | Referrals():
            if not isinstance(facts, CustomerFacts):
                raise TypeError(f"{type(condition).__name__} does not apply to {type(facts).__name__}")
            return _customer_leaf(condition, facts, ctx)
        case _:
            assert_never(condition)


def _customer_leaf(
    condition: Birthday | DateAttr | InGroup | RepurchaseDue | Referrals, facts: CustomerFacts, ctx: Context
) -> bool:
    match condition:
        case Birthday():
            return _birthday_holds(condition, facts, ctx)
        case DateAttr():
            value = facts.attributes.get(condition.key)
            if value is None or value.day is None:
                return False
            return condition.in_days.holds(value.day - ctx.today)
        case InGroup():
            member = any(condition.group is None or evaluate(condition.group, group, ctx) for group in facts.groups)
            return member if condition.member else not member
        case RepurchaseDue():
            days = [
                _local_day(event.at, ctx)
                for event in _ordered(facts.events)
                if event.type == "order_paid"
                and event.at <= ctx.now_us
                and _matches(event, (PropertyMatch("product", (condition.product,)),))
            ]
            return repurchase.is_due(days, ctx.today, condition.within_days, ctx.product_medians.get(condition.product))
        case Referrals():
            contacts = {r.contact for r in facts.referrals if in_window(r.at, condition.window, ctx.now_us)}
            return condition.bound.holds(len(contacts))
        case _:
            assert_never(condition)


def _attributes(facts: Facts) -> Mapping[str, AttrValue]:
    if isinstance(facts, GroupFacts):
        return {**facts.attributes, GROUP_MEMBER_COUNT: normalize(facts.member_count)}
    if isinstance(facts, CustomerFacts):
        return facts.attributes
    return {}


def _events(facts: Facts) -> tuple[EventFact, ...]:
    return facts.events if isinstance(facts, CustomerFacts | GroupFacts) else ()


def _ordered(events: tuple[EventFact, ...]) -> list[EventFact]:
    return sorted(events, key=lambda e: (e.at, e.sequence))


def _local_day(at: int, ctx: Context) -> int:
    return local_day(at, ctx.zone)


# ---------------------------------------------------------------- attributes


def attribute_holds(condition: Attr, attributes: Mapping[str, AttrValue]) -> bool:
    value = attributes.get(condition.key)
    op = condition.op
    if op == "exists":
        return (value is not None) == condition.value
    if op == "ne":
        return not _equals(value, condition.value)  # type: ignore[arg-type]
    if op == "not_in":
        return not any(_equals(value, item) for item in condition.value)  # type: ignore[union-attr]
    if value is None:
        return False
    if op == "eq":
        return _equals(value, condition.value)  # type: ignore[arg-type]
    if op == "in":
        return any(_equals(value, item) for item in condition.value)  # type: ignore[union-attr]
    if op == "contains":
        return str(condition.value) in value.text
    if op == "between":
        low, high = condition.value  # type: ignore[misc,str-unpack]
        return _compare(value, "gte", low) and _compare(value, "lte", high)
    return _compare(value, op, condition.value)  # type: ignore[arg-type]


def _equals(value: AttrValue | None, literal: Scalar) -> bool:
    if value is None:
        return False
    if isinstance(literal, bool):
        return value.text == ("true" if literal else "false")
    if isinstance(literal, int | float):
        return value.num is not None and value.num == float(literal)
    return value.text == literal


def _compare(value: AttrValue, op: str, literal: Scalar) -> bool:
    left: float | str
    right: float | str
    if isinstance(literal, int | float) and not isinstance(literal, bool):
        if value.num is None:
            return False
        left, right = value.num, float(literal)
    else:
        left, right = value.text, str(literal)
    if op == "gt":
        return left > right  # type: ignore[operator]
    if op == "gte":
        return left >= right  # type: ignore[operator]
    if op == "lt":
        return left < right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]


# ---------------------------------------------------------------- events


def property_matches(properties: Mapping[str, object], match: PropertyMatch) -> bool:
    """Equality with the same JSON type: text with text, numbers with numbers, booleans with booleans."""
    if match.key not in properties:
        return False
    actual = properties[match.key]
    for wanted in match.values:
        if isinstance(wanted, bool) or isinstance(actual, bool):
            if isinstance(wanted, bool) and isinstance(actual, bool) and wanted == actual:
                return True
        elif isinstance(wanted, int | float):
            if isinstance(actual, int | float) and float(actual) == float(wanted):
                return True
        elif isinstance(actual, str) and actual == wanted:
            return True
    return False


def _matches(event: EventFact, where: tuple[PropertyMatch, ...]) -> bool:
    return all(property_matches(event.properties, match) for match in where)


def numeric_property(properties: Mapping[str, object], key: str) -> float | None:
    value = properties.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _event_holds(condition: Event, facts: Facts, ctx: Context) -> bool:
    entered = facts.entered_at if isinstance(facts, CustomerFacts) else None
    if condition.since_entry and entered is None:
        return False
    selected = [
        event
        for event in _events(facts)
        if event.type == condition.type
        and in_window(event.at, condition.window, ctx.now_us)
        and _matches(event, condition.where)
        and (not condition.since_entry or (entered is not None and event.at > entered))
    ]
    if condition.count is None and condition.sum is None:
        return bool(selected)
    if condition.count is not None and not condition.count.holds(len(selected)):
        return False
    if condition.sum is not None:
        values = (numeric_property(event.properties, condition.sum.field) for event in selected)
        total = round(sum(value for value in values if value is not None), SUM_DECIMALS)
        if not condition.sum.bound.holds(total):
            return False
    return True


def _since_holds(condition: Since, facts: Facts, ctx: Context) -> bool:
    times = [
        event.at
        for event in _events(facts)
        if event.type == condition.type and event.at <= ctx.now_us and _matches(event, condition.where)
    ]
    if not times:
        return False
    whole_days = (ctx.now_us - min(times)) // US_PER_DAY
    return condition.days.holds(whole_days)


# ---------------------------------------------------------------- birthdays


def _birthday_holds(condition: Birthday, facts: CustomerFacts, ctx: Context) -> bool:
    if facts.birthday is None:
        return False
    md = birthdays.md_of(facts.birthday)
    return md in birthday_keys(condition, ctx)


def birthday_keys(condition: Birthday, ctx: Context) -> set[int]:
    """The birthday keys (month * 100 + day) the condition admits today."""
    today = from_day_number(ctx.today)
    if condition.period == BirthdayPeriod.today:
        return birthdays.mds_celebrated_on(today)
    if condition.period == BirthdayPeriod.this_week:
        return birthdays.mds_celebrated_during(birthdays.week_of(today))
    if condition.period == BirthdayPeriod.this_month:
        return birthdays.mds_celebrated_during(birthdays.month_of(today))
    assert condition.in_days is not None
    bound = condition.in_days
    return {md for md, days in birthdays.days_until_each(today).items() if bound.holds(days)}
