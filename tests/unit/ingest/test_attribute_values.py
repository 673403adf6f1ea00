"""Attribute values go through core.values.normalize; blank removes, lists and objects are refused."""

from __future__ import annotations

import pytest

from siyu.core.values import normalize
from siyu.ingest.fields import FieldError, attribute


@pytest.mark.parametrize("value", ["female", "25", " 25 ", 25, 2.5, True, "2026-06-01"])
def test_scalars_are_normalized(value: str | int | float | bool) -> None:
    assert attribute(value) == normalize(value)


def test_cell_text_that_reads_as_a_number_keeps_both() -> None:
    stored = attribute("25")
    assert stored is not None
    assert (stored.kind, stored.text, stored.num) == ("text", "25", 25.0)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_means_remove(value: object) -> None:
    assert attribute(value) is None


@pytest.mark.parametrize(("value", "what"), [([1, 2], "a list"), ({"a": 1}, "an object")])
def test_lists_and_objects_are_refused(value: object, what: str) -> None:
    with pytest.raises(FieldError) as caught:
        attribute(value)
    assert caught.value.message == f"an attribute value must be text, a number or true/false, not {what}"
