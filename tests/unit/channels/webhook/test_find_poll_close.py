"""After an in-doubt attempt the webhook just resends (receivers deduplicate); a 2xx is final."""

from __future__ import annotations

import httpx2

from siyu.channels.base import DeliveryState, Outgoing, Progress, Purpose, Receipt
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings

ITEM = Outgoing(key="task:1:send", purpose=Purpose.send, channel="private", text="hi")


def adapter_and_client() -> tuple[WebhookAdapter, httpx2.Client, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    settings = WebhookSettings(url="https://hooks.example.com/in", secret="whsec_0123456789abcdef")
    return WebhookAdapter(settings, http=http), http, seen


def test_name() -> None:
    assert WebhookAdapter.name == "webhook"


def test_find_says_resending_is_safe_without_asking() -> None:
    adapter, _, seen = adapter_and_client()
    assert adapter.find(ITEM, since_s=1_700_000_000) is None
    assert seen == []


def test_poll_is_delivered_without_asking() -> None:
    adapter, _, seen = adapter_and_client()
    assert adapter.poll(ITEM, Receipt(ref="evt_1", delivered=True)) == Progress(DeliveryState.delivered)
    assert seen == []


def test_close_closes_the_client() -> None:
    adapter, http, _ = adapter_and_client()
    adapter.close()
    assert http.is_closed
