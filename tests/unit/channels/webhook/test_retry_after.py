"""Retry-After: delay-seconds or an HTTP-date, read against the injected wall clock."""

from __future__ import annotations

import time

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Purpose
from siyu.channels.webhook.adapter import WebhookAdapter, retry_after_s
from siyu.channels.webhook.config import WebhookSettings

NOW = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:30:00 GMT", 120.0),
        ("Wed, 21 Oct 2015 07:30:00 -0000", 120.0),
        ("Wed, 21 Oct 2015 15:30:00 +0800", 120.0),
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),  # already past
    ],
)
def test_readable_values(header: str, seconds: float) -> None:
    assert retry_after_s(header, now_s=NOW) == seconds


@pytest.mark.parametrize("header", [None, "", "soon", "-5", "1.5", "Wed, 99 Oct 2015 07:30:00 GMT", "12345678901"])
def test_unreadable_values_are_ignored(header: str | None) -> None:
    assert retry_after_s(header, now_s=NOW) is None


@pytest.mark.parametrize(("header", "seconds"), [("30", 30.0), ("Wed, 21 Oct 2015 07:29:00 GMT", 60.0)])
def test_a_429_carries_it(header: str, seconds: float) -> None:
    http = httpx2.Client(
        transport=httpx2.MockTransport(lambda _r: httpx2.Response(429, headers={"Retry-After": header}))
    )
    settings = WebhookSettings(url="https://hooks.example.com/in", secret="whsec_0123456789abcdef")
    with pytest.raises(DeliveryError) as caught:
        WebhookAdapter(settings, http=http, wall=lambda: NOW).send(
            Outgoing(key="k", purpose=Purpose.digest, channel="internal", text="3 tasks")
        )
    assert (caught.value.permanent, caught.value.in_doubt, caught.value.retry_after_s) == (False, False, seconds)


def test_a_date_without_a_zone_is_gmt_whatever_the_servers_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert retry_after_s("Wed, 21 Oct 2015 07:30:00 -0000", now_s=NOW) == 120.0
    finally:
        monkeypatch.undo()
        time.tzset()
