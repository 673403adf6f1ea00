"""Reminders and digests: app messages to the staff member, with WeCom's duplicate check on."""

from __future__ import annotations

from typing import Any

import pytest

from siyu.channels.base import DeliveryError, Outgoing, Person, Purpose, Receipt
from siyu.channels.wecom.adapter import TEXTCARD_DESCRIPTION_BYTES, WeComAdapter, truncate_utf8
from tests.unit.channels.wecom.wecom_mock import ScriptedWeCom, ok, settings

MESSAGE_SEND = "/cgi-bin/message/send"
STAFF = Person("zhangsan", "张三")


def reminder(**changes: Any) -> Outgoing:
    values: dict[str, Any] = {
        "key": "task:42:remind",
        "purpose": Purpose.remind,
        "channel": "private",
        "text": "给李女士发会员福利",
        "task_id": 42,
        "staff": STAFF,
        "customer": Person("wmC"),
        "title": "待办：会员福利",
        "link": "https://siyu.test/m/tasks/42",
    }
    values.update(changes)
    return Outgoing(**values)


def adapter(wecom: ScriptedWeCom, **changes: Any) -> WeComAdapter:
    return WeComAdapter(settings(**changes), client=wecom.client(settings(**changes)))


def test_a_reminder_is_a_textcard_with_the_task_link_and_duplicate_check() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(invaliduser="", msgid="app1"))
    assert adapter(wecom).send(reminder()) == Receipt(ref="app1", delivered=True)
    assert wecom.bodies(MESSAGE_SEND) == [
        {
            "touser": "zhangsan",
            "agentid": 1000002,
            "msgtype": "textcard",
            "textcard": {
                "title": "待办：会员福利",
                "description": "给李女士发会员福利",
                "url": "https://siyu.test/m/tasks/42",
                "btntxt": "详情",
            },
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 14400,
        }
    ]


@pytest.mark.parametrize("channel", ["private", "group", "moments", "sms", "internal"])
def test_a_reminder_goes_to_the_staff_member_whatever_the_steps_channel(channel: str) -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(msgid="app1"))
    assert adapter(wecom).send(reminder(channel=channel)).delivered


def test_a_digest_without_a_link_points_at_siyu() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(msgid="d1"))
    digest = reminder(purpose=Purpose.digest, key="digest:zhangsan:2026-06-01", title="", link=None, text="3 项待办")
    adapter(wecom).send(digest)
    card = wecom.bodies(MESSAGE_SEND)[0]["textcard"]
    assert card == {"title": "今日任务", "description": "3 项待办", "url": "https://siyu.test", "btntxt": "详情"}


def test_without_any_link_the_reminder_is_plain_text() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(msgid="t1"))
    adapter(wecom, public_url="").send(reminder(link=None))
    body = wecom.bodies(MESSAGE_SEND)[0]
    assert body["msgtype"] == "text"
    assert body["text"] == {"content": "待办：会员福利\n给李女士发会员福利"}
    assert "textcard" not in body
    assert body["enable_duplicate_check"] == 1


def test_a_long_description_is_cut_to_512_bytes_on_a_character_boundary() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(msgid="t1"))
    text = "福利" * 200  # 1200 bytes
    adapter(wecom).send(reminder(text=text))
    description = wecom.bodies(MESSAGE_SEND)[0]["textcard"]["description"]
    assert len(description.encode()) <= TEXTCARD_DESCRIPTION_BYTES
    assert description.endswith("…")
    assert text.startswith(description[:-1])
    assert len(description.encode()) > TEXTCARD_DESCRIPTION_BYTES - 6


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("abcdefghijk", 10, "abcdefg…"),
        ("汉字汉字", 9, "汉字…"),
        ("汉字汉字", 8, "汉…"),
        ("😀😀😀", 8, "😀…"),
        ("😀😀😀", 6, "…"),
    ],
)
def test_truncate_utf8(text: str, limit: int, expected: str) -> None:
    cut = truncate_utf8(text, limit)
    assert cut == expected
    assert len(cut.encode()) <= limit


def test_the_staff_member_among_invalid_users_is_permanent() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(invaliduser="ghost|zhangsan", msgid="x"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom).send(reminder())
    assert raised.value.permanent
    assert raised.value.code == "wecom:invaliduser"


def test_an_unlicensed_staff_member_is_permanent() -> None:
    wecom = ScriptedWeCom()
    wecom.queue(MESSAGE_SEND, ok(unlicenseduser="zhangsan", msgid="x"))
    with pytest.raises(DeliveryError) as raised:
        adapter(wecom).send(reminder())
    assert raised.value.permanent
    assert raised.value.code == "wecom:unlicensed"


def test_a_reminder_without_app_settings_is_permanent_and_named() -> None:
    wecom = ScriptedWeCom()
    with pytest.raises(DeliveryError, match="agent_id") as raised:
        adapter(wecom, agent_id=None).send(reminder())
    assert raised.value.permanent
    assert wecom.calls == []


def test_find_and_poll_need_no_call_for_app_messages() -> None:
    wecom = ScriptedWeCom()
    wecom_adapter = adapter(wecom)
    assert wecom_adapter.find(reminder(), since_s=1_700_000_000) is None
    assert wecom_adapter.poll(reminder(), Receipt(ref="app1", delivered=True)).state == "delivered"
    assert wecom.calls == []
