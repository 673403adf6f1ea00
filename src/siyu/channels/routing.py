"""Which adapter carries a piece of work (pure): the brand's explicit routes first, else the
first enabled adapter able to carry it. "inbox" means nothing leaves siyu: for a reminder that
is fine (the task is on the staff member's list); for an auto task it means there is no channel
to send it, and the task becomes a remind task."""

from __future__ import annotations

from collections.abc import Mapping, Set

from siyu.core.reasons import Reason, ReasonCode

INBOX = "inbox"

# in order of preference, the adapters able to carry each kind of work
_CAPABLE: dict[str, tuple[str, ...]] = {
    "remind": ("wecom", "webhook"),
    "digest": ("wecom", "webhook"),
    "private": ("wecom", "webhook"),
    "group": ("wecom", "webhook"),
    "moments": ("wecom", "webhook"),
    "sms": ("sms", "webhook"),
}


def route_key(*, mode: str, channel: str) -> str:
    """The routes key of a task: its channel when sent automatically, else "remind"."""
    if mode == "auto" and channel in _CAPABLE:
        return channel
    return "remind"


def route(key: str, *, enabled: Set[str], overrides: Mapping[str, str]) -> str:
    """The adapter for `key` (a ROUTE_KEYS entry); INBOX when none is enabled and able."""
    chosen = overrides.get(key)
    if chosen is not None:
        return chosen if chosen == INBOX or chosen in enabled else INBOX
    for adapter in _CAPABLE.get(key, ()):
        if adapter in enabled:
            return adapter
    return INBOX


def unavailable_reason(key: str, *, enabled: Set[str], overrides: Mapping[str, str]) -> Reason:
    """Why an auto task of `key` falls back to a reminder (route() gave INBOX)."""
    chosen = overrides.get(key)
    if chosen is not None and chosen != INBOX and chosen not in enabled:
        return Reason.of(ReasonCode.adapter_disabled, adapter=chosen)
    return Reason.of(ReasonCode.no_adapter, channel=key)
