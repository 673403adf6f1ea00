"""How the dispatcher works, as the brand sets it: which adapter carries what, retries,
leases, the daily digest. Stored as the `delivery` row of the channels table."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field, field_validator

from siyu.channels.settings import ChannelSettings

ROUTE_KEYS = ("remind", "digest", "private", "group", "moments", "sms")
ADAPTERS = ("inbox", "wecom", "webhook", "sms")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class DeliverySettings(ChannelSettings):
    SECRETS: ClassVar[frozenset[str]] = frozenset()

    routes: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "which adapter carries what, e.g. {private: wecom, remind: webhook}; unset keys follow the enabled adapters"
        ),
    )
    digest_time: str = Field("09:00", description='local time of each staff member\'s digest ("" = none)')
    public_url: str = Field("", max_length=300, description="siyu's address as phones reach it, for links")
    max_attempts: int = Field(8, ge=1, le=100, description="tries before a delivery goes to the dead-letter list")
    retry_base_s: float = Field(30.0, gt=0, le=86_400, description="first retry delay; doubles each try")
    retry_cap_s: float = Field(3_600.0, gt=0, le=7 * 86_400, description="longest retry delay")
    lease_s: float = Field(120.0, ge=1, le=86_400, description="how long a worker owns a claimed delivery")
    poll_every_s: float = Field(300.0, ge=1, le=86_400, description="how often a sent message's result is asked")

    @field_validator("routes")
    @classmethod
    def _known_routes(cls, routes: dict[str, str]) -> dict[str, str]:
        for key, adapter in routes.items():
            if key not in ROUTE_KEYS:
                raise ValueError(f"unknown route {key!r}: expected one of {', '.join(ROUTE_KEYS)}")
            if adapter not in ADAPTERS:
                raise ValueError(f"route {key}: unknown adapter {adapter!r}: expected one of {', '.join(ADAPTERS)}")
        return routes

    @field_validator("digest_time")
    @classmethod
    def _hhmm(cls, text: str) -> str:
        if text and not _HHMM.fullmatch(text):
            raise ValueError(f'expected "HH:MM" or "", got {text!r}')
        return text
