"""Entry, re-entry, exit, holdout and the simple top-level values."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.core.conditions.nodes import Event, InGroup, PropertyMatch
from siyu.core.model import AudienceEntry, EventEntry, Reentry, ReentryMode
from siyu.core.sopparse.sop import parse_sop
from siyu.core.timeutil import US_PER_DAY
from tests.unit.core.sop_samples import messages, sop


def test_event_entry() -> None:
    assert parse_sop(sop(entry={"event": "friend_added"})).entry == EventEntry("friend_added")
    assert parse_sop(sop(entry="audience")).entry == AudienceEntry()


def test_event_entry_with_where() -> None:
    parsed = parse_sop(sop(entry={"event": "friend_added", "where": {"channel": ["qr-1", "qr-2"]}}))
    assert parsed.entry == EventEntry("friend_added", (PropertyMatch("channel", ("qr-1", "qr-2")),))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("event", "entry: expected audience or {event: friend_added}, got 'event'"),
        ({"evnt": "x"}, "entry: expected audience or {event: friend_added}, got a mapping"),
        ({"event": ""}, "entry.event: expected an event type such as friend_added, got ''"),
        ({"event": "a", "when": 1}, "entry.when: unknown key when (did you mean where?) (allowed here: event, where)"),
        ({"event": "a", "where": {"x": [{"y": 1}]}}, "entry.where.x: expected a value or a list of values, got a list"),
    ],
)
def test_bad_entry(entry: Any, message: str) -> None:
    assert messages(sop(entry=entry)) == [message]


def test_event_entry_only_for_customer_and_group_sops() -> None:
    raw = sop(
        "moments",
        {"id": "p", "at": {"next": "09:00"}, "channel": "moments", "executor": "self", "content": [{"text": "早"}]},
        entry={"event": "x"},
    )
    assert messages(raw) == ["entry: a moments SOP enters by its audience only (entry: audience)"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("never", Reentry(ReentryMode.never)),
        ("always", Reentry(ReentryMode.always)),
        ({"after": "30d"}, Reentry(ReentryMode.after, 30 * US_PER_DAY)),
    ],
)
def test_reentry(value: Any, expected: Reentry) -> None:
    assert parse_sop(sop(reentry=value)).reentry == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sometimes", "reentry: expected never, always or {after: 30d}, got 'sometimes'"),
        ({"after": "0d"}, "reentry.after: expected a duration above zero, got '0d'"),
        ({"after": "7d", "max": 3}, "reentry.max: unknown key max (allowed here: after)"),
        (True, "reentry: expected never, always or {after: 30d}, got True"),
    ],
)
def test_bad_reentry(value: Any, message: str) -> None:
    assert messages(sop(reentry=value)) == [message]


def test_exit_may_use_since_entry_and_the_audience_may_not() -> None:
    parsed = parse_sop(sop(exit={"event": "account_bound", "since_entry": True}))
    assert parsed.exit == Event("account_bound", since_entry=True)
    assert parse_sop(sop(exit={"in_group": True})).exit == InGroup(True)
    assert messages(sop(audience={"event": "x", "since_entry": True})) == [
        "audience.since_entry: since_entry is only meaningful in exit and when conditions"
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [("0%", 0.0), ("10%", 10.0), ("2.5%", 2.5), ("99.9%", 99.9), ("5 %", 5.0)]
)
def test_holdout(value: str, expected: float) -> None:
    assert parse_sop(sop(holdout=value)).holdout_percent == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100%", "holdout: expected a percentage from 0% to below 100%, got 100%"),
        (10, "holdout: expected a percentage like 10%, got 10"),
        ("-1%", "holdout: expected a percentage like 10%, got '-1%'"),
        ("ten%", "holdout: expected a percentage like 10%, got 'ten%'"),
    ],
)
def test_bad_holdout(value: Any, message: str) -> None:
    assert messages(sop(holdout=value)) == [message]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "name: expected text, got nothing"),
        ({"name": "x" * 201}, "name: at most 200 characters, got 201"),
        ({"priority": True}, "priority: expected a whole number, got True"),
        ({"priority": 2_000_000}, "priority: expected a whole number from -1000000 to 1000000, got 2000000"),
        ({"goal": {"a": 1}}, "goal: expected text, got a mapping"),
        ({"enabled": "true"}, "enabled: expected true or false, got 'true'"),
    ],
)
def test_bad_top_values(fields: dict[str, Any], message: str) -> None:
    assert messages(sop(**fields)) == [message]


def test_an_sop_must_be_a_mapping() -> None:
    assert messages([1, 2]) == [  # type: ignore[arg-type]
        "(top): expected a mapping such as {id: …, name: …, kind: customer, steps: […]}, got a list"
    ]
