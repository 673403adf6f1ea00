"""Ids, names and references: text (trimmed) or a number written as text; blank is no value."""

from __future__ import annotations

import pytest

from siyu.ingest.fields import FieldError, identifier, name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("c1", "c1"),
        ("  c1 ", "c1"),
        (1001, "1001"),
        (1001.0, "1001"),
        (12.5, "12.5"),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_identifier_values(value: object, expected: str | None) -> None:
    assert identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["c1"], "expected text, got a list"),
        ({"id": 1}, "expected text, got an object"),
        (True, "expected text, got true/false"),
        ("x" * 129, "longer than 128 characters"),
        ("c\x001", "contains a NUL character"),
    ],
)
def test_identifier_faults(value: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        identifier(value)
    assert caught.value.message == message


def test_name_blank_is_empty_and_long_names_are_refused() -> None:
    assert name(None) == ""
    assert name(" 张三 ") == "张三"
    with pytest.raises(FieldError, match="longer than 200 characters"):
        name("x" * 201)
