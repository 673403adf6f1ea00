"""Stable hashing: the same inputs give the same numbers on every run and every machine
(Python's own `hash()` is salted per process, so it is never used here)."""

from __future__ import annotations

import random
from hashlib import blake2b

_UNIT = float(1 << 64)


def stable_int(seed: int, *parts: int | str) -> int:
    """A 64-bit integer determined by the seed and the parts."""
    text = ":".join([str(seed), *map(str, parts)])
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


def stable_unit(seed: int, *parts: int | str) -> float:
    """A number in [0, 1) determined by the seed and the parts."""
    return stable_int(seed, *parts) / _UNIT


def seeded_rng(seed: int, *parts: int | str) -> random.Random:
    """A random stream of its own for one thing (a customer, the staff list…)."""
    return random.Random(stable_int(seed, *parts))
