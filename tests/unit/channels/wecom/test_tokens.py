"""The token cache: one token per (corp, secret), renewed before WeCom expires it, fetched once
however many callers want it at the same time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import pytest

from siyu.channels.wecom.tokens import Token, TokenCache


@dataclass
class Fetcher:
    expires_in: float = 7200.0
    fetched: list[tuple[str, str]] = field(default_factory=list)
    fail: Exception | None = None

    def __call__(self, corp_id: str, secret: str) -> Token:
        if self.fail is not None:
            raise self.fail
        self.fetched.append((corp_id, secret))
        return Token(f"{secret}-{len(self.fetched)}", self.expires_in)


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_kept_until_five_minutes_before_it_expires() -> None:
    fetch, clock = Fetcher(), Clock()
    cache = TokenCache(fetch, monotonic=clock)
    assert cache.get("corp", "s") == "s-1"
    clock.now += 7200 - 300 - 1
    assert cache.get("corp", "s") == "s-1"
    clock.now += 1
    assert cache.get("corp", "s") == "s-2"
    assert len(fetch.fetched) == 2


def test_a_short_lived_token_keeps_half_its_life() -> None:
    fetch, clock = Fetcher(expires_in=400), Clock()
    cache = TokenCache(fetch, monotonic=clock)
    cache.get("corp", "s")
    clock.now += 199
    assert cache.get("corp", "s") == "s-1"
    clock.now += 1
    assert cache.get("corp", "s") == "s-2"


def test_each_secret_has_its_own_token() -> None:
    fetch = Fetcher()
    cache = TokenCache(fetch, monotonic=Clock())
    assert cache.get("corp", "a") == "a-1"
    assert cache.get("corp", "b") == "b-2"
    assert cache.get("other", "a") == "a-3"
    assert cache.get("corp", "a") == "a-1"


def test_invalidate_makes_the_next_get_fetch() -> None:
    fetch = Fetcher()
    cache = TokenCache(fetch, monotonic=Clock())
    cache.get("corp", "s")
    cache.invalidate("corp", "s")
    assert cache.get("corp", "s") == "s-2"


def test_invalidating_a_token_already_replaced_keeps_the_new_one() -> None:
    fetch = Fetcher()
    cache = TokenCache(fetch, monotonic=Clock())
    stale = cache.get("corp", "s")
    cache.invalidate("corp", "s", stale=stale)
    fresh = cache.get("corp", "s")
    cache.invalidate("corp", "s", stale=stale)  # a second caller that saw the same rejected token
    assert cache.get("corp", "s") == fresh
    assert len(fetch.fetched) == 2


def test_a_failed_fetch_caches_nothing() -> None:
    fetch = Fetcher(fail=RuntimeError("gettoken down"))
    cache = TokenCache(fetch, monotonic=Clock())
    with pytest.raises(RuntimeError, match="gettoken down"):
        cache.get("corp", "s")
    fetch.fail = None
    assert cache.get("corp", "s") == "s-1"


def test_concurrent_callers_wait_for_one_fetch() -> None:
    started, release = threading.Event(), threading.Event()
    count = 0

    def slow_fetch(_corp: str, secret: str) -> Token:
        nonlocal count
        count += 1
        started.set()
        release.wait(5)
        return Token(f"{secret}-{count}", 7200)

    cache = TokenCache(slow_fetch, monotonic=Clock())
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("corp", "s"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert started.wait(5)
    time.sleep(0.1)  # every other caller is now inside get, waiting
    release.set()
    for thread in threads:
        thread.join(5)
    assert count == 1
    assert results == ["s-1"] * 8


def test_a_negative_margin_is_refused() -> None:
    with pytest.raises(ValueError, match="margin_s"):
        TokenCache(Fetcher(), monotonic=Clock(), margin_s=-1)
