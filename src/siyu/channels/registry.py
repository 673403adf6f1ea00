"""Every adapter siyu knows: its settings model and how to build it from stored settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from siyu.channels.base import Adapter
from siyu.channels.delivery_settings import DeliverySettings
from siyu.channels.http import outbound_client
from siyu.channels.inbox.adapter import InboxAdapter
from siyu.channels.inbox.config import InboxSettings
from siyu.channels.settings import ChannelSettings
from siyu.channels.sms.adapter import SmsAdapter
from siyu.channels.sms.config import SmsSettings
from siyu.channels.webhook.adapter import WebhookAdapter
from siyu.channels.webhook.config import WebhookSettings
from siyu.channels.wecom.adapter import WeComAdapter
from siyu.channels.wecom.client import WeComClient, http_client
from siyu.channels.wecom.config import WeComSettings

DELIVERY = "delivery"  # the dispatcher's own settings row, beside the adapters'


@dataclass(frozen=True)
class Kind:
    name: str
    settings: type[ChannelSettings]
    build: Callable[[ChannelSettings], Adapter]
    label_zh: str
    label_en: str


def _wecom(settings: ChannelSettings) -> Adapter:
    assert isinstance(settings, WeComSettings)
    return WeComAdapter(settings, client=WeComClient(settings, http=http_client(settings)))


def _webhook(settings: ChannelSettings) -> Adapter:
    assert isinstance(settings, WebhookSettings)
    return WebhookAdapter(settings, http=outbound_client(settings.timeout_s))


def _sms(settings: ChannelSettings) -> Adapter:
    assert isinstance(settings, SmsSettings)
    return SmsAdapter(settings, http=outbound_client(settings.timeout_s))


KINDS: dict[str, Kind] = {
    "inbox": Kind("inbox", InboxSettings, lambda _s: InboxAdapter(), "收件箱（我的任务）", "Inbox (my tasks)"),
    "wecom": Kind("wecom", WeComSettings, _wecom, "企业微信", "WeCom"),
    "webhook": Kind("webhook", WebhookSettings, _webhook, "Webhook", "Webhook"),
    "sms": Kind("sms", SmsSettings, _sms, "短信", "SMS"),
}

SETTINGS_MODELS: dict[str, type[ChannelSettings]] = {
    **{name: kind.settings for name, kind in KINDS.items()},
    DELIVERY: DeliverySettings,
}
