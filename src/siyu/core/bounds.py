"""Numeric bounds (`{gte: 3}`) and event windows (`within: 30d`), with their exact semantics.

A window becomes a half-open interval of instants [lo, hi) in microseconds, always capped at
`now` inclusive, because a condition evaluated at `now` sees only events with `at ≤ now`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BOUND_OPS = ("eq", "gt", "gte", "lt", "lte", "between")


@dataclass(frozen=True)
class Bound:
    """A conjunction of comparisons; `between: [a, b]` is stored as gte a and lte b."""

    comparisons: tuple[tuple[str, float], ...]

    def holds(self, value: float) -> bool:
        return all(_compare(value, op, limit) for op, limit in self.comparisons)

    def integer_range(self) -> tuple[int | None, int | None] | None:
        """The whole numbers that satisfy the bound as [lo, hi] (None = unbounded), or None if none do."""
        lo: int | None = None
        hi: int | None = None
        for op, limit in self.comparisons:
            new_lo: int | None = None
            new_hi: int | None = None
            if op == "eq":
                if not float(limit).is_integer():
                    return None
                new_lo = new_hi = int(limit)
            elif op == "gt":
                new_lo = math.floor(limit) + 1
            elif op == "gte":
                new_lo = math.ceil(limit)
            elif op == "lt":
                new_hi = math.ceil(limit) - 1
            elif op == "lte":
                new_hi = math.floor(limit)
            if new_lo is not None:
                lo = new_lo if lo is None else max(lo, new_lo)
            if new_hi is not None:
                hi = new_hi if hi is None else min(hi, new_hi)
        if lo is not None and hi is not None and lo > hi:
            return None
        return lo, hi

    def describe(self) -> str:
        return ", ".join(f"{op} {limit:g}" for op, limit in self.comparisons)


def _compare(value: float, op: str, limit: float) -> bool:
    if op == "eq":
        return value == limit
    if op == "gt":
        return value > limit
    if op == "gte":
        return value >= limit
    if op == "lt":
        return value < limit
    if op == "lte":
        return value <= limit
    raise ValueError(f"unknown comparison {op}")


@dataclass(frozen=True)
class Ever:
    """Any time up to now."""


@dataclass(frozen=True)
class Within:
    """[now − span, now]."""

    span_us: int


@dataclass(frozen=True)
class Between:
    """[now − older, now − newer)."""

    older_us: int
    newer_us: int


@dataclass(frozen=True)
class Range:
    """[start, end) in absolute instants."""

    start_us: int
    end_us: int


Window = Ever | Within | Between | Range


def window_interval(window: Window, now_us: int) -> tuple[int | None, int]:
    """[lo, hi) of the instants the window admits at `now` (lo None = no lower limit)."""
    upto = now_us + 1
    if isinstance(window, Ever):
        return None, upto
    if isinstance(window, Within):
        return now_us - window.span_us, upto
    if isinstance(window, Between):
        return now_us - window.older_us, min(now_us - window.newer_us, upto)
    return window.start_us, min(window.end_us, upto)


def in_window(at_us: int, window: Window, now_us: int) -> bool:
    lo, hi = window_interval(window, now_us)
    return (lo is None or at_us >= lo) and at_us < hi
