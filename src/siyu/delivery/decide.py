"""What a delivery becomes after an attempt or a poll (pure: the result, the row's counts,
the policy and `now` in; the new column values, the task's change and the events out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from siyu.channels.base import DeliveryError, DeliveryState, Progress, Purpose, Receipt
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.retry import backoff_s
from siyu.core.timeutil import US_PER_SECOND


class TaskEffect(StrEnum):
    sent = "sent"  # the channel took the task: it is carried out
    failed = "failed"  # it cannot be carried out by the channel: the reason says why
    to_remind = "to_remind"  # the channel refused this customer (allowance): a person does it


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    retry_base_s: float = 30.0
    retry_cap_s: float = 3600.0
    poll_every_s: float = 300.0
    give_up_polling_s: float = 3 * 86_400.0  # a mass send nobody confirmed within this is failed


@dataclass(frozen=True)
class RecipientOutcome:
    """What one recipient of a send to several became (their task's change and events)."""

    recipient: str
    task: TaskEffect | None = None
    reason: Reason | str | None = None
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    values: dict[str, Any]
    task: TaskEffect | None = None  # for every task the delivery carries
    reason: Reason | str | None = None  # for the task: siyu's own reason, or the channel's words
    events: tuple[str, ...] = field(default_factory=tuple)
    each: tuple[RecipientOutcome, ...] = ()  # a send to several: each settled recipient's own outcome


def recipient_outcomes(each: Mapping[str, Progress], *, give_up: Reason | None = None) -> tuple[RecipientOutcome, ...]:
    """Each settled recipient's outcome; with `give_up`, the ones still pending fail with it."""
    outcomes = []
    for recipient, progress in sorted(each.items()):
        if progress.state is DeliveryState.delivered:
            outcomes.append(RecipientOutcome(recipient, events=("delivered",)))
        elif progress.state is DeliveryState.failed:
            effect = TaskEffect.to_remind if progress.over_allowance else TaskEffect.failed
            outcomes.append(RecipientOutcome(recipient, effect, progress.reason))
        elif give_up is not None:
            outcomes.append(RecipientOutcome(recipient, TaskEffect.failed, give_up))
    return tuple(outcomes)


def after_attempt(
    result: Receipt | DeliveryError,
    *,
    purpose: Purpose,
    attempts: int,
    still_in_doubt: bool,
    policy: Policy,
    now_us: int,
    draw: float,
) -> Decision:
    """After send / find. `still_in_doubt`: an earlier attempt's fate is still unknown (it was
    not looked for, or the search could not tell)."""
    finished = {"attempt_started_at": None, "updated_at": now_us}
    if isinstance(result, Receipt):
        values = {
            **finished,
            "status": "delivered" if result.delivered else "sent",
            "provider_ref": result.ref,
            "sent_at": now_us,
            "in_doubt": False,
            "last_error": None,
            "error_code": None,
            "next_attempt_at": now_us + int(policy.poll_every_s * US_PER_SECOND),
        }
        if result.delivered:
            values["delivered_at"] = now_us
        events = ("sent", "delivered") if result.delivered else ("sent",)
        if purpose is not Purpose.send:
            return Decision(values)
        return Decision(values, TaskEffect.sent, events=events)
    error_values = {**finished, "last_error": result.message, "error_code": result.code}
    if result.permanent:
        values = {**error_values, "status": "failed", "in_doubt": False}
        if purpose is not Purpose.send:
            return Decision(values)
        effect = TaskEffect.to_remind if result.remind_instead else TaskEffect.failed
        return Decision(values, effect, reason=result.message)
    in_doubt = result.in_doubt or still_in_doubt
    if attempts >= policy.max_attempts:
        return Decision({**error_values, "status": "dead", "in_doubt": in_doubt})
    wait = backoff_s(
        attempts, base_s=policy.retry_base_s, cap_s=policy.retry_cap_s, draw=draw, at_least_s=result.retry_after_s
    )
    return Decision(
        {
            **error_values,
            "status": "queued",
            "in_doubt": in_doubt,
            "next_attempt_at": now_us + int(wait * US_PER_SECOND),
        }
    )


def after_poll(
    result: Progress | DeliveryError,
    *,
    purpose: Purpose,
    sent_at_us: int,
    policy: Policy,
    now_us: int,
    draw: float,
) -> Decision:
    later = now_us + int(policy.poll_every_s * US_PER_SECOND)
    if isinstance(result, DeliveryError):
        if result.permanent:
            return Decision(
                {"status": "failed", "last_error": result.message, "error_code": result.code, "updated_at": now_us}
            )
        wait = backoff_s(
            1, base_s=policy.poll_every_s, cap_s=policy.retry_cap_s, draw=draw, at_least_s=result.retry_after_s
        )
        return Decision(
            {
                "last_error": result.message,
                "error_code": result.code,
                "next_attempt_at": now_us + int(wait * US_PER_SECOND),
                "updated_at": now_us,
            }
        )
    if result.each:
        return _after_poll_of_several(result, sent_at_us=sent_at_us, policy=policy, now_us=now_us)
    if result.state is DeliveryState.delivered:
        return Decision({"status": "delivered", "delivered_at": now_us, "updated_at": now_us}, events=("delivered",))
    if result.state is DeliveryState.failed:
        values = {"status": "failed", "last_error": result.reason, "error_code": result.code, "updated_at": now_us}
        if purpose is not Purpose.send:
            return Decision(values)
        effect = TaskEffect.to_remind if result.over_allowance else TaskEffect.failed
        return Decision(values, effect, reason=result.reason)
    if now_us - sent_at_us > int(policy.give_up_polling_s * US_PER_SECOND):
        hours = policy.give_up_polling_s / 3600
        reason = f"员工 {hours:g} 小时内未确认发送 (not confirmed by the staff member within {hours:g} h)"
        values = {"status": "failed", "last_error": reason, "error_code": "unconfirmed", "updated_at": now_us}
        why = Reason.of(ReasonCode.not_confirmed, hours=f"{hours:g}")
        return Decision(values, TaskEffect.failed if purpose is Purpose.send else None, reason=why)
    return Decision({"next_attempt_at": later, "updated_at": now_us})


def _after_poll_of_several(result: Progress, *, sent_at_us: int, policy: Policy, now_us: int) -> Decision:
    """A send to several recipients: the row is delivered once every recipient is settled; each
    settled recipient's task changes on its own (again on every poll: the changes and events are
    idempotent). Nobody confirmed within give_up_polling_s: the pending ones fail."""
    if result.state is DeliveryState.delivered:
        values = {"status": "delivered", "delivered_at": now_us, "updated_at": now_us}
        return Decision(values, each=recipient_outcomes(result.each))
    if now_us - sent_at_us > int(policy.give_up_polling_s * US_PER_SECOND):
        hours = f"{policy.give_up_polling_s / 3600:g}"
        why = Reason.of(ReasonCode.not_confirmed, hours=hours)
        values = {
            "status": "failed",
            "last_error": f"员工 {hours} 小时内未确认发送 (not confirmed by the staff member within {hours} h)",
            "error_code": "unconfirmed",
            "updated_at": now_us,
        }
        return Decision(values, each=recipient_outcomes(result.each, give_up=why))
    later = now_us + int(policy.poll_every_s * US_PER_SECOND)
    return Decision({"next_attempt_at": later, "updated_at": now_us}, each=recipient_outcomes(result.each))
