"""Event properties: a JSON object (in a CSV cell, its JSON text); blank is {}."""

from __future__ import annotations

import json

import pytest

from siyu.ingest.fields import FieldError, properties


def test_object_and_text_of_an_object() -> None:
    assert json.loads(properties({"amount": 12.5, "sku": "A"})) == {"amount": 12.5, "sku": "A"}
    assert json.loads(properties('{"shop": "天猫"}')) == {"shop": "天猫"}
    assert properties('{"shop": "天猫"}') == '{"shop":"天猫"}'


@pytest.mark.parametrize("value", [None, "", " ", {}])
def test_blank_is_empty_object(value: object) -> None:
    assert properties(value) == "{}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[1, 2]", "expected a JSON object, got a list"),
        ([1, 2], "expected a JSON object, got a list"),
        ("{amount: 1}", "expected a JSON object: Expecting property name enclosed in double quotes at column 2"),
        ('{"a": NaN}', "expected a JSON object: NaN is not valid JSON"),
        ({"a": "\x00"}, "contains a NUL character"),
    ],
)
def test_faults(value: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        properties(value)
    assert caught.value.message == message
