"""Bounds and windows: the exact edges."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.bounds import Between, Bound, Ever, Range, Within, in_window

NOW = 1_000_000_000


def test_windows_are_closed_at_the_old_end_and_see_nothing_after_now() -> None:
    assert in_window(NOW - 10, Within(10), NOW)
    assert not in_window(NOW - 11, Within(10), NOW)
    assert in_window(NOW, Within(10), NOW)
    assert not in_window(NOW + 1, Ever(), NOW)
    assert in_window(NOW - 8, Between(8, 7), NOW)
    assert not in_window(NOW - 7, Between(8, 7), NOW)
    assert in_window(5, Range(5, 9), NOW) and not in_window(9, Range(5, 9), NOW)


@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["eq", "gt", "gte", "lt", "lte"]), st.sampled_from([-2.0, 0.0, 1.5, 3.0, 7.0])),
        min_size=1,
        max_size=3,
    ),
    value=st.integers(-5, 10),
)
def test_integer_range_agrees_with_holds(ops: list[tuple[str, float]], value: int) -> None:
    bound = Bound(tuple(ops))
    span = bound.integer_range()
    inside = span is not None and (span[0] is None or value >= span[0]) and (span[1] is None or value <= span[1])
    assert inside == bound.holds(value)
