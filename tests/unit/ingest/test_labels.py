"""Tags and roles: `a;b` in a cell or a list in JSON; group roles as `staff:role` pairs."""

from __future__ import annotations

import pytest

from siyu.ingest.fields import FieldError, labels, role_pairs


def test_cell_is_split_on_semicolons_trimmed_and_deduplicated() -> None:
    assert labels(" 会员; 高价值;;会员 ") == ("会员", "高价值")


def test_json_list_and_blank() -> None:
    assert labels(["a", "b", "a", ""]) == ("a", "b")
    assert labels("") == ()
    assert labels(None) == ()
    assert labels([]) == ()


def test_list_items_must_be_text() -> None:
    with pytest.raises(FieldError, match="expected text, got an object"):
        labels([{"tag": "a"}])


def test_long_label() -> None:
    with pytest.raises(FieldError, match="longer than 100 characters"):
        labels("x" * 101)


def test_role_pairs_from_a_cell() -> None:
    assert role_pairs("s1:群主; s2:助理 ;") == (("s1", "群主"), ("s2", "助理"))


def test_role_pairs_from_json() -> None:
    assert role_pairs([{"staff": "s1", "role": "群主"}, "s2:助理"]) == (("s1", "群主"), ("s2", "助理"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("s1", 'expected "staff:role", got "s1"'),
        ("s1:", 'expected "staff:role", got "s1:"'),
        ([{"staff": "s1"}], 'expected {"staff": …, "role": …} in each item'),
        ([3], 'expected "staff:role" items, got a number'),
    ],
)
def test_role_pair_faults(value: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        role_pairs(value)
    assert caught.value.message == message
