"""What the SMS adapter refuses before calling the provider."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings

SETTINGS = SmsSettings(provider_url="https://relay.example.com/v1/sms", api_key="key-123")
CUSTOMER = Person("wm_li", "李四", {"phone": "13800138000"})


def refusal(item: Outgoing, settings: SmsSettings = SETTINGS) -> DeliveryError:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"nothing should be sent, got {request.url}")

    adapter = SmsAdapter(settings, http=httpx2.Client(transport=httpx2.MockTransport(handler)))
    with pytest.raises(DeliveryError) as caught:
        adapter.send(item)
    assert caught.value.permanent
    return caught.value


def sms(**changes: Any) -> Outgoing:
    return replace(
        Outgoing(key="task:1:send", purpose=Purpose.send, channel="sms", text="hi", customer=CUSTOMER), **changes
    )


@pytest.mark.parametrize(
    ("purpose", "channel"), [(Purpose.send, "private"), (Purpose.remind, "sms"), (Purpose.digest, "internal")]
)
def test_only_auto_sms_tasks(purpose: Purpose, channel: str) -> None:
    error = refusal(sms(purpose=purpose, channel=channel))
    assert error.message == (
        f"the SMS adapter only sends auto tasks on the sms channel, not {purpose.value} on the {channel} channel"
    )
    assert error.code == "not_sms"


@pytest.mark.parametrize(
    "attributes", [{}, {"phone": ""}, {"phone": "12345"}, {"phone": None}, {"mobile": "13800138000"}]
)
def test_no_valid_phone(attributes: dict[str, object]) -> None:
    error = refusal(sms(customer=Person("wm_li", "李四", attributes)))
    assert error.message == "客户没有有效的手机号 (no valid mobile number in attribute phone)"
    assert error.code == "no_phone"


def test_no_customer() -> None:
    error = refusal(sms(customer=None))
    assert (error.message, error.code) == ("客户没有有效的手机号 (the delivery has no customer)", "no_phone")


def test_empty_text() -> None:
    assert refusal(sms(text="  \n")).message == "the SMS text is empty (短信内容为空)"


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        (SmsSettings(api_key="key-123"), "provider_url"),
        (SmsSettings(provider_url="https://relay.example.com/"), "api_key"),
    ],
)
def test_not_configured(settings: SmsSettings, missing: str) -> None:
    error = refusal(sms(), settings)
    assert (error.message, error.code) == (f"SMS is not set up: {missing} is empty (短信未配置)", "not_configured")
