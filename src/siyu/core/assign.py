"""Deterministic draws: holdout groups, A/B variants and which staff member takes a task.

Each draw hashes its inputs, so replanning, a second worker or a restart draws the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from siyu.core.model import Variant

_SEPARATOR = "\x1f"  # the ASCII unit separator: ("a", "bc") and ("ab", "c") hash differently


def unit_interval(*parts: str) -> float:
    """A uniform float in [0, 1) from the SHA-256 of the parts."""
    digest = hashlib.sha256(_SEPARATOR.join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def in_holdout(sop_id: str, target_key: str, percent: float) -> bool:
    return unit_interval("holdout", sop_id, target_key) * 100 < percent


def pick_variant(sop_id: str, step_id: str, target_key: str, variants: Sequence[Variant]) -> str | None:
    """A variant id chosen with probability weight / total weight; None without variants."""
    total = sum(variant.weight for variant in variants)
    if total <= 0:
        return None
    point = unit_interval("variant", sop_id, step_id, target_key) * total
    reached = 0
    for variant in variants:
        reached += variant.weight
        if point < reached:
            return variant.id
    return variants[-1].id  # only reachable through float rounding


def pick_holder(key: str, holders: Sequence[str]) -> str:
    """One of `holders`, the same for the same key whatever order they are given in."""
    ordered = sorted(set(holders))
    if not ordered:
        raise ValueError("no staff member holds the role")
    return ordered[int(unit_interval("holder", key) * len(ordered))]
