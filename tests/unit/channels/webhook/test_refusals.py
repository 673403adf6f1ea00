"""What the webhook refuses before sending anything: missing settings, purposes it does not take."""

from __future__ import annotations

import math

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Purpose
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings

SECRET = "whsec_0123456789abcdef"
ITEM = Outgoing(key="task:1:send", purpose=Purpose.send, channel="private", text="hi")


def refusal(settings: WebhookSettings, item: Outgoing = ITEM) -> DeliveryError:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"nothing should be sent, got {request.url}")

    adapter = WebhookAdapter(settings, http=httpx2.Client(transport=httpx2.MockTransport(handler)))
    with pytest.raises(DeliveryError) as caught:
        adapter.send(item)
    assert caught.value.permanent
    return caught.value


def test_missing_url() -> None:
    error = refusal(WebhookSettings(secret=SECRET))
    assert (error.message, error.code) == ("the webhook is not set up: url is empty", "not_configured")


def test_missing_secret() -> None:
    error = refusal(WebhookSettings(url="https://hooks.example.com/in", inbound_secret=SECRET))
    assert error.message == "the webhook is not set up: secret is empty (every delivery is signed)"


def test_a_purpose_it_does_not_take() -> None:
    settings = WebhookSettings(url="https://hooks.example.com/in", secret=SECRET, purposes=["digest", "remind"])
    error = refusal(settings)
    assert error.message == "this webhook does not take send deliveries (purposes: remind, digest)"
    assert error.code == "purpose_refused"


def test_a_payload_json_cannot_carry() -> None:
    settings = WebhookSettings(url="https://hooks.example.com/in", secret=SECRET)
    for extra in ({"when": object()}, {"ratio": math.nan}):
        error = refusal(settings, Outgoing(key="k", purpose=Purpose.send, channel="private", text="t", extra=extra))
        assert error.message.startswith("the delivery cannot be written as JSON: ")
        assert error.code == "bad_payload"
