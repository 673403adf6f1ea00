"""The fake WeCom answers a bad request the way WeCom does — HTTP 200 and an errcode — and an
unknown path with a JSON 404; over the rate limit, 45009."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"


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
    with FakeWeCom(clock=clock, rate_limit_per_minute=3) as server:
        yield server


@pytest.fixture
def http(fake: FakeWeCom) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=fake.base_url, timeout=5) as client:
        yield client


def token(http: httpx2.Client) -> str:
    query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
    value: str = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
    return value


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        (b"{not json", 40058),
        (b"[1, 2]", 40058),
        (b"\xff\xfe", 40058),
        (b"", 40058),
        (b'{"sender": 7, "external_userid": ["wm1"], "text": {"content": "x"}}', 40058),
        (b'{"sender": "zhang", "external_userid": "wm1", "text": {"content": "x"}}', 40058),
        (b'{"sender": "zhang", "external_userid": ["wm1"], "text": "x"}', 40058),
        (b'{"sender": "zhang", "external_userid": ["wm1"], "text": {"content": ""}}', 44004),
        (b'{"sender": "zhang", "chat_type": "all", "external_userid": ["wm1"], "text": {"content": "x"}}', 40058),
    ],
)
def test_a_malformed_body_is_an_errcode_and_makes_nothing(
    fake: FakeWeCom, http: httpx2.Client, body: bytes, errcode: int
) -> None:
    answer = http.post(TEMPLATE, params={"access_token": token(http)}, content=body)
    assert answer.status_code == 200
    assert answer.json()["errcode"] == errcode and answer.json()["errmsg"]
    assert fake.mass_sends() == []


def test_wrong_method_and_unknown_path(fake: FakeWeCom, http: httpx2.Client) -> None:
    assert http.get(TEMPLATE, params={"access_token": token(http)}).json()["errcode"] == 43002
    assert http.post("/cgi-bin/gettoken").json()["errcode"] == 43001
    missing = http.post("/cgi-bin/externalcontact/del_msg_template", json={})
    assert missing.status_code == 404
    assert missing.json() == {"errcode": 404, "errmsg": "no such path /cgi-bin/externalcontact/del_msg_template"}
    assert fake.calls()["/cgi-bin/externalcontact/del_msg_template"] == 1


def test_the_rate_limit_answers_45009_until_the_minute_has_passed(
    fake: FakeWeCom, http: httpx2.Client, clock: Clock
) -> None:
    value = token(http)
    body = {"sender": "zhang", "external_userid": ["wm1"], "text": {"content": "x"}}
    codes = [http.post(TEMPLATE, params={"access_token": value}, json=body).json()["errcode"] for _ in range(4)]
    assert codes == [0, 0, 0, 45009]
    assert len(fake.mass_sends()) == 3
    clock.now += 60
    assert http.post(TEMPLATE, params={"access_token": value}, json=body).json()["errcode"] == 0
