"""What the SMS adapter posts to the provider, and what an accepting answer means."""

from __future__ import annotations

import json

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose, Receipt
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings

SETTINGS = SmsSettings(
    provider_url="https://relay.example.com/v1/sms", api_key="key-123", sign_name="暖柚生活", timeout_s=4
)
ITEM = Outgoing(
    key="task:42:send",
    purpose=Purpose.send,
    channel="sms",
    text="李四您好，生日快乐！",
    task_id=42,
    customer=Person("wm_li", "李四", {"phone": "+86 138-0013-8000"}),
)


def send(answer: httpx2.Response, *, settings: SmsSettings = SETTINGS) -> tuple[Receipt, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return answer

    http = httpx2.Client(transport=httpx2.MockTransport(handler), headers={"Authorization": "Bearer wrong"})
    return SmsAdapter(settings, http=http).send(ITEM), seen


def test_the_request() -> None:
    _, [request] = send(httpx2.Response(200, json={"id": "m1"}))
    assert (request.method, str(request.url)) == ("POST", "https://relay.example.com/v1/sms")
    assert (
        request.content
        == (
            '{"to":"+8613800138000","text":"【暖柚生活】李四您好，生日快乐！",'
            '"idempotency_key":"task:42:send","reference":"task:42:send"}'
        ).encode()
    )
    assert request.headers["Authorization"] == "Bearer key-123"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == "task:42:send"
    assert request.headers["User-Agent"] == "siyu"
    assert request.extensions["timeout"] == {"connect": 4, "read": 4, "write": 4, "pool": 4}


def test_without_a_sign_name_the_text_is_as_rendered() -> None:
    settings = SmsSettings(provider_url="https://relay.example.com/v1/sms", api_key="key-123")
    _, [request] = send(httpx2.Response(200, json={"id": "m1"}), settings=settings)
    assert json.loads(request.content)["text"] == "李四您好，生日快乐！"


def test_the_phone_attribute_is_configurable() -> None:
    settings = SmsSettings(provider_url="https://relay.example.com/v1/sms", api_key="key-123", phone_attribute="mobile")
    with pytest.raises(DeliveryError, match="no valid mobile number in attribute mobile"):
        send(httpx2.Response(200), settings=settings)


@pytest.mark.parametrize(
    ("answer", "ref"), [({"id": "m1"}, "m1"), ({"message_id": 991}, "991"), ({"id": "a", "message_id": "b"}, "a")]
)
def test_accepted_is_not_yet_delivered(answer: dict[str, object], ref: str) -> None:
    assert send(httpx2.Response(200, json=answer))[0] == Receipt(ref=ref, delivered=False)


@pytest.mark.parametrize("status", ["pending", "sent", "queued", None, 3])
def test_a_status_short_of_delivered_changes_nothing(status: object) -> None:
    assert send(httpx2.Response(202, json={"id": "m1", "status": status}))[0] == Receipt(ref="m1", delivered=False)


def test_delivered_at_once() -> None:
    assert send(httpx2.Response(200, json={"id": "m1", "status": "delivered"}))[0] == Receipt(ref="m1", delivered=True)


def test_accepted_without_an_id_counts_as_delivered() -> None:
    # nothing to ask the provider about later
    for answer in (
        httpx2.Response(204),
        httpx2.Response(200, text="OK"),
        httpx2.Response(200, json={"status": "sent"}),
    ):
        assert send(answer)[0] == Receipt(ref=None, delivered=True)


def test_a_2xx_that_says_failed_is_a_refusal() -> None:
    with pytest.raises(DeliveryError) as caught:
        send(
            httpx2.Response(
                200, json={"id": "m1", "status": "failed", "reason": "号码为空号", "code": "isv.MOBILE_NUMBER_ILLEGAL"}
            )
        )
    assert caught.value.message == "SMS provider relay.example.com refused the message: 号码为空号"
    assert (caught.value.permanent, caught.value.code) == (True, "isv.MOBILE_NUMBER_ILLEGAL")
