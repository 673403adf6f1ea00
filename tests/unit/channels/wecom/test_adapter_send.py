"""send: customer and group mass sends and moments, asserted on the JSON WeCom received."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose, Receipt
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, error, ok, settings

ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
ADD_MOMENT_TASK = "/cgi-bin/externalcontact/add_moment_task"
STAFF = Person("zhangsan", "张三")
CUSTOMER = Person("wmCustomer1", "李女士")
GROUP = Person("wrGroup1", "会员群")


def outgoing(channel: str, **changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "key": "task:7:send",
        "purpose": Purpose.send,
        "channel": channel,
        "text": "亲，会员福利到账啦～",
        "task_id": 7,
        "staff": STAFF,
        "customer": CUSTOMER,
        "group": GROUP,
    }
    values.update(changes)
    return Outgoing(**values)


def adapter(wecom: ScriptedWeCom) -> WeComAdapter:
    return WeComAdapter(settings(), client=wecom.client(), wall=lambda: 1_800_000_000.0)


def test_a_private_send_is_a_single_mass_send_task_for_the_staff_member() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok(fail_list=[], msgid="msgA"))
    item = outgoing("private", materials=({"type": "image", "media_id": "MEDIA1"},))
    assert adapter(wecom).send(item) == Receipt(ref="msgA", delivered=False)
    assert wecom.bodies(ADD_MSG_TEMPLATE) == [
        {
            "chat_type": "single",
            "external_userid": ["wmCustomer1"],
            "sender": "zhangsan",
            "allow_select": False,
            "text": {"content": "亲，会员福利到账啦～"},
            "attachments": [{"msgtype": "image", "image": {"media_id": "MEDIA1"}}],
        }
    ]


def test_a_group_send_names_the_chat() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok(msgid="msgG"))
    assert adapter(wecom).send(outgoing("group", customer=None)).ref == "msgG"
    assert wecom.bodies(ADD_MSG_TEMPLATE) == [
        {
            "chat_type": "group",
            "chat_id_list": ["wrGroup1"],
            "sender": "zhangsan",
            "allow_select": False,
            "text": {"content": "亲，会员福利到账啦～"},
        }
    ]


def test_a_customer_on_the_fail_list_is_permanent() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok(fail_list=["wmCustomer1"], msgid="msgX"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom).send(outgoing("private"))
    assert raised.value.permanent
    assert raised.value.code == "wecom:fail_list"
    assert "not this staff member's contact" in raised.value.message


def test_another_customer_on_the_fail_list_does_not_fail_ours() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok(fail_list=["wmSomeoneElse"], msgid="msgY"))
    assert adapter(wecom).send(outgoing("private")).ref == "msgY"


def test_an_ok_without_a_msgid_is_in_doubt() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, ok())
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom).send(outgoing("private"))
    assert not raised.value.permanent
    assert raised.value.in_doubt


def test_a_wecom_error_passes_through_classified() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MSG_TEMPLATE, error(40096, "invalid external userid"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom).send(outgoing("private"))
    assert raised.value.permanent
    assert raised.value.code == "wecom:40096"


def test_a_moment_is_a_moment_task_visible_to_the_staff_members_customers() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MOMENT_TASK, ok(jobid="job9"))
    item = outgoing(
        "moments", customer=None, group=None, materials=({"link": {"title": "直播间", "url": "https://l.test/live"}},)
    )
    assert adapter(wecom).send(item) == Receipt(ref="moment-job:job9", delivered=False)
    assert wecom.bodies(ADD_MOMENT_TASK) == [
        {
            "text": {"content": "亲，会员福利到账啦～"},
            "attachments": [{"msgtype": "link", "link": {"title": "直播间", "url": "https://l.test/live"}}],
            "visible_range": {"sender_list": {"user_list": ["zhangsan"]}},
        }
    ]


@pytest.mark.parametrize("channel", ["sms", "internal", "email"])
def test_other_channels_are_refused_without_a_call(channel: str) -> None:
    wecom = ScriptedWeCom()
    with pytest.raises(DeliveryError, match=f"WeCom cannot send channel {channel}") as raised:
        adapter(wecom).send(outgoing(channel))
    assert raised.value.permanent
    assert wecom.calls == []


@pytest.mark.parametrize(
    ("channel", "changes", "role"),
    [
        ("private", {"customer": None}, "customer"),
        ("private", {"staff": None}, "staff member"),
        ("group", {"group": Person("")}, "group"),
        ("moments", {"staff": None}, "staff member"),
    ],
)
def test_a_missing_person_is_permanent(channel: str, changes: dict[str, Any], role: str) -> None:
    wecom = ScriptedWeCom()
    with pytest.raises(DeliveryError, match=role) as raised:
        adapter(wecom).send(outgoing(channel, **changes))
    assert raised.value.permanent
    assert wecom.calls == []
