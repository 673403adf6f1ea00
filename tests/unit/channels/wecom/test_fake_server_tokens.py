"""The fake WeCom's tokens: issued per secret, expiring by the fake's clock or on demand, refused
to the other secret's API."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

SEND = "/cgi-bin/message/send"
TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
APP_TEXT = {"touser": "zhang", "msgtype": "text", "agentid": 1000002, "text": {"content": "明天 10 点回访"}}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(1_700_000_000.0)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeCom]:
    with FakeWeCom(clock=clock, expires_in=100) as server:
        yield server


@pytest.fixture
def client(fake: FakeWeCom) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        yield http


def gettoken(client: httpx2.Client, secret: str, corp_id: str = "ww-fake-corp") -> dict[str, object]:
    answer: dict[str, object] = client.get("/cgi-bin/gettoken", params={"corpid": corp_id, "corpsecret": secret}).json()
    return answer


def send_text(client: httpx2.Client, token: object) -> dict[str, object]:
    answer: dict[str, object] = client.post(SEND, params={"access_token": token}, json=APP_TEXT).json()
    return answer


def test_each_secret_gets_its_own_token_with_its_lifetime(client: httpx2.Client) -> None:
    contact, agent = gettoken(client, "fake-contact-secret"), gettoken(client, "fake-agent-secret")
    assert contact["errcode"] == agent["errcode"] == 0
    assert contact["expires_in"] == agent["expires_in"] == 100
    assert contact["access_token"] != agent["access_token"]
    assert send_text(client, agent["access_token"])["errcode"] == 0


def test_a_wrong_secret_or_corp_gets_no_token(client: httpx2.Client) -> None:
    assert gettoken(client, "not-a-secret") == {"errcode": 40001, "errmsg": "invalid credential: unknown corpsecret"}
    assert gettoken(client, "fake-agent-secret", corp_id="ww-other")["errcode"] == 40013
    assert client.get("/cgi-bin/gettoken", params={"corpid": "ww-fake-corp"}).json()["errcode"] == 41004


def test_a_missing_or_unknown_token_is_refused(fake: FakeWeCom, client: httpx2.Client) -> None:
    assert client.post(SEND, json=APP_TEXT).json()["errcode"] == 41001
    assert send_text(client, "made-up")["errcode"] == 40014
    assert fake.app_messages() == []


def test_a_token_expires_by_the_fakes_clock_and_a_new_one_works(
    fake: FakeWeCom, client: httpx2.Client, clock: Clock
) -> None:
    token = gettoken(client, "fake-agent-secret")["access_token"]
    clock.now += 99
    assert send_text(client, token)["errcode"] == 0
    clock.now += 1
    assert send_text(client, token)["errcode"] == 42001
    fresh = gettoken(client, "fake-agent-secret")["access_token"]
    assert send_text(client, fresh)["errcode"] == 0
    assert len(fake.app_messages()) == 2


def test_expire_tokens_expires_every_token_issued_so_far(fake: FakeWeCom, client: httpx2.Client) -> None:
    tokens = [gettoken(client, "fake-agent-secret")["access_token"] for _ in range(2)]
    assert fake.expire_tokens() == 2
    assert [send_text(client, t)["errcode"] for t in tokens] == [42001, 42001]
    assert send_text(client, gettoken(client, "fake-agent-secret")["access_token"])["errcode"] == 0


def test_a_token_serves_only_its_secrets_api(client: httpx2.Client) -> None:
    contact = gettoken(client, "fake-contact-secret")["access_token"]
    agent = gettoken(client, "fake-agent-secret")["access_token"]
    assert send_text(client, contact)["errcode"] == 48002
    body = {"sender": "zhang", "external_userid": ["wm1"], "text": {"content": "hi"}}
    assert client.post(TEMPLATE, params={"access_token": agent}, json=body).json()["errcode"] == 48002
    assert client.post(TEMPLATE, params={"access_token": contact}, json=body).json()["errcode"] == 0
