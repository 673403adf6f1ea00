"""A channel as the API and the console name and show it."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Path

from siyu.channels import stored as channel_service
from siyu.channels.registry import SETTINGS_MODELS
from siyu.channels.stored import ALWAYS_ON, ChannelConfig
from siyu.core.timeutil import from_us

ChannelName = Annotated[str, Path(min_length=1, max_length=16, description=f"One of: {', '.join(SETTINGS_MODELS)}")]


def channel_out(config: ChannelConfig, zone: ZoneInfo) -> dict[str, Any]:
    """A channel as the API and the console show it: no secret values, times in the brand's zone."""
    shown = channel_service.shown(config)
    updated = shown["updated_at"]
    return {
        "name": shown["name"],
        "enabled": shown["enabled"],
        "always_on": config.name in ALWAYS_ON,
        "settings": channel_service.plain_settings(config.name, shown["settings"]),
        "secrets": shown["secrets"],
        "updated_at": None if updated is None else from_us(int(updated), zone).isoformat(),
    }
