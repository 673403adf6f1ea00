"""Channel settings (admins only): each adapter's settings and whether it is on, and the
dispatcher's own settings under the name `delivery`.

Secrets are written, never read: an answer says only whether each one is set. A save merges
what it names into the stored settings, validates the whole and writes nothing on a problem; it
is audited (`channel.save`) with the names of the settings that changed and of the secrets set
or cleared — never a secret's value."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any, get_origin
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.users import User
from siyu.brand import settings as brand_settings
from siyu.channels import stored as channel_service
from siyu.channels.registry import SETTINGS_MODELS
from siyu.channels.stored import ALWAYS_ON, ChannelConfig
from siyu.core.timeutil import from_us
from siyu.web.deps import Admin, Db, NowUs

router = APIRouter(tags=["channels"])

MAX_KEYS = 50
ChannelName = Annotated[str, Path(min_length=1, max_length=16, description=f"One of: {', '.join(SETTINGS_MODELS)}")]


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


def _unordered(name: str, key: str) -> bool:
    info = SETTINGS_MODELS[name].model_fields.get(key)
    return info is not None and get_origin(info.annotation) in (set, frozenset)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(str(_plain(item)) for item in value)
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def plain_settings(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as JSON shows them, equal when they mean the same: enums as their values, a
    collection as a list, and a set-typed setting sorted whether it is a default (a frozenset)
    or stored (a list in whatever order it was saved)."""
    return {key: sorted(_plain(value)) if _unordered(name, key) else _plain(value) for key, value in settings.items()}


def channel_out(config: ChannelConfig, zone: ZoneInfo) -> dict[str, Any]:
    """A channel as the API and the console show it: no secret values, times in the brand's zone."""
    shown = channel_service.shown(config)
    updated = shown["updated_at"]
    return {
        "name": shown["name"],
        "enabled": shown["enabled"],
        "always_on": config.name in ALWAYS_ON,
        "settings": plain_settings(config.name, shown["settings"]),
        "secrets": shown["secrets"],
        "updated_at": None if updated is None else from_us(int(updated), zone).isoformat(),
    }


def _changed(keys: Iterable[str], before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(key for key in keys if before.get(key) != after.get(key))


def change_summary(before: ChannelConfig, after: ChannelConfig) -> dict[str, Any]:
    """What a save changed, for the audit log: names only, never a secret's value."""
    old = plain_settings(before.name, channel_service.shown(before)["settings"])
    new = plain_settings(after.name, channel_service.shown(after)["settings"])
    detail: dict[str, Any] = {
        "settings": _changed(new, old, new),
        "secrets_set": sorted(key for key, value in after.secrets.items() if before.secrets.get(key) != value),
        "secrets_cleared": sorted(key for key in before.secrets if key not in after.secrets),
    }
    if before.enabled != after.enabled:
        detail["enabled"] = after.enabled
    return detail


def save_channel(
    conn: Connection,
    user: User,
    name: str,
    *,
    enabled: bool | None,
    settings: dict[str, Any] | None,
    secrets: dict[str, str | None] | None,
    now: int,
) -> ChannelConfig:
    """Save (ValidationError locates every fault; nothing is written then) and audit the change."""
    before = channel_service.load(conn, name)
    after = channel_service.save(conn, name, enabled=enabled, settings=settings, secrets=secrets, now_us=now)
    audit.record(
        conn,
        actor=user,
        action="channel.save",
        subject_type="channel",
        subject_id=name,
        now_us=now,
        detail=change_summary(before, after),
    )
    return after


@router.get("/channels", response_model=list[ChannelOut], summary="Every channel's settings (no secrets)")
def list_channels(conn: Db, who: Admin) -> list[dict[str, Any]]:
    zone = brand_settings.load(conn).zone
    return [channel_out(config, zone) for config in channel_service.load_all(conn).values()]


@router.get("/channels/{name}", response_model=ChannelOut, summary="One channel's settings (no secrets)")
def get_channel(name: ChannelName, conn: Db, who: Admin) -> dict[str, Any]:
    return channel_out(channel_service.load(conn, name), brand_settings.load(conn).zone)


@router.put("/channels/{name}", response_model=ChannelOut, summary="Change a channel's settings, secrets or switch")
def put_channel(name: ChannelName, body: ChannelIn, conn: Db, who: Admin, now: NowUs) -> dict[str, Any]:
    saved = save_channel(
        conn, who.user, name, enabled=body.enabled, settings=body.settings, secrets=body.secrets, now=now
    )
    return channel_out(saved, brand_settings.load(conn).zone)
