"""The fake WeCom's app messages: the duplicate check keeps a message equal to one sent to the
same touser within the interval from being sent again, and answers the first msgid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

CARD = {"title": "今日待办", "description": "3 个任务", "url": "https://siyu.example/m/tasks", "btntxt": "详情"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Agent:
    def __init__(self, fake: FakeWeCom) -> None:
        self.http = httpx2.Client(base_url=fake.base_url, timeout=5)
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-agent-secret"}
        self.token = self.http.get("/cgi-bin/gettoken", params=query).json()["access_token"]

    def send(self, card: dict[str, str], *, touser: str = "zhang", check: int = 1, **extra: Any) -> dict[str, Any]:
        body = {"touser": touser, "msgtype": "textcard", "agentid": 1000002, "textcard": card}
        body |= {"enable_duplicate_check": check, "duplicate_check_interval": 1800, **extra}
        answer: dict[str, Any] = self.http.post(
            "/cgi-bin/message/send", params={"access_token": self.token}, json=body
        ).json()
        return answer


@pytest.fixture
def clock() -> Clock:
    return Clock(1_700_000_000.0)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeCom]:
    with FakeWeCom(clock=clock, staff={"zhang", "li"}) as server:
        yield server


@pytest.fixture
def agent(fake: FakeWeCom) -> Iterator[Agent]:
    client = Agent(fake)
    yield client
    client.http.close()


def test_the_same_content_within_the_interval_is_not_sent_again(fake: FakeWeCom, agent: Agent, clock: Clock) -> None:
    first = agent.send(CARD)
    assert first["errcode"] == 0 and first["msgid"] and first["invaliduser"] == ""
    clock.now += 1799
    again = agent.send(dict(reversed(CARD.items())))  # the same payload, keys in another order
    assert again["errcode"] == 0 and again["msgid"] == first["msgid"]
    [message] = fake.app_messages()
    assert message == {
        "msgid": first["msgid"],
        "touser": ["zhang"],
        "agentid": 1000002,
        "msgtype": "textcard",
        "content": CARD,
        "time": 1_700_000_000,
    }


def test_other_content_or_another_touser_is_sent(fake: FakeWeCom, agent: Agent) -> None:
    first = agent.send(CARD)["msgid"]
    other = agent.send({**CARD, "description": "4 个任务"})["msgid"]
    to_li = agent.send(CARD, touser="li")["msgid"]
    assert len({first, other, to_li}) == 3
    assert [m["msgid"] for m in fake.app_messages()] == [first, other, to_li]


def test_after_the_interval_or_without_the_check_it_is_sent_again(fake: FakeWeCom, agent: Agent, clock: Clock) -> None:
    first = agent.send(CARD)["msgid"]
    assert agent.send(CARD, check=0)["msgid"] != first
    clock.now += 1800
    later = agent.send(CARD)["msgid"]
    assert later != first
    clock.now += 60
    assert agent.send(CARD)["msgid"] == later  # the window starts again from the message actually sent
    assert len(fake.app_messages()) == 3


def test_unknown_recipients_are_named_and_all_unknown_is_81013(fake: FakeWeCom, agent: Agent) -> None:
    some = agent.send(CARD, touser="zhang|ghost")
    assert some["errcode"] == 0 and some["invaliduser"] == "ghost"
    assert fake.app_messages()[0]["touser"] == ["zhang"]
    none = agent.send(CARD, touser="ghost|phantom")
    assert none["errcode"] == 81013 and "ghost|phantom" in none["errmsg"]
    assert len(fake.app_messages()) == 1


def test_a_bad_message_is_refused_and_not_sent(fake: FakeWeCom, agent: Agent) -> None:
    assert agent.send({"title": "t", "description": "d"})["errcode"] == 40058  # no url
    assert agent.send(CARD, agentid=1000003)["errcode"] == 40056
    assert agent.send(CARD, duplicate_check_interval=14401)["errcode"] == 40058
    empty = {"touser": "zhang", "msgtype": "text", "agentid": 1000002, "text": {"content": ""}}
    assert (
        agent.http.post("/cgi-bin/message/send", params={"access_token": agent.token}, json=empty).json()["errcode"]
        == 44004
    )
    assert fake.app_messages() == []
