"""Acceptance standards: three shapes, unique ids, customer-facing ones only where customers are."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.core.bounds import Bound
from siyu.core.model import ContactsPerWeek, FirstContactWithin, TaskDoneWithin
from siyu.core.sopparse.sop import parse_sop
from siyu.core.timeutil import US_PER_DAY
from tests.unit.core.sop_samples import messages, sop, step

HOUR = US_PER_DAY // 24


def test_the_three_shapes() -> None:
    standards = [
        {"id": "done-24h", "task_done_within": "24h"},
        {"id": "first-contact-24h", "first_contact_within": "24h", "after_event": "friend_added"},
        {"id": "three-a-week", "contacts_per_week": {"gte": 3}, "during_days": 7},
        {"id": "some", "contacts_per_week": {"between": [1, 5]}},
    ]
    assert parse_sop(sop(standards=standards)).standards == (
        TaskDoneWithin("done-24h", 24 * HOUR),
        FirstContactWithin("first-contact-24h", 24 * HOUR, "friend_added"),
        ContactsPerWeek("three-a-week", Bound((("gte", 3.0),)), 7),
        ContactsPerWeek("some", Bound((("gte", 1.0), ("lte", 5.0))), None),
    )


@pytest.mark.parametrize(
    ("standard", "message"),
    [
        (
            {"id": "a"},
            "standards[0]: expected exactly one of task_done_within, first_contact_within, contacts_per_week",
        ),
        (
            {"id": "a", "task_done_within": "1h", "contacts_per_week": {"gte": 1}},
            "standards[0]: expected exactly one of task_done_within, first_contact_within, contacts_per_week "
            "(found task_done_within, contacts_per_week)",
        ),
        ({"task_done_within": "1h"}, "standards[0]: missing required key: id"),
        (
            {"id": "a", "task_done_within": "1 day"},
            "standards[0].task_done_within: expected a duration like 30m, 24h or 7d, got '1 day'",
        ),
        ({"id": "a", "first_contact_within": "1h"}, "standards[0]: missing required key: after_event"),
        (
            {"id": "a", "task_done_within": "1h", "after_event": "x"},
            "standards[0].after_event: unknown key after_event (allowed here: id, task_done_within)",
        ),
        (
            {"id": "a", "contacts_per_week": 3},
            "standards[0].contacts_per_week: expected a bound such as {gte: 3} (eq, gt, gte, lt, lte, between), got 3",
        ),
        (
            {"id": "a", "contacts_per_week": {"gtee": 3}},
            "standards[0].contacts_per_week.gtee: unknown key gtee (did you mean gte?) "
            "(allowed here: eq, gt, gte, lt, lte, between)",
        ),
        (
            {"id": "a", "contacts_per_week": {"gte": 3}, "during_days": 0},
            "standards[0].during_days: expected a positive whole number of days from 1 to 3650, got 0",
        ),
    ],
)
def test_bad_standards(standard: dict[str, Any], message: str) -> None:
    assert messages(sop(standards=[standard])) == [message]


def test_standard_ids_are_unique() -> None:
    standards = [{"id": "a", "task_done_within": "1h"}, {"id": "a", "task_done_within": "2h"}]
    assert messages(sop(standards=standards)) == ["standards[1].id: duplicate id a (also standards[0])"]


def test_contact_standards_need_customers() -> None:
    raw = sop(
        "group",
        step(channel="group", executor="group_owner"),
        standards=[{"id": "a", "task_done_within": "1h"}, {"id": "b", "contacts_per_week": {"gte": 1}}],
    )
    assert messages(raw) == [
        "standards[1].contacts_per_week: contacts_per_week measures contacts with customers; a group SOP has none"
    ]
