"""`at`: the six forms, their keys and their ranges; workdays_only beside any form."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from siyu.core.model import DayAt, Delay, Every, NextAt, OnEvent, Period, RRule, Weekday
from siyu.core.sopparse.sop import parse_sop
from siyu.core.timeutil import US_PER_DAY
from tests.unit.core.sop_samples import messages, sop, step


def at_of(at: dict[str, Any], kind: str = "customer", **fields: Any) -> object:
    extra = {"channel": "group", "executor": "group_owner"} if kind == "group" else {}
    return parse_sop(sop(kind, step(at=at, **extra, **fields))).steps[0].at


def problems_of(at: object, kind: str = "customer") -> list[str]:
    extra = {"channel": "group", "executor": "group_owner"} if kind == "group" else {}
    return messages(sop(kind, step(at=at, **extra)))


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ({"delay": "30m"}, Delay(30 * 60 * 1_000_000)),
        ({"delay": "0m"}, Delay(0)),
        ({"delay": "2d"}, Delay(2 * US_PER_DAY)),
        ({"day": 7, "time": "20:00"}, DayAt(7, time(20, 0))),
        ({"next": "10:00"}, NextAt(time(10, 0))),
        ({"every": "day", "time": "09:00"}, Every(Period.day, time(9, 0))),
        ({"every": "week", "weekday": "mon", "time": "09:00"}, Every(Period.week, time(9, 0), weekday=Weekday.mon)),
        ({"every": "month", "monthday": 31, "time": "23:59"}, Every(Period.month, time(23, 59), monthday=31)),
        (
            {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0"},
            RRule("FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0"),
        ),
        ({"rrule": "RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=30"}, RRule("FREQ=DAILY;BYHOUR=9;BYMINUTE=30")),
        ({"on": "order_paid"}, OnEvent("order_paid")),
    ],
)
def test_forms(at: dict[str, Any], expected: object) -> None:
    assert at_of(at) == expected


def test_on_member_joined_in_group_sops() -> None:
    assert at_of({"on": "member_joined"}, "group") == OnEvent("member_joined")


@pytest.mark.parametrize(
    ("at", "kind", "message"),
    [
        (
            {"on": "group_joined"},
            "group",
            "steps[0].at.on: group steps can only use on: member_joined, got group_joined",
        ),
        (
            {"on": "member_joined"},
            "customer",
            "steps[0].at.on: member_joined is a group event; a customer SOP step can use on: group_joined",
        ),
    ],
)
def test_on_where_it_makes_sense(at: dict[str, Any], kind: str, message: str) -> None:
    assert problems_of(at, kind) == [message]


def test_on_is_refused_in_moments() -> None:
    raw = sop("moments", step(at={"on": "friend_added"}, channel="moments", executor="self"))
    assert messages(raw) == [
        "steps[0].at.on: on: is for group SOPs (on: member_joined) and customer SOPs (on: <event type>)"
    ]


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ({}, "steps[0].at: expected exactly one of delay, day, next, every, rrule, on (found nothing)"),
        (
            {"delay": "1h", "next": "10:00"},
            "steps[0].at: expected exactly one of delay, day, next, every, rrule, on (found delay, next)",
        ),
        ({"day": 1}, 'steps[0].at: day needs a time, e.g. {day: 1, time: "20:00"}'),
        ({"day": "1", "time": "10:00"}, "steps[0].at.day: expected a whole number of days, got '1'"),
        ({"day": 3651, "time": "10:00"}, "steps[0].at.day: expected a whole number of days from 0 to 3650, got 3651"),
        ({"delay": "30s"}, "steps[0].at.delay: expected a duration like 30m, 24h or 7d, got '30s'"),
        ({"delay": 30}, "steps[0].at.delay: expected a duration like 30m, 24h or 7d, got 30"),
        ({"next": "7:00"}, "steps[0].at.next: expected a time \"HH:MM\" from 00:00 to 23:59, got '7:00'"),
        ({"next": 630}, 'steps[0].at.next: expected a time "HH:MM" from 00:00 to 23:59, got 630'),
        ({"every": "year", "time": "10:00"}, "steps[0].at.every: expected day, week or month, got 'year'"),
        ({"every": "week", "time": "10:00"}, "steps[0].at: missing required key: weekday"),
        (
            {"every": "week", "weekday": "mo", "time": "10:00"},
            "steps[0].at.weekday: expected one of mon, tue, wed, thu, fri, sat, sun, got 'mo' (did you mean mon?)",
        ),
        (
            {"every": "day", "weekday": "mon", "time": "10:00"},
            "steps[0].at.weekday: weekday goes with every: week, not every: day",
        ),
        (
            {"every": "month", "monthday": 0, "time": "10:00"},
            "steps[0].at.monthday: expected a day of the month from 1 to 31, got 0",
        ),
        (
            {"every": "month", "monthday": 32, "time": "10:00"},
            "steps[0].at.monthday: expected a day of the month from 1 to 31, got 32",
        ),
        ({"every": "day"}, "steps[0].at: missing required key: time"),
        (
            {"day": 0, "time": "10:00", "tim": 1},
            "steps[0].at.tim: unknown key tim (did you mean time?) (allowed here: day, time, workdays_only)",
        ),
        (
            {"rrule": "FREQ=WEEKLY;BYDAY=XX;BYHOUR=1;BYMINUTE=0"},
            "steps[0].at.rrule: not a valid recurrence rule: invalid 'BYDAY': XX",
        ),
        (
            {"rrule": "FREQ=MINUTELY;BYHOUR=1;BYMINUTE=0"},
            "steps[0].at.rrule: FREQ must be one of HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY, got 'MINUTELY'",
        ),
        ({"rrule": "FREQ=DAILY;BYHOUR=9"}, "steps[0].at.rrule: say when in the day it fires: add BYMINUTE"),
        (
            {"rrule": "DTSTART=20260101T000000;FREQ=DAILY"},
            "steps[0].at.rrule: unknown rule part DTSTART (DTSTART is the entry and is not written)",
        ),
        ("10:00", "steps[0].at: expected a mapping such as {day: 0, time: \"10:00\"}, got '10:00'"),
    ],
)
def test_bad_time_specs(at: object, message: str) -> None:
    assert problems_of(at) == [message]


def test_hourly_rules_need_only_minutes() -> None:
    assert at_of({"rrule": "FREQ=HOURLY;INTERVAL=4;BYMINUTE=0"}) == RRule("FREQ=HOURLY;INTERVAL=4;BYMINUTE=0")


@pytest.mark.parametrize(
    ("at", "fields", "expected"),
    [
        ({"day": 1, "time": "10:00"}, {}, False),
        ({"day": 1, "time": "10:00"}, {"workdays_only": True}, True),
        ({"day": 1, "time": "10:00", "workdays_only": True}, {}, True),
        ({"delay": "1h", "workdays_only": True}, {"workdays_only": True}, True),
        ({"every": "week", "weekday": "fri", "time": "19:00"}, {"workdays_only": False}, False),
    ],
)
def test_workdays_only_at_step_level_or_inside_at(at: dict[str, Any], fields: dict[str, Any], expected: bool) -> None:
    assert parse_sop(sop("customer", step(at=at, **fields))).steps[0].workdays_only is expected


def test_workdays_only_given_twice_must_agree() -> None:
    raw = sop("customer", step(at={"delay": "1h", "workdays_only": True}, workdays_only=False))
    assert messages(raw) == [
        "steps[0].workdays_only: workdays_only is given twice (here and in at) with different values"
    ]


def test_workdays_only_must_be_a_boolean() -> None:
    assert messages(sop("customer", step(workdays_only="yes"))) == [
        "steps[0].workdays_only: expected true or false, got 'yes'"
    ]
