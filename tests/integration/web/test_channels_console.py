"""The console's channels page (admins only): a card per adapter and one for delivery settings, with
inputs built from each settings model; a form saves only what was edited, keeps a secret left empty,
clears one on request, never shows a secret back, and a refused save shows its problems beside the
fields with nothing written."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from siyu.channels.delivery_settings import ROUTE_KEYS
from siyu.channels.registry import SETTINGS_MODELS
from siyu.core.language import LOCALES
from siyu.store.tables import channels
from siyu.web.console.channels import specs_of
from siyu.web.i18n import catalog
from tests.support.web import Web

CONTACT_SECRET = "contact-secret-Zq81xVw"
SIGNING_SECRET = "webhook-signing-secret-Pm42"


def _form_client(web: Web, username: str = "admin") -> tuple[TestClient, str]:
    client = web.console(username)
    return client, client.headers.pop("X-CSRF-Token")


def _card(page: str, name: str) -> str:
    found = re.search(rf'<section class="card channel-card" id="{name}">(.*?)</section>', page, re.S)
    assert found is not None, f"no card {name}"
    return found.group(1)


def _channel(web: Web, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = web.api("admin").get(f"/api/v1/channels/{name}").json()
    return answer


def _stored_settings(web: Web, name: str) -> dict[str, Any]:
    with web.engine.connect() as conn:
        row = conn.execute(sa.select(channels.c.settings).where(channels.c.name == name)).first()
    return dict(row.settings) if row else {}


def _audit(web: Web) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = web.api("admin").get("/api/v1/audit", params={"subject_type": "channel"}).json()
    return entries


def test_the_page_has_a_card_per_channel_with_inputs_from_its_model(web: Web) -> None:
    page = web.console("admin").get("/channels")
    assert page.status_code == 200
    assert "<h1>渠道设置</h1>" in page.text
    assert '<a href="/channels" aria-current="page">渠道</a>' in page.text
    wecom = _card(page.text, "wecom")
    assert "企业微信" in wecom and 'name="enabled" value="1" >' in wecom  # off: not checked
    assert 'name="setting.corp_id" value=""' in wecom and 'maxlength="64"' in wecom
    assert re.search(r'name="setting.timeout_s" value="10.0"\s+type="number" step="any"', wecom)
    assert re.search(r'name="setting.monthly_mass_sends" value="4"\s+type="number" step="1" min="0" max="1000"', wecom)
    assert wecom.count('type="password"') == 4 and wecom.count("未设置") == 4
    assert wecom.count('placeholder="留空则不变"') == 4
    assert "http://testserver/api/v1/channels/wecom/callback" in wecom
    assert "客户联系 Secret" in wecom and "EncodingAESKey" in wecom
    webhook = _card(page.text, "webhook")
    assert webhook.count('type="checkbox" name="setting.purposes"') == 3 and webhook.count("checked") == 3
    delivery = _card(page.text, "delivery")
    assert "投递设置" in delivery and 'name="enabled"' not in delivery
    for key in ROUTE_KEYS:
        assert f'<select name="route.{key}"' in delivery
    assert delivery.count('<option value="">默认</option>') == len(ROUTE_KEYS)
    assert delivery.count('<option value="wecom"') == len(ROUTE_KEYS)
    inbox = _card(page.text, "inbox")
    assert "始终开启" in inbox and "<form" not in inbox


@pytest.mark.parametrize("username", ["operator", "staff1"])
def test_only_admins_open_or_post_the_page(web: Web, username: str) -> None:
    client, token = _form_client(web, username)
    assert client.get("/channels").status_code == 403
    refused = client.post("/channels/wecom", data={"csrf_token": token, "enabled": "1"})
    assert refused.status_code == 403
    assert _channel(web, "wecom")["enabled"] is False


def test_a_form_saves_what_was_edited_and_hides_the_secret(web: Web) -> None:
    client, token = _form_client(web)
    page = client.get("/channels").text
    wecom_defaults = re.findall(r'name="(setting\.[a-z_]+)" value="([^"]*)"', _card(page, "wecom"))
    # the first value of a name, as a browser sends it: an unticked checkbox leaves only its hidden "0"
    form = {"csrf_token": token, "enabled": ["0", "1"], **dict(reversed(wecom_defaults))}
    form |= {"setting.corp_id": "ww0123456789", "setting.agent_id": "1000002", "secret.contact_secret": CONTACT_SECRET}
    answer = client.post("/channels/wecom", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/channels?saved=wecom#wecom"
    shown = _channel(web, "wecom")
    assert shown["enabled"] is True
    assert (shown["settings"]["corp_id"], shown["settings"]["agent_id"]) == ("ww0123456789", 1000002)
    assert shown["secrets"]["contact_secret"] is True
    assert _stored_settings(web, "wecom") == {"corp_id": "ww0123456789", "agent_id": 1000002}  # defaults not pinned
    saved_page = client.get(answer.headers["location"]).text
    card = _card(saved_page, "wecom")
    assert '<p class="ok" role="status">已保存</p>' in card
    assert card.count("已设置") == 1 and 'name="clear.contact_secret"' in card
    assert CONTACT_SECRET not in saved_page
    [entry] = _audit(web)
    assert (entry["action"], entry["subject_id"]) == ("channel.save", "wecom")
    assert entry["detail"] == {
        "settings": ["agent_id", "corp_id"],
        "secrets_set": ["contact_secret"],
        "secrets_cleared": [],
        "enabled": True,
    }


def test_the_switch_turns_a_channel_off_and_a_form_without_it_leaves_it(web: Web) -> None:
    client, token = _form_client(web)
    web.api("admin").put("/api/v1/channels/sms", json={"enabled": True})
    untouched = client.post("/channels/sms", data={"csrf_token": token, "setting.sign_name": "暖柚生活"})
    assert untouched.status_code == 200  # followed the redirect
    assert _channel(web, "sms")["enabled"] is True and _channel(web, "sms")["settings"]["sign_name"] == "【暖柚生活】"
    off = client.post("/channels/sms", data={"csrf_token": token, "enabled": "0"}, follow_redirects=False)
    assert off.status_code == 303
    assert _channel(web, "sms")["enabled"] is False
    assert _audit(web)[0]["detail"] == {"settings": [], "secrets_set": [], "secrets_cleared": [], "enabled": False}
    assert 'name="enabled" value="1" >' in _card(client.get("/channels").text, "sms")


def test_an_empty_secret_is_kept_and_the_clear_box_removes_it(web: Web) -> None:
    client, token = _form_client(web)
    web.api("admin").put("/api/v1/channels/sms", json={"secrets": {"api_key": "sms-api-key-1234"}})
    kept = client.post("/channels/sms", data={"csrf_token": token, "secret.api_key": ""}, follow_redirects=False)
    assert kept.status_code == 303
    assert _channel(web, "sms")["secrets"] == {"api_key": True}
    cleared = client.post("/channels/sms", data={"csrf_token": token, "clear.api_key": "1"}, follow_redirects=False)
    assert cleared.status_code == 303
    assert _channel(web, "sms")["secrets"] == {"api_key": False}
    assert _audit(web)[0]["detail"]["secrets_cleared"] == ["api_key"]


def test_a_refused_save_shows_problems_beside_fields_and_writes_nothing(web: Web) -> None:
    client, token = _form_client(web)
    before = web.api("admin").get("/api/v1/channels").json()
    answer = client.post(
        "/channels/webhook",
        data={
            "csrf_token": token,
            "enabled": "1",
            "setting.url": "ftp://example.com/hook",
            "setting.timeout_s": "soon",
            "setting.purposes": ["send", "remind", "digest"],
            "secret.secret": SIGNING_SECRET,
        },
    )
    assert answer.status_code == 422
    card = _card(answer.text, "webhook")
    url_field = re.search(r'name="setting.url" value="ftp://example.com/hook"(.*?)</ul>', card, re.S)
    assert url_field is not None and "<code>webhook.url</code>" in url_field.group(1)
    assert "the URL must start with http:// or https://" in url_field.group(1)
    timeout_field = re.search(r'name="setting.timeout_s" value="soon"(.*?)</ul>', card, re.S)
    assert timeout_field is not None and "<code>webhook.timeout_s</code>" in timeout_field.group(1)
    assert 'name="enabled" value="1" checked' in card  # the switch as it was submitted
    assert SIGNING_SECRET not in answer.text
    assert web.api("admin").get("/api/v1/channels").json() == before
    assert _audit(web) == []


def test_unticking_every_purpose_is_refused_and_a_field_left_out_is_kept(web: Web) -> None:
    client, token = _form_client(web)
    web.api("admin").put("/api/v1/channels/webhook", json={"settings": {"purposes": ["remind"], "timeout_s": 3}})
    answer = client.post("/channels/webhook", data={"csrf_token": token, "setting.purposes": ""})
    assert answer.status_code == 422
    assert "<code>webhook.purposes</code>" in _card(answer.text, "webhook")
    narrowed = client.post(
        "/channels/webhook",
        data={"csrf_token": token, "setting.purposes": ["", "send", "digest"]},
        follow_redirects=False,
    )
    assert narrowed.status_code == 303
    assert _channel(web, "webhook")["settings"] == {
        "url": "",
        "timeout_s": 3.0,
        "purposes": ["send", "digest"],
    }


def test_a_new_secret_and_its_clear_box_together_are_refused(web: Web) -> None:
    client, token = _form_client(web)
    web.api("admin").put("/api/v1/channels/sms", json={"secrets": {"api_key": "sms-api-key-1234"}})
    answer = client.post(
        "/channels/sms", data={"csrf_token": token, "secret.api_key": "other-key", "clear.api_key": "1"}
    )
    assert answer.status_code == 422
    assert "<code>sms.api_key</code> type a new value or tick clear, not both" in _card(answer.text, "sms")
    assert "other-key" not in answer.text
    assert _channel(web, "sms")["secrets"] == {"api_key": True}


def test_routes_save_from_their_selects_and_the_callback_url_follows_the_public_address(web: Web) -> None:
    client, token = _form_client(web)
    answer = client.post(
        "/channels/delivery",
        data={
            "csrf_token": token,
            "route.private": "wecom",
            "route.remind": "inbox",
            "route.group": "",
            "setting.public_url": "https://siyu.example.com/",
            "setting.digest_time": "09:00",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    shown = _channel(web, "delivery")["settings"]
    assert shown["routes"] == {"private": "wecom", "remind": "inbox"}
    assert _stored_settings(web, "delivery") == {
        "routes": {"private": "wecom", "remind": "inbox"},
        "public_url": "https://siyu.example.com/",
    }
    page = client.get("/channels").text
    assert "https://siyu.example.com/api/v1/channels/wecom/callback" in _card(page, "wecom")
    assert re.search(r'<select name="route.private"[^>]*>.*?<option value="wecom" selected>', page, re.S)
    assert _audit(web)[0]["detail"]["settings"] == ["public_url", "routes"]


def test_a_form_post_needs_the_csrf_token(web: Web) -> None:
    client, _ = _form_client(web)
    answer = client.post("/channels/wecom", data={"enabled": "1"})
    assert answer.status_code == 403
    assert _channel(web, "wecom")["enabled"] is False


def test_every_setting_and_choice_has_a_label_in_every_locale() -> None:
    known = catalog()
    keys = [f"channels.route.{key}" for key in ROUTE_KEYS]
    for name in SETTINGS_MODELS:
        for spec in specs_of(name):  # also proves the page has an input for every field
            keys.append(f"channels.field.{spec.name}")
            keys += [f"channels.choice.{option}" for option in spec.options]
    missing = [key for key in keys if sorted(known.get(key, {})) != sorted(LOCALES)]
    assert missing == []
