"""Local times of day people actually do things at: shopping peaks at noon and in the evening,
chats from morning to late evening. Tables of 100 hour slots make a draw one draw."""

from __future__ import annotations

import random

from siyu.demo.clock import DAY, HOUR
from siyu.demo.draws import below


def _slots(weights: dict[int, int]) -> tuple[int, ...]:
    slots = tuple(hour for hour, weight in sorted(weights.items()) for _ in range(weight))
    if len(slots) != 100:
        raise ValueError(f"hour weights must sum to 100, not {len(slots)}")
    return slots


ORDER_HOURS = _slots({
    0: 2, 1: 1, 7: 1, 8: 2, 9: 3, 10: 6, 11: 7, 12: 8, 13: 6, 14: 5, 15: 5, 16: 5, 17: 5,
    18: 6, 19: 8, 20: 10, 21: 11, 22: 6, 23: 3,
})  # fmt: skip
CHAT_HOURS = _slots({
    8: 3, 9: 6, 10: 8, 11: 8, 12: 7, 13: 6, 14: 7, 15: 7, 16: 6, 17: 6, 18: 6, 19: 8, 20: 9,
    21: 8, 22: 5,
})  # fmt: skip
WORK_HOURS = _slots({
    9: 10, 10: 14, 11: 13, 12: 6, 13: 8, 14: 12, 15: 12, 16: 11, 17: 8, 18: 6,
})  # fmt: skip


def at_hour(rng: random.Random, day: int, slots: tuple[int, ...]) -> int:
    """Wall seconds on `day` at an hour drawn from `slots`, any minute and second."""
    return day * DAY + slots[below(rng, 100)] * HOUR + below(rng, HOUR)


def days(count: float) -> int:
    return int(count * DAY)
