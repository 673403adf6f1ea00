"""The fake WeCom's mass sends: a message per sender, recipients that are not contacts in
fail_list, status 0 until the sender confirms, then 1 sent or 2 no longer a friend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from siyu.channels.wecom.fake_server import FakeWeCom

EXTERNAL = "/cgi-bin/externalcontact/"
START = 1_700_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Contact:
    """A client holding a customer-contact token."""

    def __init__(self, fake: FakeWeCom) -> None:
        self.http = httpx2.Client(base_url=fake.base_url, timeout=5)
        query = {"corpid": "ww-fake-corp", "corpsecret": "fake-contact-secret"}
        self.token = self.http.get("/cgi-bin/gettoken", params=query).json()["access_token"]

    def post(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.post(EXTERNAL + name, params={"access_token": self.token}, json=body).json()
        return answer

    def send(self, recipients: list[str], *, sender: str = "zhang", text: str = "新品到店") -> dict[str, Any]:
        return self.post(
            "add_msg_template", {"sender": sender, "external_userid": recipients, "text": {"content": text}}
        )

    def statuses(self, msgid: str, userid: str = "zhang") -> list[dict[str, Any]]:
        answer = self.post("get_groupmsg_send_result", {"msgid": msgid, "userid": userid})
        assert answer["errcode"] == 0, answer
        send_list: list[dict[str, Any]] = answer["send_list"]
        return send_list


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeWeCom]:
    friends = {"zhang": {"wm1", "wm2", "wm3"}, "li": {"wm1"}}
    with FakeWeCom(clock=clock, friends=friends, groups={"zhang": {"wr1"}}, auto_confirm_after_s=None) as server:
        yield server


@pytest.fixture
def contact(fake: FakeWeCom) -> Iterator[Contact]:
    client = Contact(fake)
    yield client
    client.http.close()


def test_a_mass_send_waits_for_the_sender_then_reports_each_recipient(
    fake: FakeWeCom, contact: Contact, clock: Clock
) -> None:
    made = contact.send(["wm1", "wm2", "wm9", "wm1"])
    assert made["errcode"] == 0 and made["fail_list"] == ["wm9"] and made["msgid"]
    msgid = made["msgid"]
    assert contact.statuses(msgid) == [
        {"external_userid": "wm1", "userid": "zhang", "status": 0},
        {"external_userid": "wm2", "userid": "zhang", "status": 0},
    ]
    assert contact.post("get_groupmsg_task", {"msgid": msgid})["task_list"] == [{"userid": "zhang", "status": 0}]

    fake.set_friends("zhang", {"wm1", "wm3"})  # wm2 deleted the sender before they pressed send
    clock.now += 30
    assert fake.confirm() == 1
    assert contact.statuses(msgid) == [
        {"external_userid": "wm1", "userid": "zhang", "status": 1, "send_time": int(START) + 30},
        {"external_userid": "wm2", "userid": "zhang", "status": 2, "send_time": int(START) + 30},
    ]
    assert contact.post("get_groupmsg_task", {"msgid": msgid})["task_list"] == [
        {"userid": "zhang", "status": 2, "send_time": int(START) + 30}
    ]
    [record] = fake.mass_sends()
    assert record["recipients"] == ["wm1", "wm2"] and record["fail_list"] == ["wm9"]
    assert record["content"] == "新品到店" and record["create_time"] == int(START) and record["confirmed"]
    assert [r["status"] for r in record["results"]] == [1, 2]


def test_auto_confirmation_comes_after_the_delay_by_the_fakes_clock(clock: Clock) -> None:
    with FakeWeCom(clock=clock, auto_confirm_after_s=60) as fake:
        contact = Contact(fake)
        msgid = contact.send(["wm1"])["msgid"]
        clock.now += 59
        assert [s["status"] for s in contact.statuses(msgid)] == [0]
        clock.now += 1
        assert contact.statuses(msgid) == [
            {"external_userid": "wm1", "userid": "zhang", "status": 1, "send_time": int(START) + 60}
        ]
        contact.http.close()


def test_a_group_mass_send_is_recorded_per_chat(fake: FakeWeCom, contact: Contact) -> None:
    body = {"chat_type": "group", "sender": "zhang", "chat_id_list": ["wr1", "wr2"], "text": {"content": "群公告"}}
    made = contact.post("add_msg_template", body)
    assert made["fail_list"] == ["wr2"]
    fake.confirm()
    assert contact.statuses(made["msgid"]) == [
        {"chat_id": "wr1", "userid": "zhang", "status": 1, "send_time": int(START)}
    ]
    assert fake.mass_sends()[0]["chat_type"] == "group"


def test_a_send_to_no_contact_still_has_a_msgid_but_reaches_nobody(fake: FakeWeCom, contact: Contact) -> None:
    made = contact.send(["wm7", "wm8"])
    assert made["errcode"] == 0 and made["fail_list"] == ["wm7", "wm8"]
    fake.confirm()
    assert contact.statuses(made["msgid"]) == []


def test_the_list_finds_sends_by_creator_and_time(contact: Contact, clock: Clock) -> None:
    first = contact.send(["wm1"], text="一")["msgid"]
    clock.now += 10
    second = contact.send(["wm2"], text="二")["msgid"]
    contact.send(["wm1"], sender="li", text="李")

    def listed(**body: Any) -> dict[str, Any]:
        query = {"chat_type": "single", "start_time": int(START), "end_time": int(START) + 100, **body}
        return contact.post("get_groupmsg_list_v2", query)

    page = listed(creator="zhang", limit=1)
    assert [m["msgid"] for m in page["group_msg_list"]] == [first] and page["next_cursor"]
    assert page["group_msg_list"][0] == {
        "msgid": first,
        "creator": "zhang",
        "create_time": str(int(START)),
        "create_type": 0,
        "text": {"content": "一"},
        "attachments": [],
    }
    rest = listed(creator="zhang", limit=1, cursor=page["next_cursor"])
    assert [m["msgid"] for m in rest["group_msg_list"]] == [second] and rest["next_cursor"] == ""
    assert len(listed()["group_msg_list"]) == 3
    assert listed(start_time=int(START) + 5, creator="zhang")["group_msg_list"][0]["msgid"] == second
    assert listed(filter_type=1)["group_msg_list"] == []  # personal sends only: the fake makes none
    assert listed(end_time=int(START) + 32 * 86400)["errcode"] == 40058


def test_a_send_needs_a_known_sender_recipients_and_content(contact: Contact) -> None:
    assert contact.send(["wm1"], sender="nobody")["errcode"] == 40003
    assert contact.send([])["errcode"] == 41048
    assert contact.send(["wm1"], text="")["errcode"] == 44004
    assert contact.send(["wm1"], text="长" * 1400)["errcode"] == 45035  # 4200 bytes of UTF-8
    image = {
        "sender": "zhang",
        "external_userid": ["wm1"],
        "attachments": [{"msgtype": "image", "image": {"media_id": "m"}}],
    }
    assert contact.post("add_msg_template", image)["errcode"] == 0
    broken = {**image, "attachments": [{"msgtype": "image"}]}
    assert contact.post("add_msg_template", broken)["errcode"] == 40058


def test_results_are_per_sender_and_an_unknown_msgid_is_an_error(contact: Contact) -> None:
    msgid = contact.send(["wm1"])["msgid"]
    assert contact.statuses(msgid, userid="li") == []
    assert contact.post("get_groupmsg_send_result", {"msgid": "msg-none", "userid": "zhang"})["errcode"] == 40058
    assert contact.post("get_groupmsg_send_result", {"msgid": msgid})["errcode"] == 40058
