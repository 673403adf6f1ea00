"""Webhook settings: http(s) addresses only, secrets long enough and named as secrets, purposes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from siyu.channels.base import Purpose
from siyu.channels.webhook.config import WebhookSettings

SECRET = "whsec_0123456789abcdef"


def error_of(**values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        WebhookSettings.model_validate(values)
    return str(caught.value)


def test_defaults_are_unconfigured_and_take_everything() -> None:
    settings = WebhookSettings()
    assert (settings.url, settings.secret, settings.inbound_secret, settings.timeout_s) == ("", "", "", 10.0)
    assert settings.purposes == (Purpose.send, Purpose.remind, Purpose.digest)


def test_secrets_are_named() -> None:
    assert frozenset({"secret", "inbound_secret"}) == WebhookSettings.SECRETS


def test_a_full_configuration() -> None:
    settings = WebhookSettings.model_validate(
        {"url": " https://hooks.example.com/siyu?x=1 ", "secret": SECRET, "purposes": ["digest", "remind", "digest"]}
    )
    assert settings.url == "https://hooks.example.com/siyu?x=1"
    assert settings.purposes == (Purpose.remind, Purpose.digest)  # one order, however given
    assert settings.model_dump(mode="json")["purposes"] == ["remind", "digest"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.com/x", "must start with http:// or https://, got ftp scheme"),
        ("hooks.example.com/x", "must start with http:// or https://, got no scheme"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https:///path", "has no host"),
        ("https://user:pw@hooks.example.com/", "must not carry a user name or password"),
        ("https://hooks.example.com:70000/", "port 70000 is not between 1 and 65535"),
    ],
)
def test_bad_urls(url: str, why: str) -> None:
    message = error_of(url=url)
    assert "url" in message
    assert why in message


def test_http_is_allowed_for_local_receivers() -> None:
    assert WebhookSettings(url="http://127.0.0.1:8080/hook").url == "http://127.0.0.1:8080/hook"


@pytest.mark.parametrize("field", ["secret", "inbound_secret"])
def test_short_secrets_are_refused(field: str) -> None:
    message = error_of(**{field: "short"})
    assert field in message
    assert "at least 16 characters, got 5" in message


def test_purposes_cannot_be_empty_or_unknown() -> None:
    assert "purposes" in error_of(purposes=[])
    assert "purposes" in error_of(purposes=["broadcast"])


@pytest.mark.parametrize("timeout", [0, -1, 121])
def test_timeout_bounds(timeout: float) -> None:
    assert "timeout_s" in error_of(timeout_s=timeout)


def test_unknown_keys_are_refused() -> None:
    assert "headers" in error_of(headers={"X-Token": "t"})


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        WebhookSettings().url = "https://x.example"  # type: ignore[misc]
