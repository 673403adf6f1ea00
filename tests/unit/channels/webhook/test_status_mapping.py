"""What each kind of answer means: retry later (and whether the request may have arrived), or give up."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.base import DeliveryError, Outgoing, Purpose
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings

ITEM = Outgoing(key="task:1:send", purpose=Purpose.send, channel="private", text="hi")
SETTINGS = WebhookSettings(url="https://hooks.example.com/in", secret="whsec_0123456789abcdef")


def failure(answer: httpx2.Response, *, follow: bool = False) -> tuple[DeliveryError, int]:
    calls = 0

    def handler(_request: httpx2.Request) -> httpx2.Response:
        nonlocal calls
        calls += 1
        return answer

    http = httpx2.Client(transport=httpx2.MockTransport(handler), follow_redirects=follow)
    with pytest.raises(DeliveryError) as caught:
        WebhookAdapter(SETTINGS, http=http, wall=lambda: 1_700_000_000).send(ITEM)
    return caught.value, calls


@pytest.mark.parametrize("status", [408, 425, 429])
def test_retry_later_statuses_were_not_carried_out(status: int) -> None:
    error, _ = failure(httpx2.Response(status, text="slow down"))
    assert (error.permanent, error.in_doubt, error.code) == (False, False, str(status))
    assert error.message.startswith(f"webhook hooks.example.com answered {status} ")
    assert error.message.endswith("will try again: slow down")


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
def test_5xx_is_transient_and_in_doubt(status: int) -> None:
    error, _ = failure(httpx2.Response(status))
    assert (error.permanent, error.in_doubt, error.code) == (False, True, str(status))
    assert error.retry_after_s is None


def test_503_retry_after_is_honoured() -> None:
    error, _ = failure(httpx2.Response(503, headers={"Retry-After": "120"}))
    assert (error.permanent, error.in_doubt, error.retry_after_s) == (False, True, 120.0)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 410, 413, 422, 451])
def test_other_4xx_is_permanent_with_the_body(status: int) -> None:
    error, _ = failure(httpx2.Response(status, json={"error": "bad signature"}))
    assert (error.permanent, error.in_doubt, error.code) == (True, False, str(status))
    assert error.message.startswith(f"webhook hooks.example.com answered {status} ")
    assert error.message.endswith(': {"error":"bad signature"}')


def test_only_the_first_200_characters_of_the_body_are_kept() -> None:
    error, _ = failure(httpx2.Response(400, text="  " + "错" * 150 + "x" * 100))
    assert error.message == "webhook hooks.example.com answered 400 Bad Request: " + "错" * 150 + "x" * 50


def test_a_4xx_without_a_body() -> None:
    error, _ = failure(httpx2.Response(401))
    assert error.message == "webhook hooks.example.com answered 401 Unauthorized"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_not_followed(status: int) -> None:
    answer = httpx2.Response(status, headers={"Location": "https://new.example.com/in"})
    error, calls = failure(answer, follow=True)  # even when the client would follow
    assert calls == 1
    assert (error.permanent, error.code) == (True, str(status))
    assert "redirects are not followed (it points to https://new.example.com/in; set that address instead)" in (
        error.message
    )


def test_a_redirect_without_location() -> None:
    error, _ = failure(httpx2.Response(304))
    assert error.message == "webhook hooks.example.com answered 304 Not Modified: redirects are not followed"
