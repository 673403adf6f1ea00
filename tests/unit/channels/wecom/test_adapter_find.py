"""find: after an attempt with an unknown outcome, look for the mass send or moment WeCom may
have made, by its creator, time and text, and confirm our recipient is on it."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose, Receipt
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

LIST = "/cgi-bin/externalcontact/get_groupmsg_list_v2"
SEND_RESULT = "/cgi-bin/externalcontact/get_groupmsg_send_result"
MOMENT_LIST = "/cgi-bin/externalcontact/get_moment_list"
NOW = 1_800_000_000
SINCE = NOW - 600
TEXT = "亲，会员福利到账啦～"


def outgoing(channel: str = "private", **changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "key": "task:7:send",
        "purpose": Purpose.send,
        "channel": channel,
        "text": TEXT,
        "staff": Person("zhangsan"),
        "customer": Person("wmCustomer1"),
        "group": Person("wrGroup1"),
    }
    values.update(changes)
    return Outgoing(**values)


def adapter(wecom: ScriptedWeCom) -> WeComAdapter:
    return WeComAdapter(settings(), client=wecom.client(), wall=lambda: float(NOW))


def message(msgid: str, text: str) -> dict[str, Any]:
    return {"msgid": msgid, "creator": "zhangsan", "create_time": str(SINCE + 1), "text": {"content": text}}


def test_a_match_on_the_second_page_whose_send_result_lists_the_customer() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(
        LIST,
        ok(next_cursor="c2", group_msg_list=[message("other-text", "别的话")]),
        ok(next_cursor="", group_msg_list=[message("ours", TEXT)]),
    )
    wecom.queue(SEND_RESULT, ok(send_list=[{"external_userid": "wmCustomer1", "userid": "zhangsan", "status": 0}]))

    assert adapter(wecom).find(outgoing(), since_s=SINCE) == Receipt(ref="ours")

    base = {
        "chat_type": "single",
        "creator": "zhangsan",
        "start_time": SINCE - 60,
        "end_time": NOW,
        "filter_type": 2,
        "limit": 100,
    }
    assert wecom.bodies(LIST) == [{**base, "cursor": ""}, {**base, "cursor": "c2"}]
    assert wecom.bodies(SEND_RESULT) == [{"msgid": "ours", "userid": "zhangsan", "limit": 1000, "cursor": ""}]


def test_same_text_for_another_customer_is_not_ours() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[message("theirs", TEXT), message("ours", TEXT)]))
    wecom.queue(
        SEND_RESULT,
        ok(send_list=[{"external_userid": "wmSomeoneElse", "status": 1}]),
        ok(next_cursor="p2", send_list=[{"external_userid": "wmX", "status": 0}]),
        ok(send_list=[{"external_userid": "wmCustomer1", "status": 0}]),
    )
    assert adapter(wecom).find(outgoing(), since_s=SINCE) == Receipt(ref="ours")
    assert [b["msgid"] for b in wecom.bodies(SEND_RESULT)] == ["theirs", "ours", "ours"]
    assert wecom.bodies(SEND_RESULT)[2]["cursor"] == "p2"


def test_nothing_matching_means_none() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[message("a", TEXT + "!"), message("b", "")]))
    assert adapter(wecom).find(outgoing(), since_s=SINCE) is None
    assert wecom.calls_to(SEND_RESULT) == []


def test_a_matching_text_without_our_customer_means_none() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[message("a", TEXT)]))
    wecom.queue(SEND_RESULT, ok(send_list=[]))
    assert adapter(wecom).find(outgoing(), since_s=SINCE) is None


def test_a_group_send_is_found_by_its_chat_id() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[message("g1", TEXT)]))
    wecom.queue(SEND_RESULT, ok(send_list=[{"chat_id": "wrGroup1", "userid": "zhangsan", "status": 1}]))
    assert adapter(wecom).find(outgoing("group"), since_s=SINCE) == Receipt(ref="g1")
    assert wecom.bodies(LIST)[0]["chat_type"] == "group"


def test_text_materials_are_part_of_the_text_matched() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[message("plain", TEXT), message("joined", TEXT + "\n第二段")]))
    wecom.queue(SEND_RESULT, ok(send_list=[{"external_userid": "wmCustomer1", "status": 0}]))
    item = outgoing(materials=({"text": "第二段"}, {"type": "image", "media_id": "IMG"}))
    assert adapter(wecom).find(item, since_s=SINCE) == Receipt(ref="joined")


def test_an_old_attempt_looks_within_wecoms_one_month_span() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[]))
    since = NOW - 90 * 86400
    adapter(wecom).find(outgoing(), since_s=since)
    body = wecom.bodies(LIST)[0]
    assert body["start_time"] == since - 60
    assert body["end_time"] - body["start_time"] <= 31 * 86400
    assert body["end_time"] > since + 86400


def test_a_moment_is_found_in_the_staff_members_moment_list() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(
        MOMENT_LIST,
        ok(next_cursor="n2", moment_list=[{"moment_id": "mo-other", "text": {"content": "早安"}}]),
        ok(moment_list=[{"moment_id": "mo-ours", "creator": "zhangsan", "text": {"content": TEXT}}]),
    )
    assert adapter(wecom).find(outgoing("moments"), since_s=SINCE) == Receipt(ref="moment:mo-ours")
    first = wecom.bodies(MOMENT_LIST)[0]
    assert first == {
        "creator": "zhangsan",
        "start_time": SINCE - 60,
        "end_time": NOW,
        "filter_type": 2,
        "limit": 20,
        "cursor": "",
    }
    assert wecom.bodies(MOMENT_LIST)[1]["cursor"] == "n2"


def test_no_moment_means_none() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MOMENT_LIST, ok(moment_list=[{"moment_id": "x", "text": {"content": "别的"}}]))
    assert adapter(wecom).find(outgoing("moments"), since_s=SINCE) is None


def test_a_repeated_cursor_cannot_loop_forever() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(next_cursor="same", group_msg_list=[]), ok(next_cursor="same", group_msg_list=[]))
    with pytest.raises(DeliveryError, match="twice") as raised:
        adapter(wecom).find(outgoing(), since_s=SINCE)
    assert not raised.value.permanent


def test_app_messages_and_refused_channels_need_no_lookup() -> None:
    wecom = ScriptedWeCom()
    wecom_adapter = adapter(wecom)
    assert wecom_adapter.find(outgoing(purpose=Purpose.remind), since_s=SINCE) is None
    assert wecom_adapter.find(outgoing(purpose=Purpose.digest), since_s=SINCE) is None
    assert wecom_adapter.find(outgoing("sms"), since_s=SINCE) is None
    assert wecom.calls == []
