"""Access tokens, one per (corp id, secret), kept until shortly before WeCom expires them.

WeCom limits how often gettoken may be called and invalidates nothing when a new token is
fetched, so every caller shares the cached token; callers that find it missing or stale wait
for one fetch instead of each fetching their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_MARGIN_S = 300.0  # give a token up five minutes early: a call made just before expiry must not fail


@dataclass(frozen=True)
class Token:
    value: str
    expires_in_s: float  # as gettoken answered: seconds from the fetch


Fetch = Callable[[str, str], Token]  # (corp_id, secret) → a fresh token; raises on failure


@dataclass(frozen=True)
class _Cached:
    value: str
    good_until: float  # on the injected monotonic clock


class _Slot:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cached: _Cached | None = None  # replaced whole, so a reader without the lock sees a consistent pair


class TokenCache:
    def __init__(self, fetch: Fetch, *, monotonic: Callable[[], float], margin_s: float = DEFAULT_MARGIN_S) -> None:
        if margin_s < 0:
            raise ValueError(f"token margin_s must be at least 0, got {margin_s}")
        self._fetch = fetch
        self._monotonic = monotonic
        self._margin_s = margin_s
        self._slots: dict[tuple[str, str], _Slot] = {}
        self._slots_lock = threading.Lock()

    def get(self, corp_id: str, secret: str) -> str:
        """The cached token, or a fresh one; the fetch's error propagates (nothing is cached)."""
        slot = self._slot(corp_id, secret)
        cached = slot.cached
        if cached is not None and self._monotonic() < cached.good_until:
            return cached.value
        with slot.lock:
            cached = slot.cached  # another caller may have fetched while this one waited
            started = self._monotonic()
            if cached is not None and started < cached.good_until:
                return cached.value
            token = self._fetch(corp_id, secret)
            slot.cached = _Cached(token.value, started + self._lifetime(token.expires_in_s))
            return token.value

    def invalidate(self, corp_id: str, secret: str, stale: str | None = None) -> None:
        """Forget the token; with `stale`, only if it is still the cached one (callers that saw
        the same rejected token then cause one fetch, not one each)."""
        slot = self._slot(corp_id, secret)
        with slot.lock:
            if slot.cached is not None and (stale is None or slot.cached.value == stale):
                slot.cached = None

    def _lifetime(self, expires_in_s: float) -> float:
        # a short-lived token (a fake's, say) keeps at least half its life
        return max(expires_in_s - self._margin_s, expires_in_s / 2)

    def _slot(self, corp_id: str, secret: str) -> _Slot:
        key = (corp_id, secret)
        with self._slots_lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = _Slot()
            return slot
