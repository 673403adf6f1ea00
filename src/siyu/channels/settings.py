"""The base of every adapter's settings model: pydantic, strict about unknown keys, with the
names of the fields that are secrets (stored apart, never shown back)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class ChannelSettings(BaseModel):
    """Settings and secrets of one adapter, validated together; `SECRETS` names the secret
    fields. A secret left out when saving keeps its stored value."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    SECRETS: ClassVar[frozenset[str]] = frozenset()
