"""The one interface every channel adapter implements, and what passes through it.

An adapter turns an `Outgoing` (one task sent to a customer, one reminder to a staff member, one
daily digest) into a provider call and returns a `Receipt`, or raises `DeliveryError`, saying
whether trying again could help (`permanent=False`) or not. Adapters do no database work and
read no clock: the dispatcher owns both. The outgoing `key` is the idempotency key: the same
key is sent on every attempt, so a provider (or a receiver) can drop a repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Purpose(StrEnum):
    send = "send"  # an auto-mode task: the channel sends the content to the customer / group
    remind = "remind"  # a remind-mode task: the executor is told, with a link to the task
    digest = "digest"  # a staff member's daily summary of their open tasks


@dataclass(frozen=True)
class Person:
    """A staff member, customer or group as a provider knows it: its external id and name."""

    external_id: str
    name: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    key: str  # the idempotency key, e.g. "task:42:send"
    purpose: Purpose
    channel: str  # the step's channel: private | group | moments | sms | internal
    text: str  # the rendered script, or the reminder / digest text
    task_id: int | None = None
    staff: Person | None = None  # the executor / sender, or the digest's reader
    customer: Person | None = None
    group: Person | None = None
    materials: tuple[Mapping[str, Any], ...] = ()
    link: str | None = None  # a remind task's phone page
    title: str = ""  # a reminder's or digest's heading
    extra: Mapping[str, Any] = field(default_factory=dict)
    # a private send to several customers at once (one WeCom mass-send task): `customer` is then None
    recipients: tuple[Person, ...] = ()

    def as_payload(self) -> dict[str, Any]:
        """The JSON form kept on the delivery row and posted by webhooks."""
        payload: dict[str, Any] = {
            "key": self.key,
            "purpose": self.purpose.value,
            "channel": self.channel,
            "task": self.task_id,
            "title": self.title,
            "text": self.text,
            "link": self.link,
            "materials": [dict(m) for m in self.materials],
            "staff": _person(self.staff),
            "customer": _person(self.customer),
            "group": _person(self.group),
            "extra": dict(self.extra),
        }
        if self.recipients:
            payload["recipients"] = [_person(person) for person in self.recipients]
        return payload


def _person(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.external_id, "name": person.name}


@dataclass(frozen=True)
class Receipt:
    """What the provider said: its reference for the message, and whether it already confirms
    delivery (a webhook's 2xx, the inbox) or delivery is to be asked later (`poll`)."""

    ref: str | None = None
    delivered: bool = False


class DeliveryState(StrEnum):
    pending = "pending"  # accepted, not yet carried out (WeCom: the staff member has not sent it)
    delivered = "delivered"
    failed = "failed"


@dataclass(frozen=True)
class Progress:
    state: DeliveryState
    reason: str | None = None
    code: str | None = None  # the provider's code for a failure
    over_allowance: bool = False  # WeCom refused: the customer had their monthly mass sends
    # a send to several recipients: each one's own progress by external id (`state` is pending
    # while any of them is)
    each: Mapping[str, Progress] = field(default_factory=dict)


class DeliveryError(Exception):
    """The provider did not take the message. `permanent`: trying again cannot help (a bad
    recipient, a refused permission). `in_doubt`: the request may have arrived (a timeout after
    sending) — the next attempt first asks the provider (`find`). `retry_after_s`: the provider
    asked for a pause (rate limit). `remind_instead`: the channel cannot send this one, but a
    person can (WeCom's monthly allowance is used up, a material WeCom does not have): the task
    goes back to the staff member as a reminder, with the reason."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        code: str | None = None,
        in_doubt: bool = False,
        retry_after_s: float | None = None,
        over_allowance: bool = False,
        remind_instead: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code
        self.in_doubt = in_doubt
        self.retry_after_s = retry_after_s
        self.over_allowance = over_allowance
        self.remind_instead = remind_instead or over_allowance


class Adapter(Protocol):
    name: str

    def send(self, item: Outgoing) -> Receipt:
        """Hand the item to the provider; raises DeliveryError."""
        ...

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        """After an attempt whose outcome is unknown (started at unix time `since_s`): the
        receipt if the provider has the item, None if it certainly does not (sending again is
        safe). Raises DeliveryError(permanent=False) when it cannot tell yet."""
        ...

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        """Whether an accepted item has been delivered; raises DeliveryError."""
        ...

    def close(self) -> None: ...
