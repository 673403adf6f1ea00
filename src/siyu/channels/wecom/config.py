"""What connecting a WeCom corp takes (see the README: where each value is found in WeCom's admin)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from siyu.channels.settings import ChannelSettings
from siyu.channels.wecom.base_url import check_base_url

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"


class WeComSettings(ChannelSettings):
    SECRETS: ClassVar[frozenset[str]] = frozenset(
        {"contact_secret", "agent_secret", "callback_token", "callback_aes_key"}
    )

    corp_id: str = Field("", max_length=64, description="企业ID (My Company → Company Info)")
    agent_id: int | None = Field(None, ge=0, description="the self-built app's AgentId (staff reminders)")
    # before base_url: its check reads this flag
    allow_custom_base_url: bool = Field(
        False, description="let base_url name a host other than WeCom or this machine (a proxy): secrets go there"
    )
    base_url: str = Field(DEFAULT_BASE_URL, max_length=300, description="WeCom's API address; a fake's in tests")
    public_url: str = Field(
        "", max_length=300, description="siyu's address as staff phones reach it: links in reminders"
    )
    timeout_s: float = Field(10.0, gt=0, le=120, description="seconds to wait for one WeCom call")
    monthly_mass_sends: int = Field(
        4, ge=0, le=1000, description="mass sends WeCom lets one customer receive per natural month"
    )
    calls_per_minute: int = Field(600, ge=1, le=100_000, description="siyu's own limit per secret")
    # secrets
    contact_secret: str = Field("", max_length=200, description="客户联系 Secret (customer contact)")
    agent_secret: str = Field("", max_length=200, description="the self-built app's Secret")
    callback_token: str = Field("", max_length=64, description="the callback's Token")
    callback_aes_key: str = Field("", max_length=64, description="the callback's EncodingAESKey (43 characters)")

    @field_validator("base_url")
    @classmethod
    def _wecom_or_allowed(cls, url: str, info: ValidationInfo) -> str:
        return check_base_url(url, allow_custom=bool(info.data.get("allow_custom_base_url", False)))
