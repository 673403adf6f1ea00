"""The fake WeCom's random faults: transient errcodes without effect, hangs before any effect,
and hangs after the message was made — the client times out although the message exists."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"


def send(http: httpx2.Client, token: str, text: str) -> dict[str, Any]:
    body = {"sender": "zhang", "external_userid": ["wm1"], "text": {"content": text}}
    answer: dict[str, Any] = http.post(TEMPLATE, params={"access_token": token}, json=body).json()
    return answer


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    with FakeWeCom() as server:
        yield server


@pytest.fixture
def token(fake: FakeWeCom) -> str:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token: str = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        return token


def test_a_timeout_after_the_effect_leaves_the_message_made(fake: FakeWeCom, token: str) -> None:
    fake.set_chaos(seed=1, timeout_after_effect_rate=1.0, timeout_s=2.0)
    with httpx2.Client(base_url=fake.base_url, timeout=0.3) as http, pytest.raises(httpx2.TimeoutException):
        send(http, token, "已生效")
    [made] = fake.mass_sends()
    assert made["content"] == "已生效" and made["results"][0]["status"] == 1


def test_a_timeout_before_the_effect_makes_nothing(fake: FakeWeCom, token: str) -> None:
    fake.set_chaos(seed=1, timeout_rate=1.0, timeout_s=2.0)
    with httpx2.Client(base_url=fake.base_url, timeout=0.3) as http, pytest.raises(httpx2.TimeoutException):
        send(http, token, "未生效")
    fake.set_chaos(seed=1, timeout_rate=1.0, timeout_s=0.05)
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        assert send(http, token, "未生效")["errcode"] == -1  # a client that waits longer hears system busy
    assert fake.mass_sends() == []
    assert fake.calls()[TEMPLATE] == 2


def test_transient_failures_make_nothing_and_follow_the_seed(fake: FakeWeCom, token: str) -> None:
    def run() -> list[int]:
        fake.set_chaos(seed=7, fail_rate=0.5)
        with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
            return [send(http, token, f"第{i}条")["errcode"] for i in range(40)]

    codes = run()
    assert set(codes) == {0, -1, 45009}
    assert codes == run()
    made = [m["content"] for m in fake.mass_sends()]
    assert made == [f"第{i}条" for i, code in enumerate(codes) if code == 0] * 2


def test_chaos_only_hits_the_paths_named_and_zero_rates_turn_it_off(fake: FakeWeCom, token: str) -> None:
    fake.set_chaos(seed=3, fail_rate=1.0, paths=["/cgi-bin/message/send"])
    with httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        assert send(http, token, "a")["errcode"] == 0
        fake.set_chaos(seed=3, fail_rate=1.0)
        assert send(http, token, "b")["errcode"] in {-1, 45009}
        fake.set_chaos(seed=3)
        assert send(http, token, "c")["errcode"] == 0


def test_impossible_chaos_is_refused(fake: FakeWeCom) -> None:
    with pytest.raises(ValueError, match="add up to more than 1"):
        fake.set_chaos(seed=1, fail_rate=0.6, timeout_rate=0.6)
    with pytest.raises(ValueError, match="unknown paths"):
        fake.set_chaos(seed=1, fail_rate=0.1, paths=["/cgi-bin/nope"])


def test_stop_wakes_the_calls_chaos_keeps_hanging() -> None:
    fake = FakeWeCom()
    fake.start()
    fake.set_chaos(seed=1, timeout_rate=1.0, timeout_s=600)
    with httpx2.Client(base_url=fake.base_url, timeout=0.2) as http, pytest.raises(httpx2.TimeoutException):
        http.get("/cgi-bin/gettoken", params={"corpid": "ww-fake-corp", "corpsecret": "fake-agent-secret"})
    started = time.monotonic()
    fake.stop()
    fake.hang(600)  # what the hung call is doing: it ends with the server
    assert time.monotonic() - started < 5
