"""Asking the provider where an accepted message is: GET {provider_url}/{id}."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Purpose, Receipt
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings

ITEM = Outgoing(key="task:1:send", purpose=Purpose.send, channel="sms", text="hi")
SETTINGS = SmsSettings(provider_url="https://relay.example.com/v1/sms/", api_key="key-123")


def poll(
    answer: httpx2.Response | type[httpx2.RequestError],
    *,
    ref: str = "m1",
    settings: SmsSettings = SETTINGS,
) -> tuple[Progress, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if isinstance(answer, httpx2.Response):
            return answer
        raise answer("boom", request=request)

    adapter = SmsAdapter(settings, http=httpx2.Client(transport=httpx2.MockTransport(handler)))
    return adapter.poll(ITEM, Receipt(ref=ref, delivered=False)), seen


def poll_failure(answer: httpx2.Response | type[httpx2.RequestError]) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        poll(answer)
    return caught.value


def test_the_request() -> None:
    _, [request] = poll(httpx2.Response(200, json={"status": "delivered"}))
    assert (request.method, str(request.url)) == ("GET", "https://relay.example.com/v1/sms/m1")
    assert request.headers["Authorization"] == "Bearer key-123"
    assert request.headers["User-Agent"] == "siyu"


def test_the_ref_is_one_path_segment_and_the_query_stays() -> None:
    settings = SmsSettings(provider_url="https://relay.example.com/sms?tenant=nuanyou", api_key="key-123")
    _, [request] = poll(httpx2.Response(200, json={"status": "sent"}), ref="a/b c%", settings=settings)
    assert str(request.url) == "https://relay.example.com/sms/a%2Fb%20c%25?tenant=nuanyou"


@pytest.mark.parametrize(
    ("status", "state"),
    [("pending", DeliveryState.pending), ("sent", DeliveryState.pending), ("delivered", DeliveryState.delivered)],
)
def test_statuses(status: str, state: DeliveryState) -> None:
    assert poll(httpx2.Response(200, json={"status": status}))[0] == Progress(state)


def test_failed_with_reason_and_code() -> None:
    progress, _ = poll(httpx2.Response(200, json={"status": "failed", "reason": "用户已停机", "code": 4001}))
    assert progress == Progress(DeliveryState.failed, reason="用户已停机", code="4001")


def test_failed_without_a_reason() -> None:
    assert poll(httpx2.Response(200, json={"status": "failed"}))[0] == Progress(DeliveryState.failed)


def test_no_status_endpoint_means_delivered() -> None:
    assert poll(httpx2.Response(404))[0] == Progress(DeliveryState.delivered)


@pytest.mark.parametrize("body", [{"status": "queued"}, {"state": "delivered"}, {"status": ["delivered"]}, []])
def test_an_unknown_answer_is_asked_again_later(body: object) -> None:
    error = poll_failure(httpx2.Response(200, json=body))
    assert (error.permanent, error.code) == (False, "bad_status")
    assert "answered an unknown status" in error.message
    assert "expected one of pending, sent, delivered, failed" in error.message


def test_5xx_and_timeouts_are_transient_and_leave_nothing_in_doubt() -> None:
    for answer in (httpx2.Response(502), httpx2.ReadTimeout, httpx2.ConnectError):
        error = poll_failure(answer)
        assert (error.permanent, error.in_doubt) == (False, False)


def test_a_read_timeout_message_does_not_claim_the_request_may_have_arrived() -> None:
    assert poll_failure(httpx2.ReadTimeout).message == "no answer from SMS provider relay.example.com (boom)"


def test_refused_status_query_is_permanent() -> None:
    error = poll_failure(httpx2.Response(401, text="bad key"))
    assert (error.permanent, error.code) == (True, "401")


@pytest.mark.parametrize("receipt", [Receipt(ref=None, delivered=False), Receipt(ref="m1", delivered=True)])
def test_nothing_to_ask(receipt: Receipt) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"nothing should be asked, got {request.url}")

    adapter = SmsAdapter(SETTINGS, http=httpx2.Client(transport=httpx2.MockTransport(handler)))
    assert adapter.poll(ITEM, receipt) == Progress(DeliveryState.delivered)
