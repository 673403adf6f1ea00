"""Stored channel settings: one row per adapter (and the dispatcher's `delivery` row), with the
secrets apart and sealed (`store.sealed_secrets`: encrypted with the engine's key; a
`ChannelConfig` holds them opened). Saving validates everything and changes nothing on a
problem; a secret left out keeps its stored value, an empty string clears it; secrets are never
read back out (`shown`).
A person's save (`change`, from the console, the API or the CLI) is audited as `channel.save`
with the names of what changed — never a secret's value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, get_origin

import pydantic
import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.channels.delivery_settings import DeliverySettings
from siyu.channels.registry import DELIVERY, SETTINGS_MODELS
from siyu.channels.settings import ChannelSettings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.store.sealed_secrets import open_secrets, seal_secrets
from siyu.store.secret_keys import keyring_of
from siyu.store.tables import channels

ALWAYS_ON = frozenset({"inbox", DELIVERY})


@dataclass(frozen=True)
class ChannelConfig:
    name: str
    enabled: bool
    settings: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    updated_at: int | None = None

    def model(self) -> ChannelSettings:
        """The validated settings object (secrets included)."""
        return SETTINGS_MODELS[self.name].model_validate({**self.settings, **self.secrets})


def _model_of(name: str) -> type[ChannelSettings]:
    model = SETTINGS_MODELS.get(name)
    if model is None:
        raise NotFoundError(f"no channel named {name!r}: expected one of {', '.join(SETTINGS_MODELS)}")
    return model


def load(conn: Connection, name: str) -> ChannelConfig:
    _model_of(name)
    row = conn.execute(sa.select(channels).where(channels.c.name == name)).first()
    if row is None:
        return ChannelConfig(name, name in ALWAYS_ON)
    secrets = open_secrets(keyring_of(conn), name, row.secrets) if row.secrets else {}
    return ChannelConfig(name, bool(row.enabled) or name in ALWAYS_ON, dict(row.settings), secrets, int(row.updated_at))


def load_all(conn: Connection) -> dict[str, ChannelConfig]:
    stored = {row.name: row for row in conn.execute(sa.select(channels))}
    configs: dict[str, ChannelConfig] = {}
    for name in SETTINGS_MODELS:
        row = stored.get(name)
        if row is None:
            configs[name] = ChannelConfig(name, name in ALWAYS_ON)
        else:
            secrets = open_secrets(keyring_of(conn), name, row.secrets) if row.secrets else {}
            configs[name] = ChannelConfig(
                name, bool(row.enabled) or name in ALWAYS_ON, dict(row.settings), secrets, row.updated_at
            )
    return configs


def delivery_settings(conn: Connection) -> DeliverySettings:
    model = load(conn, DELIVERY).model()
    assert isinstance(model, DeliverySettings)
    return model


def _problems(name: str, exc: pydantic.ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in (name, *error["loc"]))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown setting: expected one of {', '.join(sorted(SETTINGS_MODELS[name].model_fields))}"
        problems.append(Problem(where, message))
    return problems


def save(
    conn: Connection,
    name: str,
    *,
    enabled: bool | None = None,
    settings: dict[str, Any] | None = None,
    secrets: dict[str, str | None] | None = None,
    now_us: int,
) -> ChannelConfig:
    """Merge the given settings and secrets into the stored ones, validate the whole, store it.
    `settings` replaces the keys it names; a secret given as None or left out is kept, "" clears it."""
    model = _model_of(name)
    current = load(conn, name)
    secret_names = model.SECRETS
    merged_settings = dict(current.settings)
    problems: list[Problem] = []
    for key, value in (settings or {}).items():
        if key in secret_names:
            problems.append(Problem(f"{name}.{key}", "a secret: send it under secrets, not settings"))
        merged_settings[key] = value
    merged_secrets = dict(current.secrets)
    for key, secret in (secrets or {}).items():
        if key not in secret_names:
            problems.append(
                Problem(
                    f"{name}.{key}",
                    f"not a secret of {name}: its secrets are {', '.join(sorted(secret_names)) or 'none'}",
                )
            )
        elif secret is None:
            continue
        elif secret == "":
            merged_secrets.pop(key, None)
        elif not secret.strip():
            problems.append(Problem(f"{name}.{key}", 'only spaces: give the secret, or "" to clear it'))
        else:
            merged_secrets[key] = secret
    if problems:
        raise ValidationError(problems)
    try:
        validated = model.model_validate({**merged_settings, **merged_secrets})
    except pydantic.ValidationError as exc:
        raise ValidationError(_problems(name, exc)) from exc
    dumped = validated.model_dump(mode="json")
    clean_settings = {k: v for k, v in dumped.items() if k not in secret_names and k in merged_settings}
    clean_secrets = {k: str(v) for k, v in dumped.items() if k in secret_names and k in merged_secrets}
    turned_on = current.enabled if enabled is None else enabled
    values = {
        "enabled": turned_on or name in ALWAYS_ON,
        "settings": clean_settings,
        "secrets": seal_secrets(keyring_of(conn), clean_secrets) if clean_secrets else {},
        "updated_at": now_us,
    }
    updated = conn.execute(sa.update(channels).where(channels.c.name == name).values(**values)).rowcount
    if not updated:
        conn.execute(sa.insert(channels).values(name=name, **values))
    return load(conn, name)


def shown(config: ChannelConfig) -> dict[str, Any]:
    """What the API and console show: the settings with defaults filled in, and for each
    secret only whether it is set."""
    model = SETTINGS_MODELS[config.name]
    defaults = {
        key: to_jsonable_python(info.get_default(call_default_factory=True))
        for key, info in model.model_fields.items()
        if key not in model.SECRETS
    }
    return {
        "name": config.name,
        "enabled": config.enabled,
        "settings": {**defaults, **config.settings},
        "secrets": {key: key in config.secrets for key in sorted(model.SECRETS)},
        "updated_at": config.updated_at,
    }


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


def _changed(keys: Iterable[str], before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(key for key in keys if before.get(key) != after.get(key))


def change_summary(before: ChannelConfig, after: ChannelConfig) -> dict[str, Any]:
    """What a save changed, for the audit log: names only, never a secret's value."""
    old = plain_settings(before.name, shown(before)["settings"])
    new = plain_settings(after.name, shown(after)["settings"])
    detail: dict[str, Any] = {
        "settings": _changed(new, old, new),
        "secrets_set": sorted(key for key, value in after.secrets.items() if before.secrets.get(key) != value),
        "secrets_cleared": sorted(key for key in before.secrets if key not in after.secrets),
    }
    if before.enabled != after.enabled:
        detail["enabled"] = after.enabled
    return detail


def change(
    conn: Connection,
    name: str,
    *,
    actor: Actor,
    enabled: bool | None = None,
    settings: dict[str, Any] | None = None,
    secrets: dict[str, str | None] | None = None,
    now_us: int,
) -> ChannelConfig:
    """A person's save: `save` (ValidationError locates every fault; nothing is written then),
    and its audit entry."""
    before = load(conn, name)
    after = save(conn, name, enabled=enabled, settings=settings, secrets=secrets, now_us=now_us)
    audit.record(
        conn,
        actor=actor,
        action="channel.save",
        subject_type="channel",
        subject_id=name,
        now_us=now_us,
        detail=change_summary(before, after),
    )
    return after
