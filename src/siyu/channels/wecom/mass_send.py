"""Who a WeCom mass send (群发) goes to, and what WeCom's send result says of each recipient.

A private send may carry several customers of one staff member (the same rendered content:
delivery/mass_sends.py groups them): WeCom takes up to 10,000 `external_userid` in one
`add_msg_template`, the staff member confirms it once, and `get_groupmsg_send_result` lists
each recipient with its own status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Person, Progress

MAX_RECIPIENTS = 10_000  # external_userid per add_msg_template


@dataclass(frozen=True)
class MassTarget:
    chat_type: str  # single | group
    sender: str
    recipients: tuple[str, ...]
    field: str  # the recipient's field in a send result: external_userid | chat_id
    several: bool  # an aggregated private send: progress is reported per recipient

    @property
    def recipient(self) -> str:
        return self.recipients[0]


def staff_of(item: Outgoing) -> str:
    return id_of(item.staff, item, "staff member")


def id_of(person: Person | None, item: Outgoing, role: str) -> str:
    if person is None or not person.external_id:
        raise DeliveryError(
            f"{item.key}: a WeCom {item.channel} {item.purpose.value} needs the {role}'s WeCom id",
            permanent=True,
            code="wecom:recipient",
        )
    return person.external_id


def mass_target(item: Outgoing) -> MassTarget:
    sender = staff_of(item)
    if item.channel != "private":
        return MassTarget("group", sender, (id_of(item.group, item, "group"),), "chat_id", several=False)
    if not item.recipients:
        return MassTarget("single", sender, (id_of(item.customer, item, "customer"),), "external_userid", False)
    recipients = tuple(dict.fromkeys(id_of(person, item, "customer") for person in item.recipients))
    if len(recipients) > MAX_RECIPIENTS:
        raise DeliveryError(
            f"{item.key}: {len(recipients)} customers in one WeCom mass send; WeCom takes at most {MAX_RECIPIENTS}",
            permanent=True,
            code="wecom:too_many",
        )
    return MassTarget("single", sender, recipients, "external_userid", several=True)


def recipient_progress(entry: Mapping[str, Any] | None, recipient: str, msgid: str) -> Progress:
    """One recipient's progress from its row of WeCom's send result (None: not listed)."""
    if entry is None:
        return Progress(
            DeliveryState.failed,
            reason=f"WeCom's send result of {msgid} does not list {recipient}",
            code="wecom:missing",
        )
    status = entry.get("status")
    if status == 0:
        return Progress(DeliveryState.pending)
    if status == 1:
        return Progress(DeliveryState.delivered)
    if status == 2:
        return Progress(
            DeliveryState.failed,
            reason="客户不是好友导致发送失败 (the customer is not the staff member's friend)",
            code="wecom:status2",
        )
    if status == 3:
        return Progress(
            DeliveryState.failed,
            reason="客户本月已收到群发上限 (the customer already had this month's mass sends)",
            code="wecom:status3",
            over_allowance=True,
        )
    raise DeliveryError(
        f"WeCom's send result of {msgid} has an unknown status {status!r} for {recipient}",
        permanent=False,
        code="wecom:bad_answer",
    )


def overall(each: Mapping[str, Progress]) -> Progress:
    """A send to several recipients: pending while any is, delivered once every one is settled
    (each recipient's own outcome is in `each`)."""
    pending = any(progress.state is DeliveryState.pending for progress in each.values())
    return Progress(DeliveryState.pending if pending else DeliveryState.delivered, each=dict(each))
