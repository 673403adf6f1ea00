"""send of a moment: the resolved visible_to becomes visible_range.external_contact_list.tag_list;
what WeCom cannot be told is refused before any call, as a reminder with where and why."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose
from siyu.channels.wecom.adapter import WeComAdapter
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

ADD_MOMENT_TASK = "/cgi-bin/externalcontact/add_moment_task"


def moment(visible_to: Any = None) -> Outgoing:
    extra = {} if visible_to is None else {"visible_to": visible_to}
    return Outgoing(
        key="task:9:send", purpose=Purpose.send, channel="moments", text="早安", staff=Person("zhangsan"), extra=extra
    )


def send(item: Outgoing) -> ScriptedWeCom:
    wecom = ScriptedWeCom()
    wecom.queue(ADD_MOMENT_TASK, ok(jobid="job1"))
    WeComAdapter(settings(), client=wecom.client()).send(item)
    return wecom


def test_without_visible_to_the_moment_names_no_tags() -> None:
    (body,) = send(moment()).bodies(ADD_MOMENT_TASK)
    assert body["visible_range"] == {"sender_list": {"user_list": ["zhangsan"]}}


def test_the_tags_ids_go_in_tag_list_each_once() -> None:
    (body,) = send(moment({"tags": {"会员": ["etA", "etB"], "宠物主": ["etC", "etA"]}})).bodies(ADD_MOMENT_TASK)
    assert body["visible_range"] == {
        "sender_list": {"user_list": ["zhangsan"]},
        "external_contact_list": {"tag_list": ["etA", "etB", "etC"]},
    }


@pytest.mark.parametrize(
    ("visible_to", "code", "said"),
    [
        ({"tags": {"会员": ["etA"], "钻石会员": []}}, "wecom:unknown_tag", "visible_to: 标签「钻石会员」"),
        ({"tags": {}}, "wecom:unknown_tag", "visible_to:"),
        ({"problem": "visible_to: cannot say not"}, "wecom:visible_to", "visible_to: cannot say not"),
    ],
)
def test_what_wecom_cannot_be_told_is_a_reminder_before_any_call(visible_to: Any, code: str, said: str) -> None:
    wecom = ScriptedWeCom()
    with pytest.raises(DeliveryError) as raised:
        WeComAdapter(settings(), client=wecom.client()).send(moment(visible_to))
    assert raised.value.permanent and raised.value.remind_instead and raised.value.code == code
    assert raised.value.message.startswith(said)
    assert wecom.bodies(ADD_MOMENT_TASK) == []
