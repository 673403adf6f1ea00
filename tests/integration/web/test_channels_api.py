"""Channel settings over the API: admins only, defaults shown, a save merges and is audited by the
names of what changed, secrets are written but never read back (not in answers, errors or the
audit log), and a refused save is located and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.web import Web

CONTACT_SECRET = "contact-secret-Zq81xVw"
WEBHOOK_SECRET = "webhook-signing-secret-Pm42"


def _channel(web: Web, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = web.api("admin").get(f"/api/v1/channels/{name}").json()
    return answer


def _channel_audit(web: Web) -> list[tuple[str, str, str, Any]]:
    log = web.api("admin").get("/api/v1/audit", params={"subject_type": "channel"}).json()
    return [(e["actor"], e["action"], e["subject_id"], e["detail"]) for e in log]


def test_every_channel_is_listed_with_its_defaults_and_no_secret_set(web: Web) -> None:
    answer = web.api("admin").get("/api/v1/channels")
    assert answer.status_code == 200
    channels = {c["name"]: c for c in answer.json()}
    assert list(channels) == ["inbox", "wecom", "webhook", "sms", "delivery"]
    assert channels["inbox"] == {
        "name": "inbox",
        "enabled": True,
        "always_on": True,
        "settings": {},
        "secrets": {},
        "updated_at": None,
    }
    assert channels["wecom"]["enabled"] is False
    assert channels["wecom"]["settings"]["base_url"] == "https://qyapi.weixin.qq.com"
    assert channels["wecom"]["secrets"] == {
        "agent_secret": False,
        "callback_aes_key": False,
        "callback_token": False,
        "contact_secret": False,
    }
    assert channels["webhook"]["settings"]["purposes"] == ["send", "remind", "digest"]
    assert channels["delivery"]["settings"]["routes"] == {}
    assert channels["delivery"]["always_on"] is True


def test_a_save_merges_switches_on_and_never_shows_the_secret(web: Web) -> None:
    client = web.api("admin")
    saved = client.put(
        "/api/v1/channels/wecom",
        json={
            "enabled": True,
            "settings": {"corp_id": "ww0123456789", "agent_id": 1000002},
            "secrets": {"contact_secret": CONTACT_SECRET},
        },
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["enabled"] is True
    assert body["settings"]["corp_id"] == "ww0123456789" and body["settings"]["agent_id"] == 1000002
    assert body["settings"]["timeout_s"] == 10.0  # untouched settings keep their default
    assert body["secrets"]["contact_secret"] is True and body["secrets"]["agent_secret"] is False
    assert body["updated_at"] == "2026-11-20T10:30:00+08:00"
    again = client.put("/api/v1/channels/wecom", json={"settings": {"timeout_s": 5}})
    assert again.json()["settings"]["corp_id"] == "ww0123456789" and again.json()["settings"]["timeout_s"] == 5.0
    assert again.json()["secrets"]["contact_secret"] is True  # a secret left out is kept
    for text in (saved.text, again.text, client.get("/api/v1/channels").text, client.get("/api/v1/audit").text):
        assert CONTACT_SECRET not in text
    assert _channel_audit(web) == [
        ("admin", "channel.save", "wecom", {"settings": ["timeout_s"], "secrets_set": [], "secrets_cleared": []}),
        (
            "admin",
            "channel.save",
            "wecom",
            {
                "settings": ["agent_id", "corp_id"],
                "secrets_set": ["contact_secret"],
                "secrets_cleared": [],
                "enabled": True,
            },
        ),
    ]


def test_a_null_secret_is_kept_and_an_empty_one_is_cleared(web: Web) -> None:
    client = web.api("admin")
    client.put(
        "/api/v1/channels/webhook", json={"secrets": {"secret": WEBHOOK_SECRET, "inbound_secret": WEBHOOK_SECRET}}
    )
    kept = client.put("/api/v1/channels/webhook", json={"secrets": {"secret": None, "inbound_secret": ""}})
    assert kept.status_code == 200
    assert kept.json()["secrets"] == {"inbound_secret": False, "secret": True}
    assert _channel_audit(web)[0][3] == {"settings": [], "secrets_set": [], "secrets_cleared": ["inbound_secret"]}
    assert WEBHOOK_SECRET not in client.get("/api/v1/audit").text


def test_routes_are_saved_and_the_always_on_channels_stay_on(web: Web) -> None:
    client = web.api("admin")
    routes = {"private": "wecom", "remind": "inbox", "sms": "sms"}
    answer = client.put("/api/v1/channels/delivery", json={"settings": {"routes": routes, "digest_time": "08:30"}})
    assert answer.status_code == 200
    assert answer.json()["settings"]["routes"] == routes and answer.json()["settings"]["digest_time"] == "08:30"
    assert client.put("/api/v1/channels/inbox", json={"enabled": False}).json()["enabled"] is True
    assert _channel(web, "inbox")["enabled"] is True


# (channel, body, [(where, start of the message)]): one fixture for all, each case checked in turn
REFUSED: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    (
        "webhook",
        {"settings": {"url": "ftp://example.com/hook", "timeout_s": 0}},
        [("webhook.url", "the URL must start with http"), ("webhook.timeout_s", "Input should be greater than 0")],
    ),
    ("webhook", {"secrets": {"secret": "too-short"}}, [("webhook.secret", "a secret needs at least 16")]),
    ("webhook", {"settings": {"secret": WEBHOOK_SECRET}}, [("webhook.secret", "a secret: send it under secrets")]),
    ("wecom", {"secrets": {"corp_id": "ww1"}}, [("wecom.corp_id", "not a secret of wecom")]),
    ("wecom", {"settings": {"colour": "green"}}, [("wecom.colour", "unknown setting")]),
    (
        "delivery",
        {"settings": {"routes": {"private": "fax"}}},
        [("delivery.routes", "route private: unknown adapter 'fax'")],
    ),
    ("delivery", {"settings": {"digest_time": "9am"}}, [("delivery.digest_time", 'expected "HH:MM" or ""')]),
    ("sms", {"enabled": "maybe"}, [("enabled", "Input should be a valid boolean")]),
    ("sms", {"colour": "green"}, [("colour", "Extra inputs are not permitted")]),
    ("sms", {"secrets": {"api_key": 12}}, [("secrets.api_key", "Input should be a valid string")]),
]


def test_a_refused_save_is_located_and_writes_nothing(web: Web) -> None:
    client = web.api("admin")
    before = client.get("/api/v1/channels").json()
    for name, body, problems in REFUSED:
        answer = client.put(f"/api/v1/channels/{name}", json=body)
        assert answer.status_code == 422, (name, body)
        error = answer.json()["error"]
        assert error["code"] == "invalid"
        got = [(p["where"], p["message"]) for p in error["problems"]]
        assert [where for where, _ in got] == [where for where, _ in problems], (name, body)
        for (_, message), (_, start) in zip(got, problems, strict=True):
            assert start.lower() in message.lower(), message
        assert WEBHOOK_SECRET not in answer.text and "too-short" not in answer.text
    assert client.get("/api/v1/channels").json() == before
    assert _channel_audit(web) == []


def test_an_unknown_channel_is_not_found(web: Web) -> None:
    client = web.api("admin")
    for answer in (client.get("/api/v1/channels/fax"), client.put("/api/v1/channels/fax", json={"enabled": True})):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
        assert "expected one of inbox, wecom, webhook, sms, delivery" in answer.json()["error"]["message"]


@pytest.mark.parametrize("username", ["operator", "staff1"])
def test_only_admins_read_or_change_channels(web: Web, username: str) -> None:
    client = web.api(username)
    for answer in (
        client.get("/api/v1/channels"),
        client.get("/api/v1/channels/wecom"),
        client.put("/api/v1/channels/wecom", json={"enabled": True}),
    ):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert _channel(web, "wecom")["enabled"] is False
