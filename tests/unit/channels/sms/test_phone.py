"""Mainland mobile numbers: what is accepted (and how it is written out), what is not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.channels.sms.adapter import mainland_mobile

numbers = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
prefixes = st.sampled_from(["", "+86", "86", "+86 ", "86-", "＋８６ "])
separators = st.lists(st.sampled_from([" ", "-", "\u3000", "－", "\t"]), max_size=3).map("".join)


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(numbers)
    parts = [number[:3], number[3:7], number[7:]]
    text = draw(prefixes) + draw(separators).join(parts) if draw(st.booleans()) else draw(prefixes) + number
    return number, draw(separators) + text + draw(separators)


@given(decorated())
def test_decorated_numbers_normalise_to_plus86_and_11_digits(case: tuple[str, str]) -> None:
    number, text = case
    assert mainland_mobile(text) == "+86" + number


@given(numbers)
def test_normalising_is_idempotent(number: str) -> None:
    once = mainland_mobile(number)
    assert once is not None
    assert mainland_mobile(once) == once


@given(numbers.map(lambda n: n.translate(str.maketrans("0123456789", "０１２３４５６７８９"))))
def test_full_width_digits(number: str) -> None:
    assert mainland_mobile(number) == "+86" + number.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


@given(st.text(alphabet="0123456789+- ", max_size=20))
def test_whatever_is_accepted_has_exactly_11_digits_starting_1_3_to_9(text: str) -> None:
    result = mainland_mobile(text)
    if result is not None:
        digits = "".join(c for c in text if c.isdigit())
        assert result[3:] == digits[-11:]
        assert len(digits) in {11, 13}
        assert result[3] == "1" and result[4] in "3456789"


@given(st.from_regex(r"1[3-9][0-9]{8}|1[3-9][0-9]{10}|1[0-2][0-9]{9}|[02-9][0-9]{10}", fullmatch=True))
def test_wrong_length_or_start_is_refused(text: str) -> None:
    assert mainland_mobile(text) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "phone",
        "+1 415 555 0100",
        "0086 13800138000",
        "+13800138000",
        "138.0013.8000",
        "138001380００x",
        "852 13800138000",
        None,
        True,
        [],
        13.5,
        1.38e10 + 0.5,
    ],
)
def test_not_mobile_numbers(value: object) -> None:
    assert mainland_mobile(value) is None


def test_numbers_stored_as_numbers() -> None:
    assert mainland_mobile(13800138000) == "+8613800138000"
    assert mainland_mobile(8613800138000) == "+8613800138000"
    assert mainland_mobile(13800138000.0) == "+8613800138000"
