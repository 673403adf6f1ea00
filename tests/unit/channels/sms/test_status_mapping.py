"""Provider refusals and failures when sending: classified like the webhook's."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings

SETTINGS = SmsSettings(provider_url="https://relay.example.com/v1/sms", api_key="key-123")
ITEM = Outgoing(
    key="task:1:send",
    purpose=Purpose.send,
    channel="sms",
    text="hi",
    customer=Person("c", attributes={"phone": "13800138000"}),
)
NOW = 1_445_412_480.0  # Wed, 21 Oct 2015 07:28:00 GMT


def failure(handler: httpx2.MockTransport) -> DeliveryError:
    adapter = SmsAdapter(SETTINGS, http=httpx2.Client(transport=handler), wall=lambda: NOW)
    with pytest.raises(DeliveryError) as caught:
        adapter.send(ITEM)
    return caught.value


def answering(response: httpx2.Response) -> httpx2.MockTransport:
    return httpx2.MockTransport(lambda _request: response)


def raising(exc_type: type[httpx2.RequestError]) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise exc_type("boom", request=request)

    return httpx2.MockTransport(handler)


@pytest.mark.parametrize("status", [408, 425, 429])
def test_retry_later(status: int) -> None:
    error = failure(answering(httpx2.Response(status, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:45 GMT"})))
    assert (error.permanent, error.in_doubt, error.retry_after_s, error.code) == (False, False, 45.0, str(status))


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_in_doubt(status: int) -> None:
    error = failure(answering(httpx2.Response(status, text="upstream carrier down")))
    assert (error.permanent, error.in_doubt) == (False, True)
    assert error.message.endswith("will try again: upstream carrier down")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_4xx_permanent(status: int) -> None:
    error = failure(answering(httpx2.Response(status, json={"error": "签名不存在"})))
    assert (error.permanent, error.code) == (True, str(status))
    assert error.message.startswith(f"SMS provider relay.example.com answered {status} ")
    assert error.message.endswith(': {"error":"签名不存在"}')


def test_redirect_permanent() -> None:
    error = failure(answering(httpx2.Response(302, headers={"Location": "https://other.example.com/"})))
    assert error.permanent
    assert "redirects are not followed" in error.message


@pytest.mark.parametrize(
    ("exc_type", "in_doubt"),
    [
        (httpx2.ConnectTimeout, False),
        (httpx2.ConnectError, False),
        (httpx2.ReadTimeout, True),
        (httpx2.RemoteProtocolError, True),
    ],
)
def test_no_answer(exc_type: type[httpx2.RequestError], in_doubt: bool) -> None:
    error = failure(raising(exc_type))
    assert (error.permanent, error.in_doubt) == (False, in_doubt)
    assert "SMS provider relay.example.com" in error.message
