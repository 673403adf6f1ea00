"""Every malformed condition is refused with the path of the fault and what was expected."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.core.conditions.nodes import TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import ValidationError


def problems(raw: Any, target: TargetKind = TargetKind.customer, **kw: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_condition(raw, target, ("audience",), **kw)
    return [str(p) for p in caught.value.problems]


def test_unknown_leaf_names_the_path_and_suggests() -> None:
    assert problems({"all": [{"tag": "a"}, {"evnt": "order_paid"}]}) == [
        "audience.all[1]: unknown condition evnt (did you mean event?) (expected one of: all, any, not, tag, attr,"
        " event, no_event, since, birthday, date_attr, in_group, repurchase_due, referrals)"
    ]


def test_leaf_of_another_target_kind() -> None:
    assert problems({"role": "导购"}) == [
        "audience: role is not a customer condition here (use: all, any, not, tag, attr, event, no_event, since,"
        " birthday, date_attr, in_group, repurchase_due, referrals)"
    ]


def test_wrong_types_are_located() -> None:
    assert problems({"event": "order_paid", "count": {"gte": "three"}}) == [
        "audience.count.gte: expected a number, got 'three'"
    ]
    assert problems({"attr": "level", "in": "gold"}) == ["audience.in: expected a non-empty list of values, got 'gold'"]
    assert problems({"all": {"tag": "a"}}) == ["audience.all: expected a non-empty list of conditions, got a mapping"]
    assert problems({"in_group": "yes"}) == [
        "audience.in_group: expected true, false or a group condition like {tag: 会员群}, got 'yes'"
    ]


def test_bad_durations_and_dates() -> None:
    assert problems({"event": "x", "within": "7 days"}) == [
        "audience.within: expected a duration like 30m, 24h or 7d, got '7 days'"
    ]
    assert problems({"event": "x", "between": ["7d", "8d"]}) == [
        "audience.between: the first duration must be the older one, e.g. [8d, 7d]; got [7d, 8d]"
    ]
    assert problems({"event": "x", "from": "2026-06-31T00:00:00+08:00", "to": "2026-07-01T00:00:00+08:00"}) == [
        "audience.from: expected an ISO 8601 date-time like 2026-06-01T00:00:00+08:00, got '2026-06-31T00:00:00+08:00'"
    ]
    assert problems({"event": "x", "from": "2026-06-01T00:00:00", "to": "2026-07-01T00:00:00+08:00"}) == [
        "audience.from: '2026-06-01T00:00:00' has no offset; write it like 2026-06-01T00:00:00+08:00"
    ]


def test_every_problem_is_reported_at_once() -> None:
    found = problems({"all": [{"tag": ""}, {"since": "friend_added"}, {"attr": "x", "eq": 1, "gt": 2}]})
    assert found == [
        "audience.all[0].tag: expected a tag name (text), got ''",
        "audience.all[1]: since needs days, e.g. {since: friend_added, days: {gte: 7}}",
        "audience.all[2]: an attr condition takes exactly one comparison (eq, ne, in, not_in, gt, gte, lt, lte, between,"
        " contains, exists), found 2",
    ]


def test_unknown_modifier_key() -> None:
    assert problems({"event": "order_paid", "witin": "7d"}) == [
        "audience.witin: unknown key witin (did you mean within?) (allowed here: event, within, between, from, to, where,"
        " count, sum, since_entry)"
    ]


def test_since_entry_only_in_exit_and_when() -> None:
    assert problems({"event": "order_paid", "since_entry": True}) == [
        "audience.since_entry: since_entry is only meaningful in exit and when conditions"
    ]
    parse_condition({"event": "order_paid", "since_entry": True}, TargetKind.customer, allow_since_entry=True)


def test_reserved_attribute_names() -> None:
    assert problems({"attr": "birthday", "exists": True}) == [
        "audience.attr: birthday is not an attribute here; use {birthday: today} or {date_attr: …} on another attribute"
    ]
