"""poll: whether the staff member sent the mass send to our recipient, or posted the moment."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Person, Progress, Purpose, Receipt
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

SEND_RESULT = "/cgi-bin/externalcontact/get_groupmsg_send_result"
MOMENT_TASK_RESULT = "/cgi-bin/externalcontact/get_moment_task_result"


def outgoing(channel: str = "private", **changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "key": "task:7:send",
        "purpose": Purpose.send,
        "channel": channel,
        "text": "hi",
        "staff": Person("zhangsan"),
        "customer": Person("wmCustomer1"),
        "group": Person("wrGroup1"),
    }
    values.update(changes)
    return Outgoing(**values)


def poll(wecom: ScriptedWeCom, item: Outgoing, ref: str | None) -> Progress:
    return WeComAdapter(settings(), client=wecom.client()).poll(item, Receipt(ref=ref))


def customer_status(status: int) -> dict[str, Any]:
    return ok(
        send_list=[{"external_userid": "wmOther", "status": 1}, {"external_userid": "wmCustomer1", "status": status}]
    )


def test_not_yet_sent_is_pending() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, customer_status(0))
    assert poll(wecom, outgoing(), "msgA") == Progress(DeliveryState.pending)
    assert wecom.bodies(SEND_RESULT) == [{"msgid": "msgA", "userid": "zhangsan", "limit": 1000, "cursor": ""}]


def test_sent_is_delivered() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, customer_status(1))
    assert poll(wecom, outgoing(), "msgA").state is DeliveryState.delivered


def test_not_a_friend_fails() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, customer_status(2))
    progress = poll(wecom, outgoing(), "msgA")
    assert progress.state is DeliveryState.failed
    assert progress.code == "wecom:status2"
    assert progress.reason and "friend" in progress.reason
    assert not progress.over_allowance


def test_over_the_monthly_allowance_fails_marked() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, customer_status(3))
    progress = poll(wecom, outgoing(), "msgA")
    assert progress.state is DeliveryState.failed
    assert progress.over_allowance
    assert progress.reason == "客户本月已收到群发上限 (the customer already had this month's mass sends)"


def test_our_customer_on_a_later_page() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(
        SEND_RESULT,
        ok(next_cursor="p2", send_list=[{"external_userid": "wmOther", "status": 1}]),
        ok(send_list=[{"external_userid": "wmCustomer1", "status": 1}]),
    )
    assert poll(wecom, outgoing(), "msgA").state is DeliveryState.delivered


def test_a_recipient_missing_from_the_result_fails() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, ok(send_list=[{"external_userid": "wmOther", "status": 1}]))
    progress = poll(wecom, outgoing(), "msgA")
    assert progress.state is DeliveryState.failed
    assert progress.code == "wecom:missing"


def test_a_group_is_looked_up_by_chat_id() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, ok(send_list=[{"chat_id": "wrGroup1", "status": 1}]))
    assert poll(wecom, outgoing("group"), "msgG").state is DeliveryState.delivered


def test_an_unknown_status_is_a_transient_error() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(SEND_RESULT, customer_status(9))
    with pytest.raises(DeliveryError) as raised:
        poll(wecom, outgoing(), "msgA")
    assert not raised.value.permanent


@pytest.mark.parametrize("status", [1, 2])
def test_a_running_moment_task_is_pending(status: int) -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MOMENT_TASK_RESULT, ok(status=status, type="add_moment_task"))
    assert poll(wecom, outgoing("moments"), "moment-job:job9").state is DeliveryState.pending
    call = wecom.calls_to(MOMENT_TASK_RESULT)[0]
    assert call.method == "GET"
    assert call.params["jobid"] == "job9"


def test_a_finished_moment_task_is_delivered() -> None:
    wecom = ScriptedWeCom()
    result = {"errcode": 0, "errmsg": "ok", "moment_id": "mo1", "invalid_sender_list": {"user_list": ["someone"]}}
    wecom.queue(MOMENT_TASK_RESULT, ok(status=3, result=result))
    assert poll(wecom, outgoing("moments"), "moment-job:job9").state is DeliveryState.delivered


def test_a_moment_the_staff_member_may_not_post_fails() -> None:
    wecom = ScriptedWeCom()
    result = {"errcode": 0, "errmsg": "ok", "moment_id": "mo1", "invalid_sender_list": {"user_list": ["zhangsan"]}}
    wecom.queue(MOMENT_TASK_RESULT, ok(status=3, result=result))
    progress = poll(wecom, outgoing("moments"), "moment-job:job9")
    assert progress.state is DeliveryState.failed
    assert progress.code == "wecom:invalid_sender"


def test_a_moment_task_that_finished_with_an_error_fails() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MOMENT_TASK_RESULT, ok(status=3, result={"errcode": 40058, "errmsg": "invalid parameter"}))
    progress = poll(wecom, outgoing("moments"), "moment-job:job9")
    assert progress.state is DeliveryState.failed
    assert progress.code == "wecom:40058"


def test_a_moment_found_in_the_list_is_delivered_without_a_call() -> None:
    wecom = ScriptedWeCom()
    assert poll(wecom, outgoing("moments"), "moment:mo1").state is DeliveryState.delivered
    assert wecom.calls == []


def test_app_messages_are_delivered_without_a_call() -> None:
    wecom = ScriptedWeCom()
    assert poll(wecom, outgoing(purpose=Purpose.remind), "app1").state is DeliveryState.delivered
    assert wecom.calls == []


@pytest.mark.parametrize(("channel", "ref"), [("private", None), ("moments", "weird:1"), ("sms", "x")])
def test_a_receipt_wecom_cannot_answer_for_is_permanent(channel: str, ref: str | None) -> None:
    with pytest.raises(DeliveryError) as raised:
        poll(ScriptedWeCom(), outgoing(channel), ref)
    assert raised.value.permanent


def test_close_closes_the_client() -> None:
    wecom = ScriptedWeCom()
    client = wecom.client()
    WeComAdapter(settings(), client=client).close()
    with pytest.raises(DeliveryError, match="closed"):
        client.call("contact", "GET", MOMENT_TASK_RESULT, params={"jobid": "j"})
