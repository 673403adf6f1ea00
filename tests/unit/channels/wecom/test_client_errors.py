"""How the client turns each way a WeCom call fails into a DeliveryError: transient or permanent,
and whether the request may have arrived (in_doubt)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.client import WeComClient, http_client
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, error, settings

PATH = "/cgi-bin/externalcontact/add_msg_template"


def failure(answer: Any, *, kind: str = "contact") -> DeliveryError:
    wecom = ScriptedWeCom()
    wecom.queue(PATH, answer)
    with pytest.raises(DeliveryError) as raised:
        wecom.client().call(kind, "POST", PATH, body={})  # type: ignore[arg-type]
    return raised.value


def test_a_permanent_errcode() -> None:
    raised = failure(error(84061, "not external contact"))
    assert raised.permanent
    assert raised.code == "wecom:84061"
    assert not raised.in_doubt


def test_a_transient_errcode() -> None:
    raised = failure(error(-1, "system busy"))
    assert not raised.permanent
    assert raised.code == "wecom:-1"


def test_a_rate_limit_errcode_asks_for_a_pause() -> None:
    raised = failure(error(45009, "api freq out of limit"))
    assert not raised.permanent
    assert raised.retry_after_s == 60


@pytest.mark.parametrize(
    "exception", [httpx2.ConnectTimeout("connect"), httpx2.PoolTimeout("pool"), httpx2.ConnectError("refused")]
)
def test_failures_before_sending_are_not_in_doubt(exception: Exception) -> None:
    raised = failure(exception)
    assert not raised.permanent
    assert not raised.in_doubt
    assert raised.code == "wecom:connect"


@pytest.mark.parametrize(
    "exception",
    [
        httpx2.ReadTimeout("read"),
        httpx2.WriteTimeout("write"),
        httpx2.RemoteProtocolError("peer closed connection"),
        httpx2.ReadError("reset"),
    ],
)
def test_failures_after_sending_are_in_doubt(exception: Exception) -> None:
    raised = failure(exception)
    assert not raised.permanent
    assert raised.in_doubt


def test_a_server_error_is_transient_and_in_doubt() -> None:
    raised = failure(httpx2.Response(502, text="bad gateway"))
    assert not raised.permanent
    assert raised.in_doubt
    assert raised.code == "wecom:http_502"


def test_too_many_requests_takes_the_retry_after() -> None:
    raised = failure(httpx2.Response(429, headers={"Retry-After": "30"}))
    assert not raised.permanent
    assert not raised.in_doubt
    assert raised.retry_after_s == 30


def test_a_not_found_points_at_the_base_url() -> None:
    raised = failure(httpx2.Response(404))
    assert raised.permanent
    assert "base_url" in raised.message
    assert "https://wecom.test" in raised.message


@pytest.mark.parametrize(
    "response",
    [
        httpx2.Response(200, text="<html>gateway</html>"),
        httpx2.Response(200, json=["not", "an", "object"]),
        httpx2.Response(200, json={"errcode": "zero"}),
    ],
)
def test_an_unreadable_answer_is_transient_and_in_doubt(response: httpx2.Response) -> None:
    raised = failure(response)
    assert not raised.permanent
    assert raised.in_doubt
    assert raised.code == "wecom:bad_answer"


def test_the_token_never_shows_in_a_message() -> None:
    raised = failure(httpx2.Response(503))
    assert "tok-1" not in raised.message


@pytest.mark.parametrize(
    ("kind", "changes", "setting"),
    [
        ("contact", {"corp_id": ""}, "corp_id"),
        ("contact", {"contact_secret": ""}, "contact_secret"),
        ("agent", {"agent_secret": ""}, "agent_secret"),
        ("agent", {"agent_id": None}, "agent_id"),
    ],
)
def test_a_missing_setting_is_permanent_and_named(kind: str, changes: dict[str, Any], setting: str) -> None:
    wecom = ScriptedWeCom()
    with pytest.raises(DeliveryError) as raised:
        wecom.client(settings(**changes)).call(kind, "POST", PATH, body={})  # type: ignore[arg-type]
    assert raised.value.permanent
    assert setting in raised.value.message
    assert wecom.calls == []


def test_contact_calls_do_not_need_the_app_settings() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(PATH, {"errcode": 0, "msgid": "m"})
    client = wecom.client(settings(agent_secret="", agent_id=None))
    assert client.call("contact", "POST", PATH, body={})["msgid"] == "m"


def test_the_http_client_takes_the_timeout_and_ignores_environment_proxies() -> None:
    http = http_client(settings(timeout_s=7.5))
    try:
        assert http.timeout == httpx2.Timeout(7.5)
        assert http.trust_env is False
    finally:
        http.close()


def test_close_closes_the_http_client_and_later_calls_fail_transiently() -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(ScriptedWeCom()))
    client = WeComClient(settings(), http=http)
    client.close()
    assert http.is_closed
    with pytest.raises(DeliveryError) as raised:
        client.call("contact", "POST", PATH, body={})
    assert not raised.value.permanent
    assert "closed" in raised.value.message
