"""Decrypted WeCom callbacks → siyu events. The XML follows WeCom's documented examples
(客户联系 → 回调通知 → 事件格式, developer.work.weixin.qq.com/document/path/92130: 添加企业客户事件,
外部联系人免验证添加成员事件, 编辑/删除企业客户事件, 删除跟进成员事件, 客户接替失败事件, 客户群创建/变更/解散事件,
企业客户标签事件), with their field names and values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from siyu.channels.wecom.callback_events import CallbackOutcome, events_from_callback
from siyu.channels.wecom.crypto import CallbackCrypto, CallbackError, Reason, parse_envelope

CORP = "ww55ca070cb9b7eb22"
CREATED = "1403610513"
AT = "2014-06-24T19:48:33+08:00"  # 1403610513 in China
CUSTOMER = "woAJ2GCAAAXtWyujaWJHDDGi0mACH71w"
CHAT = "wrx7HUARsKwGRaQBVKPBTcEyzdHA4HrQ"


def callback(event: str, fields: str, *, msg_type: str = "event", to: str = CORP) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{CREATED}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{fields}</xml>"
    )


def contact(change: str, extra: str = "", *, staff: str = "zhangsan", customer: str = CUSTOMER) -> str:
    return callback(
        "change_external_contact",
        f"<ChangeType><![CDATA[{change}]]></ChangeType><UserID><![CDATA[{staff}]]></UserID>"
        f"<ExternalUserID><![CDATA[{customer}]]></ExternalUserID>{extra}",
    )


def chat(change: str, extra: str = "") -> str:
    return callback(
        "change_external_chat",
        f"<ChatId><![CDATA[{CHAT}]]></ChatId><ChangeType><![CDATA[{change}]]></ChangeType>{extra}",
    )


def members(detail: str, ids: list[str], scene: str) -> str:
    items = "".join(f"<Item><![CDATA[{i}]]></Item>" for i in ids)
    return (
        f"<UpdateDetail><![CDATA[{detail}]]></UpdateDetail>{scene}<MemChangeCnt>{len(ids)}</MemChangeCnt>"
        f"<MemChangeList>{items}</MemChangeList>"
        "<LastMemVer>9c3f97c2ada667dfb5f6d03308d963e1</LastMemVer><CurMemVer>71217227bbd112ecfe3a49c482195cb4</CurMemVer>"
    )


def outcome(xml_text: str, **kwargs: Any) -> CallbackOutcome:
    return events_from_callback(xml_text, corp_id=CORP, **kwargs)


# ---- customer contact ----


def test_add_external_contact_is_friend_added() -> None:
    result = outcome(
        contact(
            "add_external_contact",
            "<State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>",
        )
    )
    assert result == CallbackOutcome(
        events=(
            {
                "id": f"wecom:add_external_contact:zhangsan:{CUSTOMER}:{CREATED}",
                "type": "friend_added",
                "at": AT,
                "customer": CUSTOMER,
                "group": None,
                "properties": {"staff": "zhangsan", "channel": "teststate", "has_welcome_code": True},
            },
        ),
        customers=({"id": CUSTOMER, "owner": "zhangsan"},),
        profiles=(CUSTOMER,),
    )


@pytest.mark.parametrize(
    ("change", "fetched"),
    [
        ("add_external_contact", True),
        ("add_half_external_contact", True),
        ("edit_external_contact", True),
        ("del_external_contact", False),
        ("del_follow_user", False),
    ],
)
def test_new_and_edited_contacts_list_their_profile_to_fetch(change: str, fetched: bool) -> None:
    assert outcome(contact(change, "")).profiles == ((CUSTOMER,) if fetched else ())


def test_without_state_or_welcome_code_the_properties_say_only_the_staff() -> None:
    (event,) = outcome(contact("add_external_contact", "<State></State>")).events
    assert event["properties"] == {"staff": "zhangsan"}


def test_add_half_external_contact_is_a_half_friend_added() -> None:
    result = outcome(contact("add_half_external_contact", "<State><![CDATA[poster]]></State>"))
    (event,) = result.events
    assert event["type"] == "friend_added"
    assert event["id"] == f"wecom:add_half_external_contact:zhangsan:{CUSTOMER}:{CREATED}"
    assert event["properties"] == {"staff": "zhangsan", "channel": "poster", "half": True}
    assert result.customers == ({"id": CUSTOMER, "owner": "zhangsan"},)


def test_del_external_contact_is_friend_deleted_by_the_staff_member() -> None:
    result = outcome(contact("del_external_contact"))
    (event,) = result.events
    assert (event["type"], event["customer"], event["group"], event["at"]) == ("friend_deleted", CUSTOMER, None, AT)
    assert event["id"] == f"wecom:del_external_contact:zhangsan:{CUSTOMER}:{CREATED}"
    assert event["properties"] == {"staff": "zhangsan", "by_staff": True}
    assert result.ignored is None


def test_a_deletion_by_customer_transfer_is_not_by_the_staff_member() -> None:
    (event,) = outcome(contact("del_external_contact", "<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>")).events
    assert event["properties"] == {"staff": "zhangsan", "by_transfer": True, "source": "DELETE_BY_TRANSFER"}


def test_del_follow_user_is_friend_deleted_by_the_customer() -> None:
    (event,) = outcome(contact("del_follow_user")).events
    assert event["type"] == "friend_deleted"
    assert event["id"] == f"wecom:del_follow_user:zhangsan:{CUSTOMER}:{CREATED}"
    assert event["properties"] == {"staff": "zhangsan", "by_customer": True}


def test_edit_external_contact_gives_no_event_but_lists_the_customer() -> None:
    result = outcome(contact("edit_external_contact"))
    assert result.events == ()
    assert result.customers == ({"id": CUSTOMER, "owner": "zhangsan"},)
    assert result.ignored is not None and "edit_external_contact" in result.ignored


def test_transfer_fail_is_ignored_with_its_reason() -> None:
    result = outcome(contact("transfer_fail", "<FailReason><![CDATA[customer_refused]]></FailReason>"))
    assert (result.events, result.customers) == ((), ())
    assert result.ignored is not None and "transfer_fail (customer_refused)" in result.ignored


def test_an_unknown_change_type_is_ignored_by_name() -> None:
    result = outcome(contact("msg_audit_approved"))
    assert result.events == ()
    assert result.ignored is not None and "msg_audit_approved" in result.ignored


def test_a_retried_callback_gives_the_same_event_and_a_later_one_another() -> None:
    first = outcome(contact("add_external_contact")).events[0]
    assert outcome(contact("add_external_contact")).events[0] == first
    later = outcome(contact("add_external_contact").replace(CREATED, "1403610600")).events[0]
    assert later["id"] != first["id"]


def test_an_id_too_long_for_siyu_becomes_a_digest() -> None:
    staff = "s" * 64  # a UserID may have 64 characters
    (event,) = outcome(contact("add_half_external_contact", staff=staff)).events
    assert event["id"].startswith("wecom:add_half_external_contact:sha256:")
    assert len(event["id"]) <= 128
    (other,) = outcome(contact("add_half_external_contact", staff="t" * 64)).events
    assert other["id"] != event["id"]


def test_the_instant_is_create_time_in_china_time() -> None:
    (event,) = outcome(contact("add_external_contact")).events
    moment = datetime.fromisoformat(event["at"])
    assert int(moment.timestamp()) == int(CREATED)
    assert event["at"].endswith("+08:00")


# ---- customer groups ----


def test_create_is_group_created() -> None:
    result = outcome(chat("create"))
    assert result == CallbackOutcome(
        events=(
            {
                "id": f"wecom:chat_create:{CHAT}:{CREATED}",
                "type": "group_created",
                "at": AT,
                "customer": None,
                "group": CHAT,
                "properties": {},
            },
        ),
        groups=({"id": CHAT},),
    )


def test_dismiss_is_group_dismissed() -> None:
    (event,) = outcome(chat("dismiss")).events
    assert (event["type"], event["group"], event["customer"]) == ("group_dismissed", CHAT, None)
    assert event["id"] == f"wecom:chat_dismiss:{CHAT}:{CREATED}"


def test_add_member_is_one_event_per_member_staff_apart() -> None:
    wm = "wmAJ2GCAAAXtWyujaWJHDDGi0mACH71w"
    result = outcome(chat("update", members("add_member", [CUSTOMER, "lisi", wm], "<JoinScene>3</JoinScene>")))
    assert [e["type"] for e in result.events] == ["group_joined", "staff_joined_group", "group_joined"]
    assert [e["customer"] for e in result.events] == [CUSTOMER, None, wm]
    assert [e["group"] for e in result.events] == [CHAT] * 3
    assert [e["id"] for e in result.events] == [
        f"wecom:chat_add_member:{CHAT}:{CUSTOMER}:{CREATED}",
        f"wecom:chat_add_member:{CHAT}:lisi:{CREATED}",
        f"wecom:chat_add_member:{CHAT}:{wm}:{CREATED}",
    ]
    assert [e["properties"] for e in result.events] == [
        {"join_scene": 3, "via": "qr_code"},
        {"join_scene": 3, "via": "qr_code", "staff": "lisi"},
        {"join_scene": 3, "via": "qr_code"},
    ]
    assert result.customers == ({"id": CUSTOMER}, {"id": wm})  # no owner: joining a group names none
    assert result.groups == ({"id": CHAT},)
    assert result.ignored is None


def test_an_invitation_join_says_so_and_an_unknown_scene_keeps_its_number() -> None:
    (invited,) = outcome(chat("update", members("add_member", [CUSTOMER], "<JoinScene>0</JoinScene>"))).events
    assert invited["properties"] == {"join_scene": 0, "via": "invitation"}
    (other,) = outcome(chat("update", members("add_member", [CUSTOMER], "<JoinScene>7</JoinScene>"))).events
    assert other["properties"] == {"join_scene": 7}


def test_known_staff_ids_are_staff_even_when_they_look_external() -> None:
    result = outcome(chat("update", members("add_member", ["wolfgang", CUSTOMER], "")), staff_ids={"wolfgang"})
    assert [e["customer"] for e in result.events] == [None, CUSTOMER]
    assert result.events[0]["properties"] == {"staff": "wolfgang"}
    assert result.customers == ({"id": CUSTOMER},)


def test_del_member_is_one_event_per_member_staff_apart() -> None:
    result = outcome(chat("update", members("del_member", [CUSTOMER, "lisi"], "<QuitScene>1</QuitScene>")))
    assert [e["type"] for e in result.events] == ["group_left", "staff_left_group"]
    assert [e["id"] for e in result.events] == [
        f"wecom:chat_del_member:{CHAT}:{CUSTOMER}:{CREATED}",
        f"wecom:chat_del_member:{CHAT}:lisi:{CREATED}",
    ]
    assert [e["properties"] for e in result.events] == [
        {"quit_scene": 1, "removed": True},
        {"quit_scene": 1, "removed": True, "staff": "lisi"},
    ]
    assert result.customers == ({"id": CUSTOMER},)


def test_leaving_by_oneself_is_not_removed() -> None:
    (event,) = outcome(chat("update", members("del_member", [CUSTOMER], "<QuitScene>0</QuitScene>"))).events
    assert event["properties"] == {"quit_scene": 0, "removed": False}


def test_the_older_comma_separated_member_list_is_read_and_repeats_dropped() -> None:
    fields = (
        "<UpdateDetail>add_member</UpdateDetail><JoinScene>0</JoinScene><MemChangeCnt>2</MemChangeCnt>"
        f"<MemChangeList><![CDATA[{CUSTOMER},lisi,{CUSTOMER}]]></MemChangeList>"
    )
    result = outcome(chat("update", fields))
    assert [e["customer"] for e in result.events] == [CUSTOMER, None]


def test_a_member_change_without_its_list_names_nobody() -> None:
    result = outcome(chat("update", "<UpdateDetail>add_member</UpdateDetail><MemChangeCnt>4</MemChangeCnt>"))
    assert result.events == ()
    assert result.groups == ({"id": CHAT},)
    assert result.ignored is not None and "4 member(s)" in result.ignored


@pytest.mark.parametrize("detail", ["change_owner", "change_name", "change_notice"])
def test_other_group_updates_are_ignored_but_list_the_group(detail: str) -> None:
    result = outcome(chat("update", f"<UpdateDetail><![CDATA[{detail}]]></UpdateDetail>"))
    assert result.events == ()
    assert result.groups == ({"id": CHAT},)
    assert result.ignored is not None and detail in result.ignored


# ---- what siyu does not use ----


def test_tag_changes_are_ignored() -> None:
    xml_text = callback(
        "change_external_tag",
        "<Id><![CDATA[TAG_ID]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType>",
    )
    result = outcome(xml_text)
    assert result.events == ()
    assert result.ignored is not None and "change_external_tag" in result.ignored


def test_a_text_message_to_the_app_is_ignored() -> None:
    xml_text = (
        f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName>"
        "<CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content>"
        "<MsgId>4561255354251345929</MsgId><AgentID>218</AgentID></xml>"
    )
    result = outcome(xml_text)
    assert result == CallbackOutcome(ignored="MsgType text: messages to the app are not customer events")


def test_an_unknown_event_is_ignored_by_name() -> None:
    result = outcome(callback("enter_agent", "<EventKey></EventKey>"))
    assert result.events == ()
    assert result.ignored is not None and "enter_agent" in result.ignored


# ---- through the crypto ----


def test_a_sealed_callback_opens_to_its_events() -> None:
    crypto = CallbackCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", CORP)
    plain = contact("add_external_contact", "<State><![CDATA[store-12]]></State>")
    encrypted, signature = crypto.encrypt(plain, nonce="1372623149", timestamp=CREATED)
    body = f"<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    opened = crypto.decrypt(signature, CREATED, "1372623149", parse_envelope(body).encrypt)
    (event,) = outcome(opened).events
    assert (event["type"], event["customer"], event["properties"]["channel"]) == ("friend_added", CUSTOMER, "store-12")


# ---- refusals ----


def test_a_callback_for_another_corp_is_refused() -> None:
    with pytest.raises(CallbackError, match="'wwother'") as caught:
        outcome(contact("add_external_contact").replace(CORP, "wwother"))
    assert caught.value.reason is Reason.event


@pytest.mark.parametrize(
    "xml_text",
    [
        "<xml><ToUserName>",
        "not xml",
        "<root/>",
        '<!DOCTYPE x [<!ENTITY e "e">]><xml><ToUserName>&e;</ToUserName></xml>',
    ],
)
def test_malformed_xml_is_refused(xml_text: str) -> None:
    with pytest.raises(CallbackError) as caught:
        outcome(xml_text)
    assert caught.value.reason is Reason.xml


@pytest.mark.parametrize(
    ("xml_text", "says"),
    [
        (contact("add_external_contact", customer=""), "change_external_contact: <ExternalUserID> is missing"),
        (contact("del_follow_user", staff=""), "change_external_contact: <UserID> is missing"),
        (contact("add_external_contact").replace(CREATED, "yesterday"), "<CreateTime> must be unix seconds"),
        (contact("add_external_contact").replace(f"<CreateTime>{CREATED}</CreateTime>", ""), "<CreateTime> is missing"),
        (chat("create").replace(CHAT, ""), "change_external_chat: <ChatId> is missing"),
        (chat("update"), "change_external_chat: <UpdateDetail> is missing"),
        (chat("update", members("add_member", [CUSTOMER], "<JoinScene>x</JoinScene>")), "<JoinScene> must be a number"),
        (callback("change_external_contact", ""), "<ChangeType> is missing"),
        (contact("add_external_contact").replace("<MsgType><![CDATA[event]]></MsgType>", ""), "<MsgType> is missing"),
        ("<xml><MsgType>event</MsgType></xml>", "<ToUserName> is missing"),
    ],
)
def test_an_event_without_the_fields_it_needs_is_refused(xml_text: str, says: str) -> None:
    with pytest.raises(CallbackError) as caught:
        outcome(xml_text)
    assert caught.value.reason is Reason.event
    assert says in str(caught.value)
