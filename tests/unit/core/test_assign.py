"""Deterministic draws: the same inputs always draw the same, and the draws are fair."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.assign import in_holdout, pick_holder, pick_variant, unit_interval
from siyu.core.model import Variant

KEYS = [f"customer-{n}" for n in range(10_000)]


def test_unit_interval_is_the_first_8_bytes_of_sha256() -> None:
    digest = hashlib.sha256(b"holdout\x1fsop\x1fc1").digest()
    assert unit_interval("holdout", "sop", "c1") == int.from_bytes(digest[:8], "big") / 2**64


def test_the_parts_are_separated() -> None:
    assert unit_interval("ab", "c") != unit_interval("a", "bc")


@given(st.lists(st.text(), max_size=4))
def test_unit_interval_is_in_0_1_and_stable(parts: list[str]) -> None:
    value = unit_interval(*parts)
    assert 0 <= value < 1
    assert unit_interval(*parts) == value


@pytest.mark.parametrize("percent", [0, 5, 10, 50, 100])
def test_the_holdout_takes_about_its_percentage(percent: float) -> None:
    held = sum(in_holdout("welcome", key, percent) for key in KEYS)
    assert abs(held - percent * 100) <= 150  # 10,000 draws: a few standard deviations at most


def test_the_holdout_is_deterministic_and_nested() -> None:
    first = [in_holdout("welcome", key, 10) for key in KEYS[:100]]
    assert first == [in_holdout("welcome", key, 10) for key in KEYS[:100]]
    # raising the percentage only adds targets to the holdout
    assert all(in_holdout("welcome", key, 20) for key in KEYS if in_holdout("welcome", key, 10))
    # different SOPs hold out different targets
    assert {key for key in KEYS if in_holdout("a", key, 10)} != {key for key in KEYS if in_holdout("b", key, 10)}


def test_variants_follow_their_weights() -> None:
    variants = [Variant("a", 70), Variant("b", 20), Variant("c", 10)]
    counts = Counter(pick_variant("sop", "step", key, variants) for key in KEYS)
    assert abs(counts["a"] - 7000) <= 200 and abs(counts["b"] - 2000) <= 150 and abs(counts["c"] - 1000) <= 120
    assert sum(counts.values()) == len(KEYS)


def test_no_variants_picks_none() -> None:
    assert pick_variant("sop", "step", "c1", []) is None


def test_a_variant_pick_is_deterministic_and_per_step() -> None:
    variants = [Variant("a", 1), Variant("b", 1)]
    picks = [pick_variant("sop", "step-1", key, variants) for key in KEYS[:200]]
    assert picks == [pick_variant("sop", "step-1", key, variants) for key in KEYS[:200]]
    assert picks != [pick_variant("sop", "step-2", key, variants) for key in KEYS[:200]]
    assert pick_variant("sop", "step-1", "c1", [Variant("only", 3)]) == "only"


def test_holders_share_the_work_whatever_order_they_come_in() -> None:
    holders = ["s3", "s1", "s2"]
    counts = Counter(pick_holder(key, holders) for key in KEYS)
    assert set(counts) == {"s1", "s2", "s3"}
    assert all(abs(count - len(KEYS) / 3) <= 200 for count in counts.values())
    assert all(pick_holder(key, holders) == pick_holder(key, sorted(holders, reverse=True)) for key in KEYS[:100])


def test_no_holder_is_an_error() -> None:
    with pytest.raises(ValueError, match="no staff member"):
        pick_holder("task-1", [])
