"""No answer at all: a failure before connecting leaves nothing in doubt; one after sending may have arrived."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Purpose
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings

ITEM = Outgoing(key="task:1:send", purpose=Purpose.send, channel="private", text="hi")


def failure(exc_type: type[httpx2.RequestError]) -> DeliveryError:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise exc_type("it went wrong", request=request)

    settings = WebhookSettings(url="https://hooks.example.com/in", secret="whsec_0123456789abcdef")
    adapter = WebhookAdapter(settings, http=httpx2.Client(transport=httpx2.MockTransport(handler)))
    with pytest.raises(DeliveryError) as caught:
        adapter.send(ITEM)
    assert isinstance(caught.value.__cause__, exc_type)
    return caught.value


@pytest.mark.parametrize(
    ("exc_type", "code"),
    [
        (httpx2.ConnectTimeout, "timeout"),
        (httpx2.PoolTimeout, "timeout"),
        (httpx2.ConnectError, "connect"),
        (httpx2.ProxyError, "connect"),
    ],
)
def test_before_sending_is_not_in_doubt(exc_type: type[httpx2.RequestError], code: str) -> None:
    error = failure(exc_type)
    assert (error.permanent, error.in_doubt, error.code) == (False, False, code)
    assert error.message == "could not reach webhook hooks.example.com: it went wrong"


@pytest.mark.parametrize(
    ("exc_type", "code"),
    [
        (httpx2.ReadTimeout, "timeout"),
        (httpx2.WriteTimeout, "timeout"),
        (httpx2.ReadError, "network"),
        (httpx2.WriteError, "network"),
        (httpx2.RemoteProtocolError, "network"),
        (httpx2.DecodingError, "network"),
    ],
)
def test_after_sending_is_in_doubt(exc_type: type[httpx2.RequestError], code: str) -> None:
    error = failure(exc_type)
    assert (error.permanent, error.in_doubt, error.code) == (False, True, code)
    assert error.message == "no answer from webhook hooks.example.com (it went wrong); the request may have arrived"
