"""The `workdays` setting: the brand's holidays and make-up workdays, stored as JSON and read
back as the calendar the planner asks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from siyu.brand import settings
from siyu.core.errors import ValidationError

OVERRIDES = {"2027-01-01": "holiday", "2027-02-07": "workday", "2026-10-08": "holiday"}


def test_overrides_round_trip_and_shape_the_calendar(engine: Engine) -> None:
    with engine.begin() as conn:
        assert settings.load(conn).workday_overrides == {}
        settings.set_value(conn, "workdays", OVERRIDES, now_us=0)
    with engine.begin() as conn:
        assert settings.stored_values(conn)["workdays"] == OVERRIDES
        loaded = settings.load(conn)
    assert loaded.workday_overrides == {date(2027, 1, 1): False, date(2027, 2, 7): True, date(2026, 10, 8): False}
    calendar = loaded.calendar
    assert calendar.next_workday(date(2026, 10, 1)) == date(2026, 10, 9)
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 7))
    assert calendar.is_workday(date(2027, 1, 4))  # the rest of 2027 follows the plain week


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"2027-13-01": "holiday"}, "workdays.2027-13-01: expected a date written YYYY-MM-DD"),
        ({"2027-1-1": "holiday"}, "workdays.2027-1-1: expected a date written YYYY-MM-DD"),
        ({"2027-01-01": "day off"}, 'workdays.2027-01-01: expected "workday" or "holiday", got \'day off\''),
        ({"2027-01-01": True}, 'workdays.2027-01-01: expected "workday" or "holiday", got True'),
        (["2027-01-01"], 'workdays: expected {"2027-01-01": "holiday", "2027-02-07": "workday"}'),
    ],
)
def test_a_bad_value_is_refused_and_the_stored_one_stays(engine: Engine, value: object, message: str) -> None:
    with engine.begin() as conn:
        settings.set_value(conn, "workdays", OVERRIDES, now_us=0)
    with pytest.raises(ValidationError) as caught, engine.begin() as conn:
        settings.set_value(conn, "workdays", value, now_us=1)
    assert str(caught.value).startswith(message)
    with engine.begin() as conn:
        assert settings.stored_values(conn)["workdays"] == OVERRIDES


def test_every_bad_entry_is_named() -> None:
    with pytest.raises(ValidationError) as caught:
        settings.from_values({"workdays": {"2027-02-30": "holiday", "2027-03-01": "maybe", "2027-03-02": "workday"}})
    assert [problem.where for problem in caught.value.problems] == ["workdays.2027-02-30", "workdays.2027-03-01"]
