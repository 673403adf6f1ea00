"""SMS settings: the provider's http(s) address, the 【signature】, the phone attribute, the key as a secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from siyu.channels.sms.config import SmsSettings


def error_of(**values: object) -> str:
    with pytest.raises(ValidationError) as caught:
        SmsSettings.model_validate(values)
    return str(caught.value)


def test_defaults() -> None:
    settings = SmsSettings()
    assert (settings.provider_url, settings.api_key, settings.sign_name) == ("", "", "")
    assert (settings.phone_attribute, settings.timeout_s) == ("phone", 10.0)
    assert frozenset({"api_key"}) == SmsSettings.SECRETS


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://sms.example.com/send", "must start with http:// or https://, got ftp scheme"),
        ("sms.example.com", "must start with http:// or https://, got no scheme"),
        ("https://", "has no host"),
        ("https://key:x@sms.example.com/", "must not carry a user name or password"),
    ],
)
def test_bad_provider_urls(url: str, why: str) -> None:
    message = error_of(provider_url=url)
    assert "provider_url" in message
    assert why in message


@pytest.mark.parametrize(
    ("given", "kept"),
    [("【暖柚生活】", "【暖柚生活】"), ("暖柚生活", "【暖柚生活】"), (" 【 Nuanyou 】 ", "【Nuanyou】")],
)
def test_sign_name_is_bracketed(given: str, kept: str) -> None:
    assert SmsSettings(sign_name=given).sign_name == kept


@pytest.mark.parametrize(
    ("given", "why"),
    [("【】", "nothing between 【 and 】"), ("【暖柚】【生活】", "expected one signature such as 【暖柚生活】")],
)
def test_bad_sign_names(given: str, why: str) -> None:
    message = error_of(sign_name=given)
    assert "sign_name" in message
    assert why in message


def test_sign_name_length() -> None:
    assert "sign_name" in error_of(sign_name="【" + "长" * 30 + "】")


def test_phone_attribute_may_be_any_attribute_name_but_not_blank() -> None:
    assert SmsSettings(phone_attribute="手机号").phone_attribute == "手机号"
    assert "phone_attribute" in error_of(phone_attribute="  ")


def test_unknown_keys_are_refused() -> None:
    assert "template_id" in error_of(template_id="SMS_123")
