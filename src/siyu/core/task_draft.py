"""A task as the planner makes it, before it is stored: the target it is about and every value of
its row (sop, step, occurrence, timing, executor, variant). Pure: the brand's settings and the
instant of the planning pass are arguments."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.core.assign import pick_variant
from siyu.core.brand import BrandSettings
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import CUSTOMER_FACING, Channel, Mode, Sop, Step
from siyu.core.reasons import Reason
from siyu.core.tasks import TaskStatus
from siyu.core.timing import due_timing


@dataclass(frozen=True)
class Target:
    """One target of a step, as the planner needs it to make a task."""

    type: TargetKind
    id: int
    external_id: str
    owner_id: int | None  # the customer's or group's owner; the staff account itself for staff


@dataclass(frozen=True)
class TaskDraft:
    """One new task; the fields are the task table's columns of the same names."""

    sop_id: str
    sop_version: int
    step_id: str
    target_type: TargetKind
    target_id: int
    entry_no: int
    scheduled_at: int  # the occurrence's instant (part of the occurrence key)
    wanted_at: int  # after workdays and quiet hours, before the frequency cap
    due_at: int  # the frequency cap may move it later
    cap_pending: bool  # a customer-facing task the frequency cap has not yet placed
    status: TaskStatus
    channel: Channel
    mode: Mode
    priority: int
    executor_id: int | None
    variant: str | None
    event_id: int | None
    reason: Reason | None
    created_at: int
    updated_at: int


def draft_task(
    sop: Sop,
    version: int,
    step: Step,
    target: Target,
    *,
    entry_no: int,
    scheduled_us: int,
    settings: BrandSettings,
    now_us: int,
    executor_id: int | None,
    event_id: int | None = None,
) -> TaskDraft:
    """The task of one occurrence of `step` for `target`: pending and due when the brand's moves
    put it, or failed with the reason when it cannot be timed."""
    when = due_timing(step, scheduled_us, settings)
    return TaskDraft(
        sop_id=sop.id,
        sop_version=version,
        step_id=step.id,
        target_type=target.type,
        target_id=target.id,
        entry_no=entry_no,
        scheduled_at=scheduled_us,
        wanted_at=when.wanted_us,
        due_at=when.wanted_us,
        cap_pending=step.channel in CUSTOMER_FACING and when.failure is None,
        status=TaskStatus.failed if when.failure else TaskStatus.pending,
        channel=step.channel,
        mode=step.mode,
        priority=sop.priority,
        executor_id=executor_id,
        variant=pick_variant(sop.id, step.id, target.external_id, step.variants),
        event_id=event_id,
        reason=when.failure,
        created_at=now_us,
        updated_at=now_us,
    )
