"""`ramp: {per_day: N}` (SOP-FORMAT): at most N new entries a local day, for SOPs entered by
their audience."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.core.model import Ramp
from siyu.core.sopparse.sop import parse_sop
from tests.unit.core.sop_samples import messages, sop


def test_a_ramp_is_read() -> None:
    assert parse_sop(sop(ramp={"per_day": 2000})).ramp == Ramp(2000)
    assert parse_sop(sop()).ramp is None


@pytest.mark.parametrize(
    ("ramp", "message"),
    [
        (2000, "ramp: expected {per_day: 2000}, got 2000"),
        ({"per_day": 0}, "ramp.per_day: expected a whole number from 1 to 10000000, got 0"),
        ({"per_day": "many"}, "ramp.per_day: expected a whole number, got 'many'"),
        ({"per_day": 5, "per_week": 9}, "ramp.per_week: unknown key per_week (allowed here: per_day)"),
    ],
)
def test_a_bad_ramp_is_located(ramp: Any, message: str) -> None:
    assert messages(sop(ramp=ramp)) == [message]


def test_an_event_entered_sop_takes_no_ramp() -> None:
    found = messages(sop(entry={"event": "friend_added"}, audience=None, ramp={"per_day": 10}))
    assert found == ["ramp: ramp spreads entries by the audience; an SOP entered by an event takes every event"]
