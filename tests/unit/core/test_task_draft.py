"""The task an occurrence makes: pending with its due time, failed with the reason, capped or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from siyu.core.assign import pick_variant
from siyu.core.brand import BrandSettings
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Channel, Mode, NextAt, Variant
from siyu.core.reasons import ReasonCode
from siyu.core.task_draft import Target, TaskDraft, draft_task
from siyu.core.tasks import TaskStatus
from tests.unit.core.plan_samples import make_sop, make_step, sh

NOW = sh(2026, 6, 1, 12)
CUSTOMER = Target(TargetKind.customer, 40, "c-40", owner_id=7)
NIGHT = NextAt(time(23, 30))


def test_a_customer_facing_occurrence_is_pending_due_after_quiet_hours_and_waits_for_the_cap() -> None:
    step = make_step(NIGHT)
    sop = make_sop(step, priority=3)
    found = draft_task(
        sop,
        2,
        step,
        CUSTOMER,
        entry_no=1,
        scheduled_us=sh(2026, 6, 1, 23, 30),
        settings=BrandSettings(),
        now_us=NOW,
        executor_id=7,
        event_id=99,
    )
    assert found == TaskDraft(
        sop_id="welcome",
        sop_version=2,
        step_id="s1",
        target_type=TargetKind.customer,
        target_id=40,
        entry_no=1,
        scheduled_at=sh(2026, 6, 1, 23, 30),
        wanted_at=sh(2026, 6, 2, 8),
        due_at=sh(2026, 6, 2, 8),
        cap_pending=True,
        status=TaskStatus.pending,
        channel=Channel.private,
        mode=Mode.remind,
        priority=3,
        executor_id=7,
        variant=None,
        event_id=99,
        reason=None,
        created_at=NOW,
        updated_at=NOW,
    )


def test_an_internal_occurrence_is_not_counted_by_the_cap() -> None:
    step = make_step(NIGHT, channel=Channel.internal, mode=Mode.auto)
    found = draft_task(
        make_sop(step),
        1,
        step,
        CUSTOMER,
        entry_no=1,
        scheduled_us=sh(2026, 6, 1, 23, 30),
        settings=BrandSettings(),
        now_us=NOW,
        executor_id=None,
    )
    assert (found.cap_pending, found.due_at, found.channel, found.mode) == (
        False,
        sh(2026, 6, 1, 23, 30),
        Channel.internal,
        Mode.auto,
    )


def test_an_occurrence_that_cannot_be_timed_is_failed_with_the_reason_and_not_capped() -> None:
    step = make_step(NIGHT, workdays_only=True)
    brand = BrandSettings(workday_overrides={date(2026, 10, 1): True})
    found = draft_task(
        make_sop(step),
        1,
        step,
        CUSTOMER,
        entry_no=1,
        scheduled_us=sh(2150, 3, 2, 10),
        settings=brand,
        now_us=NOW,
        executor_id=7,
    )
    assert found.status is TaskStatus.failed
    assert not found.cap_pending
    assert found.due_at == found.wanted_at == sh(2150, 3, 2, 10)
    assert found.reason is not None and found.reason.code is ReasonCode.workday_calendar_missing


def test_the_variant_is_drawn_per_target() -> None:
    variants = (Variant("a", 1), Variant("b", 1))
    step = make_step(NIGHT, variants=variants)
    sop = make_sop(step)
    drafts = [
        draft_task(
            sop,
            1,
            step,
            replace(CUSTOMER, external_id=f"c-{n}"),
            entry_no=1,
            scheduled_us=NOW,
            settings=BrandSettings(),
            now_us=NOW,
            executor_id=None,
        )
        for n in range(40)
    ]
    assert [d.variant for d in drafts] == [pick_variant("welcome", "s1", f"c-{n}", variants) for n in range(40)]
    assert {d.variant for d in drafts} == {"a", "b"}
