"""Channel settings (admins only): each adapter's settings and whether it is on, and the
dispatcher's own settings under the name `delivery`.

Secrets are written, never read: an answer says only whether each one is set. A save merges
what it names into the stored settings, validates the whole and writes nothing on a problem; it
is audited (`channel.save`) with the names of the settings that changed and of the secrets set
or cleared — never a secret's value."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from siyu.brand import settings as brand_settings
from siyu.channels import stored as channel_service
from siyu.web.common.channels import ChannelName, channel_out
from siyu.web.deps import Admin, Db, NowUs

router = APIRouter(tags=["channels"])

MAX_KEYS = 50


class ChannelOut(BaseModel):
    name: str = Field(description="inbox, wecom, webhook, sms, or delivery (the dispatcher's own settings)")
    enabled: bool = Field(description="Whether the adapter carries deliveries")
    always_on: bool = Field(description="inbox and delivery are always on: `enabled` cannot turn them off")
    settings: dict[str, Any] = Field(description="Every setting but the secrets, defaults filled in")
    secrets: dict[str, bool] = Field(description="For each secret, whether it is set; a value is never shown")
    updated_at: str | None = Field(description="When the settings were last saved; null: never (all defaults)")


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(None, description="Turn the adapter on or off; left out: unchanged")
    settings: dict[str, Any] | None = Field(
        None,
        max_length=MAX_KEYS,
        description="The settings to change, by name (as GET shows them); the others keep their value. "
        'Example for delivery: {"routes": {"private": "wecom", "remind": "inbox"}, "digest_time": "09:00"}',
    )
    secrets: dict[str, str | None] | None = Field(
        None,
        max_length=MAX_KEYS,
        description='New secret values by name: a string sets it, "" clears it, null or left out keeps it',
    )


@router.get("/channels", response_model=list[ChannelOut], summary="Every channel's settings (no secrets)")
def list_channels(conn: Db, who: Admin) -> list[dict[str, Any]]:
    zone = brand_settings.load(conn).zone
    return [channel_out(config, zone) for config in channel_service.load_all(conn).values()]


@router.get("/channels/{name}", response_model=ChannelOut, summary="One channel's settings (no secrets)")
def get_channel(name: ChannelName, conn: Db, who: Admin) -> dict[str, Any]:
    return channel_out(channel_service.load(conn, name), brand_settings.load(conn).zone)


@router.put("/channels/{name}", response_model=ChannelOut, summary="Change a channel's settings, secrets or switch")
def put_channel(name: ChannelName, body: ChannelIn, conn: Db, who: Admin, now: NowUs) -> dict[str, Any]:
    saved = channel_service.change(
        conn, name, actor=who.user, enabled=body.enabled, settings=body.settings, secrets=body.secrets, now_us=now
    )
    return channel_out(saved, brand_settings.load(conn).zone)
