"""The fake WeCom's monthly allowance: a customer gets at most `monthly_limit` mass messages per
natural month in Asia/Shanghai of the send time; the rest answer status 3."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2

from siyu.channels.wecom.fake_server import FakeWeCom

# 23:00 on 31 January in Shanghai; February begins there at 16:00 UTC.
JAN_31_23H_SHANGHAI = datetime(2024, 1, 31, 15, 0, tzinfo=UTC).timestamp()
FEB_1_0H_SHANGHAI = datetime(2024, 1, 31, 16, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def send(http: httpx2.Client, token: str, recipients: list[str]) -> str:
    body = {"sender": "zhang", "external_userid": recipients, "text": {"content": "本月新品"}}
    answer: dict[str, Any] = http.post(
        "/cgi-bin/externalcontact/add_msg_template", params={"access_token": token}, json=body
    ).json()
    assert answer["errcode"] == 0, answer
    msgid: str = answer["msgid"]
    return msgid


def statuses(http: httpx2.Client, token: str, msgid: str) -> dict[str, int]:
    body = {"msgid": msgid, "userid": "zhang"}
    answer = http.post(
        "/cgi-bin/externalcontact/get_groupmsg_send_result", params={"access_token": token}, json=body
    ).json()
    return {s["external_userid"]: s["status"] for s in answer["send_list"]}


def test_the_fifth_send_in_a_month_is_refused_until_the_next_month_in_shanghai() -> None:
    clock = Clock(JAN_31_23H_SHANGHAI)
    with FakeWeCom(clock=clock) as fake, httpx2.Client(base_url=fake.base_url, timeout=5) as http:
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        for _ in range(4):
            assert statuses(http, token, send(http, token, ["wm1"])) == {"wm1": 1}
        clock.now = FEB_1_0H_SHANGHAI - 1
        assert statuses(http, token, send(http, token, ["wm1", "wm2"])) == {"wm1": 3, "wm2": 1}
        assert statuses(http, token, send(http, token, ["wm1"])) == {"wm1": 3}

        clock.now = FEB_1_0H_SHANGHAI  # refused sends did not use February's allowance up
        for _ in range(4):
            assert statuses(http, token, send(http, token, ["wm1"])) == {"wm1": 1}
        assert statuses(http, token, send(http, token, ["wm1"])) == {"wm1": 3}
        assert [r["results"][0]["status"] for r in fake.mass_sends()] == [1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 3]


def test_the_month_is_the_one_of_the_confirmation_not_of_the_creation() -> None:
    clock = Clock(JAN_31_23H_SHANGHAI)
    with (
        FakeWeCom(clock=clock, monthly_limit=1, auto_confirm_after_s=None) as fake,
        httpx2.Client(base_url=fake.base_url, timeout=5) as http,
    ):
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        token = http.get("/cgi-bin/gettoken", params=query).json()["access_token"]
        january = send(http, token, ["wm1"])
        fake.confirm()
        late = send(http, token, ["wm1"])  # made in January, pressed in February
        clock.now = FEB_1_0H_SHANGHAI + 60
        fake.confirm()
        assert statuses(http, token, january) == {"wm1": 1}
        assert statuses(http, token, late) == {"wm1": 1}
        assert statuses(http, token, send(http, token, ["wm1"])) == {"wm1": 0}
        fake.confirm()
        assert statuses(http, token, fake.mass_sends()[-1]["msgid"]) == {"wm1": 3}
