"""What a webhook takes: the brand's endpoint, the secret siyu signs with, the secret siyu's own
inbound endpoint checks, and which kinds of work the endpoint wants."""

from __future__ import annotations

from typing import ClassVar

import httpx2
from pydantic import Field, field_validator

from siyu.channels.base import Purpose
from siyu.channels.settings import ChannelSettings

MIN_SECRET_LENGTH = 16


def check_http_url(url: str) -> str:
    """`url` unchanged if it is an absolute http(s) address ("" = not set yet); else ValueError."""
    if not url:
        return url
    try:
        parsed = httpx2.URL(url)
    except httpx2.InvalidURL as exc:
        raise ValueError(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in {"http", "https"}:
        raise ValueError(f"the URL must start with http:// or https://, got {parsed.scheme or 'no'} scheme")
    if not parsed.host:
        raise ValueError("the URL has no host")
    if parsed.port is not None and not 1 <= parsed.port <= 65_535:
        raise ValueError(f"the URL's port {parsed.port} is not between 1 and 65535")
    if parsed.userinfo:
        raise ValueError("the URL must not carry a user name or password (settings are shown back; use the secret)")
    return url


def check_secret(secret: str) -> str:
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"a secret needs at least {MIN_SECRET_LENGTH} characters, got {len(secret)}")
    return secret


class WebhookSettings(ChannelSettings):
    SECRETS: ClassVar[frozenset[str]] = frozenset({"secret", "inbound_secret"})

    url: str = Field("", max_length=2000, description="the endpoint deliveries are POSTed to (http or https)")
    timeout_s: float = Field(10.0, gt=0, le=120, description="seconds to wait for the endpoint's answer")
    purposes: tuple[Purpose, ...] = Field(
        tuple(Purpose),
        min_length=1,
        description="what the endpoint takes: send (auto tasks), remind (reminders), digest (daily summaries)",
    )
    # secrets
    secret: str = Field("", max_length=200, description="signs every delivery (X-Siyu-Signature); needed to send")
    inbound_secret: str = Field(
        "", max_length=200, description="what callers of siyu's inbound webhook endpoint sign with"
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        return check_http_url(url)

    @field_validator("purposes")
    @classmethod
    def _canonical_order(cls, purposes: tuple[Purpose, ...]) -> tuple[Purpose, ...]:
        return tuple(purpose for purpose in Purpose if purpose in purposes)  # stored the same however given

    @field_validator("secret", "inbound_secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        return check_secret(secret)
