"""The repurchase cycle of SOP-FORMAT.md."""

from __future__ import annotations

from siyu.core.repurchase import cycle, gaps, is_due, median


def test_median_of_even_and_odd_counts() -> None:
    assert median([30, 10, 20]) == 20
    assert median([10, 20, 30, 41]) == 25
    assert median([]) is None


def test_own_cycle_needs_two_gaps_else_brand_median() -> None:
    assert cycle(gaps([0, 30, 50]), 99) == 25
    assert cycle(gaps([0, 30]), 99) == 99
    assert cycle([], None) is None


def test_due_when_days_since_last_purchase_reach_the_cycle_less_the_lead() -> None:
    days = [100, 130, 150]  # gaps 30, 20 → cycle 25
    assert not is_due(days, 174, 0, None)
    assert is_due(days, 175, 0, None)
    assert is_due(days, 172, 3, None)
    assert not is_due([], 500, 0, 10)
    assert is_due([100], 110, 0, 10) and not is_due([100], 109, 0, 10)
    assert not is_due([100], 500, 0, None)
