"""WeCom's callback URL: the URL check answers the decrypted echostr; signed callbacks create the
customers and groups siyu does not know and store their events once; unsigned, replayed, foreign
or malformed calls are refused without writing anything; an unconfigured channel answers 503."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from siyu.channels import stored as channels
from siyu.channels.wecom.crypto import CallbackCrypto
from siyu.core.timeutil import to_us
from siyu.store.tables import chat_groups, customers, events
from tests.support.web import Web

URL = "/api/v1/channels/wecom/callback"
# WeCom's documented sample (加解密方案说明)
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
SAMPLE_CHECK = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
NEW_CUSTOMER = "wmNewFriend0001"


def _configure(web: Web, *, enabled: bool = True, secrets: dict[str, str | None] | None = None) -> None:
    with web.engine.begin() as conn:
        channels.save(
            conn,
            "wecom",
            enabled=enabled,
            settings={"corp_id": CORP_ID},
            secrets=secrets if secrets is not None else {"callback_token": TOKEN, "callback_aes_key": AES_KEY},
            now_us=to_us(web.now),
        )


def _now_s(web: Web) -> str:
    return str(to_us(web.now) // 1_000_000)


def _contact(change: str, *, staff: str, customer: str, created: str = "1795141800") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[change_external_contact]]></Event>"
        f"<ChangeType><![CDATA[{change}]]></ChangeType><UserID><![CDATA[{staff}]]></UserID>"
        f"<ExternalUserID><![CDATA[{customer}]]></ExternalUserID><State><![CDATA[store-qr]]></State>"
        "<WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>"
    )


def _members_joined(chat: str, *members: str) -> str:
    items = "".join(f"<Item><![CDATA[{m}]]></Item>" for m in members)
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        "<CreateTime>1795141900</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[" + chat + "]]></ChatId>"
        "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail>"
        f"<JoinScene>3</JoinScene><MemChangeCnt>{len(members)}</MemChangeCnt>"
        f"<MemChangeList>{items}</MemChangeList></xml>"
    )


def _post(
    web: Web,
    plaintext: str,
    *,
    timestamp: str | None = None,
    crypto: CallbackCrypto | None = None,
    signature: str | None = None,
    client: TestClient | None = None,
) -> Any:
    sealer = crypto or CallbackCrypto(TOKEN, AES_KEY, CORP_ID)
    stamp = timestamp or _now_s(web)
    encrypted, signed = sealer.encrypt(plaintext, nonce="1372623149", timestamp=stamp)
    envelope = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        "<AgentID><![CDATA[]]></AgentID></xml>"
    )
    params = {"msg_signature": signature or signed, "timestamp": stamp, "nonce": "1372623149"}
    return (client or web.client()).post(
        URL, params=params, content=envelope.encode(), headers={"Content-Type": "text/xml"}
    )


def _events(web: Web) -> list[tuple[Any, ...]]:
    query = (
        sa.select(events.c.external_id, events.c.type, customers.c.external_id, chat_groups.c.external_id)
        .add_columns(events.c.properties)
        .select_from(
            events.outerjoin(customers, customers.c.id == events.c.customer_id).outerjoin(
                chat_groups, chat_groups.c.id == events.c.group_id
            )
        )
        .where(events.c.external_id.like("wecom:%"))
        .order_by(events.c.id)
    )
    with web.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def _customer(web: Web, external_id: str) -> tuple[Any, ...] | None:
    with web.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT c.name, s.external_id FROM customers c LEFT JOIN staff s ON s.id = c.owner_id"
                " WHERE c.external_id = :id"
            ),
            {"id": external_id},
        ).first()
        return None if row is None else tuple(row)


def _groups(web: Web) -> list[str]:
    with web.engine.connect() as conn:
        return [str(g) for g in conn.execute(sa.text("SELECT external_id FROM chat_groups ORDER BY id")).scalars()]


def test_the_url_check_answers_wecoms_sample_echostr_as_plain_text(web: Web) -> None:
    _configure(web)
    web.now = datetime.fromtimestamp(1409659589 + 30, UTC)
    answer = web.client().get(URL, params=SAMPLE_CHECK)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "1616140317555161061"


def test_the_url_check_refuses_a_wrong_signature_and_a_stale_timestamp(web: Web) -> None:
    _configure(web)
    web.now = datetime.fromtimestamp(1409659589, UTC)
    forged = web.client().get(URL, params={**SAMPLE_CHECK, "msg_signature": "0" * 40})
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "wecom_signature"
    web.now = datetime.fromtimestamp(1409659589 + 301, UTC)
    stale = web.client().get(URL, params=SAMPLE_CHECK)
    assert stale.status_code == 403
    assert stale.json()["error"]["code"] == "wecom_timestamp"
    assert "+301 s from now" in stale.json()["error"]["message"]


def test_a_new_friend_creates_the_customer_with_its_owner_and_a_friend_added_event(web: Web) -> None:
    _configure(web)
    answer = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "success"
    assert _customer(web, NEW_CUSTOMER) == ("", "st1")
    assert _events(web) == [
        (
            f"wecom:add_external_contact:st1:{NEW_CUSTOMER}:1795141800",
            "friend_added",
            NEW_CUSTOMER,
            None,
            {"staff": "st1", "channel": "store-qr", "has_welcome_code": True},
        )
    ]


def test_the_same_callback_twice_stores_one_event_and_a_known_customer_keeps_its_owner(web: Web) -> None:
    _configure(web)
    callback = _contact("add_external_contact", staff="st1", customer="c3")  # c3 is st2's customer
    first = _post(web, callback)
    again = _post(web, callback)
    assert (first.status_code, first.text, again.status_code, again.text) == (200, "success", 200, "success")
    assert [(row[1], row[2]) for row in _events(web)] == [("friend_added", "c3")]
    assert _customer(web, "c3") == ("陈三", "st2")


def test_customers_joining_a_group_become_group_joined_and_unknown_ones_are_created(web: Web) -> None:
    _configure(web)
    answer = _post(web, _members_joined("wrNewChat01", "wmJoiner0001", "st2"))
    assert (answer.status_code, answer.text) == (200, "success")
    assert _groups(web) == ["g1", "wrNewChat01"]
    assert _customer(web, "wmJoiner0001") == ("", None)
    joined = [(row[1], row[2], row[3], row[4]) for row in _events(web)]
    assert joined == [
        ("group_joined", "wmJoiner0001", "wrNewChat01", {"join_scene": 3, "via": "qr_code"}),
        ("staff_joined_group", None, "wrNewChat01", {"join_scene": 3, "via": "qr_code", "staff": "st2"}),
    ]
    known = _post(web, _members_joined("g1", "wmJoiner0001"))
    assert known.status_code == 200
    assert _groups(web) == ["g1", "wrNewChat01"]
    assert [(row[2], row[3]) for row in _events(web)][-1] == ("wmJoiner0001", "g1")


def test_a_wrong_signature_is_refused_and_nothing_is_stored(web: Web) -> None:
    _configure(web)
    answer = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER), signature="f" * 40)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "wecom_signature"
    assert _customer(web, NEW_CUSTOMER) is None
    assert _events(web) == []


def test_a_stale_timestamp_is_refused(web: Web) -> None:
    _configure(web)
    stale = str(int(_now_s(web)) - 301)
    answer = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER), timestamp=stale)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "wecom_timestamp"
    assert _events(web) == []


def test_a_callback_sealed_for_another_corp_is_refused(web: Web) -> None:
    _configure(web)
    other = CallbackCrypto(TOKEN, AES_KEY, "wwOtherCorp")
    answer = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER), crypto=other)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "wecom_receive_id"
    assert _events(web) == []


def test_a_malformed_or_oversized_body_is_a_client_error(web: Web) -> None:
    _configure(web)
    params = {"msg_signature": "a" * 40, "timestamp": _now_s(web), "nonce": "1"}
    client = web.client()
    not_xml = client.post(URL, params=params, content=b"{not xml")
    assert not_xml.status_code == 400
    assert not_xml.json()["error"]["code"] == "wecom_xml"
    no_encrypt = client.post(URL, params=params, content=b"<xml><ToUserName>x</ToUserName></xml>")
    assert no_encrypt.status_code == 400
    assert "no <Encrypt>" in no_encrypt.json()["error"]["message"]
    huge = client.post(URL, params=params, content=b"<xml>" + b" " * 1_000_000 + b"</xml>")
    assert huge.status_code == 413
    missing = client.post(URL, params={"timestamp": _now_s(web)}, content=b"<xml/>")
    assert missing.status_code == 422
    assert {p["where"] for p in missing.json()["error"]["problems"]} == {"query.msg_signature", "query.nonce"}


def test_a_callback_siyu_has_no_use_for_is_acknowledged_and_stores_nothing(web: Web) -> None:
    _configure(web)
    message = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[st1]]></FromUserName>"
        "<CreateTime>1795141800</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[hello]]></Content><MsgId>1234567890</MsgId><AgentID>1</AgentID></xml>"
    )
    answer = _post(web, message)
    assert (answer.status_code, answer.text) == (200, "success")
    assert _events(web) == []


def test_a_session_cookie_without_csrf_token_does_not_matter(web: Web) -> None:
    _configure(web)
    client = web.console("operator")
    del client.headers["X-CSRF-Token"]
    answer = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER), client=client)
    assert (answer.status_code, answer.text) == (200, "success")


def test_an_unconfigured_channel_answers_503_naming_what_is_missing(web: Web) -> None:
    params = {**SAMPLE_CHECK, "timestamp": _now_s(web)}
    absent = web.client().get(URL, params=params)
    assert absent.status_code == 503
    assert absent.json()["error"]["code"] == "not_configured"
    assert "disabled" in absent.json()["error"]["message"]
    _configure(web, secrets={"callback_token": TOKEN})
    no_key = web.client().get(URL, params=params)
    assert no_key.status_code == 503
    assert "callback_aes_key" in no_key.json()["error"]["message"]
    assert "callback_token" not in no_key.json()["error"]["message"]
    _configure(web, enabled=False, secrets={"callback_aes_key": AES_KEY})
    disabled = _post(web, _contact("add_external_contact", staff="st1", customer=NEW_CUSTOMER))
    assert disabled.status_code == 503
    assert _events(web) == []


def test_a_bad_stored_aes_key_is_a_configuration_problem(web: Web) -> None:
    _configure(web, secrets={"callback_token": TOKEN, "callback_aes_key": "too-short"})
    answer = web.client().get(URL, params={**SAMPLE_CHECK, "timestamp": _now_s(web)})
    assert answer.status_code == 503
    assert "callback_aes_key" in answer.json()["error"]["message"]
