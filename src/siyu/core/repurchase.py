"""The repurchase cycle: per customer and product, the median gap in local days between
consecutive purchases; fewer than 2 gaps → the brand-wide median of every customer's gaps."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence


def gaps(purchase_days: Sequence[int]) -> list[int]:
    """Gaps between consecutive purchases; `purchase_days` in purchase order (by instant)."""
    return [later - earlier for earlier, later in itertools.pairwise(purchase_days)]


def median(values: Iterable[int]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def cycle(own_gaps: Sequence[int], brand_median: float | None) -> float | None:
    return median(own_gaps) if len(own_gaps) >= 2 else brand_median


def is_due(purchase_days: Sequence[int], today: int, within_days: int, brand_median: float | None) -> bool:
    if not purchase_days:
        return False
    length = cycle(gaps(purchase_days), brand_median)
    if length is None:
        return False
    return today - max(purchase_days) >= length - within_days
