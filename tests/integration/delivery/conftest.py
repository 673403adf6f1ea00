"""Dispatcher tests: a clock the test moves, and a recording adapter standing in for a channel."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.brand import at


@dataclass
class Clock:
    now_us: int

    def __call__(self) -> int:
        return self.now_us

    def advance(self, seconds: float) -> None:
        self.now_us += int(seconds * 1_000_000)


@pytest.fixture
def clock() -> Clock:
    return Clock(at("2026-11-20 11:00"))


WEBHOOK = {
    "webhook": {
        "settings": {"url": "http://127.0.0.1:9/hook"},
        "secrets": {"secret": "a-webhook-secret-of-some-length"},
    },
    "delivery": {"settings": {"digest_time": ""}},  # digests have their own tests
}
