"""What sending SMS takes: the provider's (or relay's) address and key, the message signature
carriers require (短信签名), and where a customer's mobile number is kept."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from siyu.channels.settings import ChannelSettings
from siyu.channels.webhook.config import check_http_url

_BRACKETS = "【】"


class SmsSettings(ChannelSettings):
    SECRETS: ClassVar[frozenset[str]] = frozenset({"api_key"})

    provider_url: str = Field(
        "", max_length=2000, description="where messages are POSTed (http or https); status at {provider_url}/{id}"
    )
    sign_name: str = Field(
        "", max_length=22, description="短信签名 put before every text, e.g. 【暖柚生活】 (brackets added if missing)"
    )
    phone_attribute: str = Field(
        "phone", min_length=1, max_length=100, description="the customer attribute holding the mobile number"
    )
    timeout_s: float = Field(10.0, gt=0, le=120, description="seconds to wait for the provider's answer")
    # secrets
    api_key: str = Field("", max_length=500, description="sent as Authorization: Bearer …; needed to send")

    @field_validator("provider_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return check_http_url(url)

    @field_validator("sign_name")
    @classmethod
    def _bracketed(cls, sign_name: str) -> str:
        if not sign_name:
            return sign_name
        inner = sign_name.removeprefix("【").removesuffix("】").strip()
        if not inner:
            raise ValueError("the signature has nothing between 【 and 】")
        if any(bracket in inner for bracket in _BRACKETS):
            raise ValueError(f"expected one signature such as 【暖柚生活】, got {sign_name!r}")
        return f"【{inner}】"
