"""Well-formed conditions become the expected AST."""

from __future__ import annotations

from siyu.core.bounds import Between, Bound, Ever, Range, Within
from siyu.core.conditions.nodes import (
    All,
    Attr,
    Birthday,
    BirthdayPeriod,
    Event,
    InGroup,
    Not,
    PropertyMatch,
    RepurchaseDue,
    Since,
    SumBound,
    Tag,
    TargetKind,
)
from siyu.core.conditions.parse import parse_condition
from siyu.core.timeutil import US_PER_DAY

C = TargetKind.customer


def test_after_sales_audience() -> None:
    raw = {
        "all": [{"event": "order_paid", "between": ["8d", "7d"]}, {"not": {"event": "order_refunded", "within": "8d"}}]
    }
    assert parse_condition(raw, C) == All(
        (
            Event("order_paid", Between(8 * US_PER_DAY, 7 * US_PER_DAY)),
            Not(Event("order_refunded", Within(8 * US_PER_DAY))),
        )
    )


def test_no_event_is_the_negation_of_event() -> None:
    assert parse_condition({"no_event": "order_paid", "within": "180d"}, C) == Not(
        Event("order_paid", Within(180 * US_PER_DAY))
    )


def test_count_sum_and_where() -> None:
    raw = {
        "event": "order_paid",
        "within": "365d",
        "sum": {"field": "amount", "gte": 2000},
        "where": {"sku": ["A", "B"]},
    }
    assert parse_condition(raw, C) == Event(
        "order_paid",
        Within(365 * US_PER_DAY),
        (PropertyMatch("sku", ("A", "B")),),
        None,
        SumBound("amount", Bound((("gte", 2000.0),))),
    )


def test_absolute_window() -> None:
    raw = {"event": "order_paid", "from": "2026-06-01T00:00:00+08:00", "to": "2026-06-19T00:00:00+08:00"}
    parsed = parse_condition(raw, C)
    assert isinstance(parsed, Event) and isinstance(parsed.window, Range)
    assert parsed.window.end_us - parsed.window.start_us == 18 * US_PER_DAY


def test_other_leaves() -> None:
    assert parse_condition({"since": "friend_added", "days": {"gte": 7}}, C) == Since(
        "friend_added", Bound((("gte", 7.0),))
    )
    assert parse_condition({"birthday": "today"}, C) == Birthday(period=BirthdayPeriod.today)
    assert parse_condition({"birthday": {"in_days": 3}}, C) == Birthday(in_days=Bound((("eq", 3.0),)))
    assert parse_condition({"in_group": {"tag": "会员群"}}, C) == InGroup(True, Tag("会员群"))
    assert parse_condition({"in_group": False}, C) == InGroup(False)
    assert parse_condition({"repurchase_due": {"product": "润肤霜"}}, C) == RepurchaseDue("润肤霜", 0)
    assert parse_condition({"attr": "source", "in": ["京东店铺", "拼多多店铺"]}, C) == Attr(
        "source", "in", ("京东店铺", "拼多多店铺")
    )
    assert parse_condition({"event": "friend_added"}, C) == Event("friend_added", Ever())
