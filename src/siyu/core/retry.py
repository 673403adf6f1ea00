"""Retry delays (pure): exponential backoff with full jitter, capped, honouring a provider's
own "retry after"."""

from __future__ import annotations


def backoff_s(attempt: int, *, base_s: float, cap_s: float, draw: float, at_least_s: float | None = None) -> float:
    """The wait before try `attempt + 1`, after `attempt` failed tries (attempt ≥ 1).

    Full jitter: a uniform share (`draw` in [0, 1)) of base · 2^(attempt−1), capped at `cap_s`,
    so that many deliveries failing together do not come back together. Never less than half
    the un-jittered delay (a retry storm gains nothing from retrying at once), nor less than
    the provider's `at_least_s`."""
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if not 0.0 <= draw < 1.0:
        raise ValueError(f"draw must be in [0, 1), got {draw}")
    ceiling = min(cap_s, base_s * 2.0 ** min(attempt - 1, 60))
    delay = ceiling / 2 + draw * ceiling / 2
    if at_least_s is not None:
        delay = max(delay, at_least_s)
    return delay
