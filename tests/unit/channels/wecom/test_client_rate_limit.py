"""siyu's own rate limit per secret: a token bucket of calls_per_minute, waiting in short steps,
handing long waits back as retry_after_s."""

from __future__ import annotations

import threading

import pytest

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import RateLimiter
from tests.unit.channels.wecom.wecom_mock import FakeClock, ScriptedWeCom, ok, settings


def limiter(per_minute: int, clock: FakeClock, closed: threading.Event | None = None) -> RateLimiter:
    return RateLimiter(
        per_minute, monotonic=clock.monotonic, sleep=clock.sleep, closed=closed or threading.Event(), name="contact"
    )


def test_a_full_bucket_lets_a_minutes_calls_through_at_once() -> None:
    clock = FakeClock()
    bucket = limiter(12, clock)
    for _ in range(12):
        bucket.acquire()
    assert clock.sleeps == []


def test_an_empty_bucket_waits_in_steps_of_at_most_a_second() -> None:
    clock = FakeClock()
    bucket = limiter(12, clock)  # one call per 5 s
    for _ in range(12):
        bucket.acquire()
    start = clock.now
    bucket.acquire()
    assert clock.now - start == pytest.approx(5.0)
    assert clock.sleeps and all(0 < s <= 1.0 for s in clock.sleeps)


def test_a_wait_longer_than_five_seconds_is_handed_back() -> None:
    clock = FakeClock()
    bucket = limiter(6, clock)  # one call per 10 s
    for _ in range(6):
        bucket.acquire()
    with pytest.raises(DeliveryError) as raised:
        bucket.acquire()
    assert not raised.value.permanent
    assert raised.value.code == "wecom:local_rate_limit"
    assert raised.value.retry_after_s == pytest.approx(10.0)
    assert clock.sleeps == []
    clock.now += 10  # the refused call reserved nothing: the next slot is free now
    bucket.acquire()
    assert clock.sleeps == []


def test_the_bucket_refills_to_a_minutes_worth_and_no_more() -> None:
    clock = FakeClock()
    bucket = limiter(12, clock)
    for _ in range(12):
        bucket.acquire()
    clock.now += 3600
    for _ in range(12):
        bucket.acquire()
    assert clock.sleeps == []
    bucket.acquire()  # the 13th after an idle hour still waits for its slot
    assert sum(clock.sleeps) == pytest.approx(5.0)


def test_closing_stops_a_waiting_call() -> None:
    clock, closed = FakeClock(), threading.Event()
    bucket = limiter(12, clock, closed)
    for _ in range(12):
        bucket.acquire()

    def sleep_then_close(seconds: float) -> None:
        clock.sleeps.append(seconds)
        clock.now += seconds
        closed.set()

    bucket._sleep = sleep_then_close
    with pytest.raises(DeliveryError, match="closed") as raised:
        bucket.acquire()
    assert not raised.value.permanent
    assert clock.sleeps == [1.0]


def test_concurrent_callers_lose_no_slot() -> None:
    clock = FakeClock()
    bucket = limiter(600, clock)
    threads = [threading.Thread(target=lambda: [bucket.acquire() for _ in range(30)]) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert clock.sleeps == []
    bucket.acquire()  # the 601st waits for the next slot
    assert sum(clock.sleeps) == pytest.approx(0.1)


def test_each_secret_has_its_own_bucket_and_a_refused_call_makes_no_request() -> None:
    wecom = ScriptedWeCom()
    path = "/cgi-bin/externalcontact/add_msg_template"
    wecom.queue(path, ok(msgid="m1"))
    wecom.queue("/cgi-bin/message/send", ok(msgid="a1"))
    client = wecom.client(settings(calls_per_minute=2))
    client.call("contact", "POST", path, body={})  # gettoken and the call: the contact bucket is empty
    with pytest.raises(DeliveryError) as raised:
        client.call("contact", "POST", path, body={})
    assert raised.value.retry_after_s == pytest.approx(30.0)
    assert len(wecom.calls_to(path)) == 1
    assert client.call("agent", "POST", "/cgi-bin/message/send", body={})["msgid"] == "a1"


def test_calls_per_minute_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        limiter(0, FakeClock())
