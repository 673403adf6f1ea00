"""A private send to several customers: one add_msg_template naming them all; WeCom's send
result settles each one on its own; a repeat is recognised by any of them."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Person, Progress, Purpose, Receipt
from siyu.channels.wecom.adapter import WeComAdapter
from siyu.channels.wecom.mass_send import MAX_RECIPIENTS, overall
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

ADD = "/cgi-bin/externalcontact/add_msg_template"
SEND_RESULT = "/cgi-bin/externalcontact/get_groupmsg_send_result"
LIST = "/cgi-bin/externalcontact/get_groupmsg_list_v2"
CUSTOMERS = ("wmA", "wmB", "wmC")


def several(*ids: str, **changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "key": "mass:1:0:abc:7",
        "purpose": Purpose.send,
        "channel": "private",
        "text": "会员日快乐",
        "staff": Person("zhangsan"),
        "recipients": tuple(Person(i) for i in ids or CUSTOMERS),
    }
    values.update(changes)
    return Outgoing(**values)


def adapter(wecom: ScriptedWeCom) -> WeComAdapter:
    return WeComAdapter(settings(), client=wecom.client(), wall=lambda: 1_800_000_000.0)


def test_one_call_names_every_customer() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD, ok(msgid="msgA", fail_list=["wmC"]))
    assert adapter(wecom).send(several()) == Receipt(ref="msgA")
    (body,) = wecom.bodies(ADD)
    assert body["external_userid"] == list(CUSTOMERS) and body["chat_type"] == "single"
    assert body["text"] == {"content": "会员日快乐"}


def test_refused_for_all_of_them_is_permanent() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD, ok(msgid="msgA", fail_list=list(CUSTOMERS)))
    with pytest.raises(DeliveryError) as refused:
        adapter(wecom).send(several())
    assert refused.value.permanent and refused.value.code == "wecom:fail_list"


def test_each_recipient_is_settled_on_its_own() -> None:
    wecom = ScriptedWeCom()
    rows = [{"external_userid": "wmA", "status": 1}, {"external_userid": "wmB", "status": 0}]
    wecom.queue(SEND_RESULT, ok(send_list=rows))
    progress = adapter(wecom).poll(several(), Receipt(ref="msgA"))
    assert progress.state is DeliveryState.pending
    assert {r: p.state for r, p in progress.each.items()} == {
        "wmA": DeliveryState.delivered,
        "wmB": DeliveryState.pending,
        "wmC": DeliveryState.failed,  # refused at the send (fail_list): not in the result
    }
    assert progress.each["wmC"].code == "wecom:missing"


def test_settled_when_none_is_pending() -> None:
    each = {"a": Progress(DeliveryState.delivered), "b": Progress(DeliveryState.failed, over_allowance=True)}
    assert overall(each).state is DeliveryState.delivered
    assert overall({**each, "c": Progress(DeliveryState.pending)}).state is DeliveryState.pending


def test_a_repeat_is_found_by_any_of_its_customers() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(LIST, ok(group_msg_list=[{"msgid": "msgA", "text": {"content": "会员日快乐"}}], next_cursor=""))
    wecom.queue(SEND_RESULT, ok(send_list=[{"external_userid": "wmB", "status": 0}]))
    assert adapter(wecom).find(several(), since_s=1_799_999_000) == Receipt(ref="msgA")


def test_more_than_wecom_takes_in_one_call_is_refused_before_calling() -> None:
    wecom = ScriptedWeCom()
    too_many = several(*(f"wm{n}" for n in range(MAX_RECIPIENTS + 1)))
    with pytest.raises(DeliveryError) as refused:
        adapter(wecom).send(too_many)
    assert refused.value.permanent and wecom.bodies(ADD) == []
