"""Birthdays are YYYY-MM-DD; birthday_md is month * 100 + day."""

from __future__ import annotations

from datetime import date

import pytest

from siyu.ingest.fields import FieldError, birthday, month_day


def test_valid_and_blank() -> None:
    assert birthday(" 1990-06-01 ") == date(1990, 6, 1)
    assert birthday("") is None
    assert month_day(date(1992, 2, 29)) == 229
    assert month_day(date(1990, 12, 1)) == 1201


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1990-13-01", 'expected a date YYYY-MM-DD, got "1990-13-01"'),
        ("19900601", 'expected a date YYYY-MM-DD, got "19900601"'),
        ("1990/06/01", 'expected a date YYYY-MM-DD, got "1990/06/01"'),
        (19900601, "expected a date YYYY-MM-DD, got a number"),
    ],
)
def test_faults(value: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        birthday(value)
    assert caught.value.message == message
