"""The client attaches the access token of the call's secret and renews it once when WeCom rejects it."""

from __future__ import annotations

import httpx2
import pytest

from siyu.channels.base import DeliveryError
from tests.unit.channels.wecom.wecom_mock import GETTOKEN, ScriptedWeCom, error, ok

PATH = "/cgi-bin/externalcontact/add_msg_template"


def test_each_kind_fetches_its_own_token_once_and_reuses_it() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(PATH, ok(msgid="m1"), ok(msgid="m2"))
    wecom.queue("/cgi-bin/message/send", ok(msgid="a1"))
    client = wecom.client()

    assert client.call("contact", "POST", PATH, body={"a": 1})["msgid"] == "m1"
    assert client.call("contact", "POST", PATH, body={"a": 2})["msgid"] == "m2"
    assert client.call("agent", "POST", "/cgi-bin/message/send", body={})["msgid"] == "a1"

    token_calls = wecom.calls_to(GETTOKEN)
    assert [(c.method, c.params) for c in token_calls] == [
        ("GET", {"corpid": "ww-corp", "corpsecret": "contact-secret"}),
        ("GET", {"corpid": "ww-corp", "corpsecret": "agent-secret"}),
    ]
    assert [c.params["access_token"] for c in wecom.calls_to(PATH)] == ["tok-1", "tok-1"]
    assert wecom.calls_to("/cgi-bin/message/send")[0].params["access_token"] == "tok-2"
    assert wecom.bodies(PATH) == [{"a": 1}, {"a": 2}]


def test_params_travel_beside_the_token() -> None:
    wecom = ScriptedWeCom()
    wecom.queue("/cgi-bin/externalcontact/get_moment_task_result", ok(status=1))
    wecom.client().call("contact", "GET", "/cgi-bin/externalcontact/get_moment_task_result", params={"jobid": "j1"})
    call = wecom.calls_to("/cgi-bin/externalcontact/get_moment_task_result")[0]
    assert call.params == {"jobid": "j1", "access_token": "tok-1"}
    assert call.body is None


@pytest.mark.parametrize("errcode", [42001, 40014, 41001])
def test_a_rejected_token_is_renewed_and_the_call_repeated_once(errcode: int) -> None:
    wecom = ScriptedWeCom()
    wecom.queue(PATH, error(errcode), ok(msgid="m1"))
    answer = wecom.client().call("contact", "POST", PATH, body={"x": "y"})
    assert answer["msgid"] == "m1"
    assert len(wecom.calls_to(GETTOKEN)) == 2
    assert [c.params["access_token"] for c in wecom.calls_to(PATH)] == ["tok-1", "tok-2"]
    assert wecom.bodies(PATH) == [{"x": "y"}, {"x": "y"}]


def test_a_second_rejection_surfaces_as_transient() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(PATH, error(42001), error(40014))
    with pytest.raises(DeliveryError) as raised:
        wecom.client().call("contact", "POST", PATH, body={})
    assert not raised.value.permanent
    assert raised.value.code == "wecom:40014"
    assert len(wecom.calls_to(PATH)) == 2
    assert len(wecom.calls_to(GETTOKEN)) == 2


def test_a_wrong_secret_is_permanent_and_not_in_doubt() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(GETTOKEN, error(40001, "invalid credential"))
    with pytest.raises(DeliveryError) as raised:
        wecom.client().call("agent", "POST", "/cgi-bin/message/send", body={})
    assert raised.value.permanent
    assert raised.value.code == "wecom:40001"
    assert not raised.value.in_doubt
    assert "fetching the agent access token" in raised.value.message
    assert wecom.calls_to("/cgi-bin/message/send") == []


def test_a_gettoken_timeout_is_not_in_doubt() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(GETTOKEN, httpx2.ReadTimeout("timed out"))
    with pytest.raises(DeliveryError) as raised:
        wecom.client().call("contact", "POST", PATH, body={})
    assert not raised.value.permanent
    assert not raised.value.in_doubt


def test_a_token_answer_without_a_token_is_transient() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(GETTOKEN, ok(expires_in=7200))
    with pytest.raises(DeliveryError) as raised:
        wecom.client().call("contact", "POST", PATH, body={})
    assert not raised.value.permanent
    assert raised.value.code == "wecom:bad_answer"


def test_a_failed_token_fetch_is_tried_again_on_the_next_call() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(GETTOKEN, error(-1, "busy"))
    wecom.queue(PATH, ok(msgid="m1"))
    client = wecom.client()
    with pytest.raises(DeliveryError):
        client.call("contact", "POST", PATH, body={})
    assert client.call("contact", "POST", PATH, body={})["msgid"] == "m1"
