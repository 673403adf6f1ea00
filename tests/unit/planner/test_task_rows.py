"""A TaskDraft becomes a row of the task table in one place, field for column."""

from __future__ import annotations

from dataclasses import fields
from datetime import time

from siyu.core.brand import BrandSettings
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import NextAt
from siyu.core.task_draft import Target, TaskDraft, draft_task
from siyu.planner.task_rows import COLUMNS, OCCURRENCE, task_row
from siyu.store.tables import tasks
from tests.unit.core.plan_samples import make_sop, make_step, sh


def test_the_drafts_fields_are_the_columns_in_the_tables_order() -> None:
    # a draft's reason is stored as its code and parameters (core.reasons), beside the text
    # column a person's or a channel's words go in
    stored_as = {"reason": ("reason_code", "reason_params", "reason")}
    columns = tuple(name for f in fields(TaskDraft) for name in stored_as.get(f.name, (f.name,)))
    assert columns == COLUMNS
    table_order = [column.name for column in tasks.columns if column.name in COLUMNS]
    assert tuple(table_order) == COLUMNS
    assert set(OCCURRENCE) <= set(COLUMNS)


def test_a_row_holds_each_fields_stored_value() -> None:
    step = make_step(NextAt(time(9)))
    draft = draft_task(
        make_sop(step),
        4,
        step,
        Target(TargetKind.customer, 40, "c-40", 7),
        entry_no=2,
        scheduled_us=sh(2026, 6, 1, 9),
        settings=BrandSettings(),
        now_us=sh(2026, 6, 1, 8),
        executor_id=7,
    )
    row = dict(zip(COLUMNS, task_row(draft), strict=True))
    assert row == {
        "sop_id": "welcome",
        "sop_version": 4,
        "step_id": "s1",
        "target_type": "customer",
        "target_id": 40,
        "entry_no": 2,
        "scheduled_at": sh(2026, 6, 1, 9),
        "wanted_at": sh(2026, 6, 1, 9),
        "due_at": sh(2026, 6, 1, 9),
        "cap_pending": True,
        "status": "pending",
        "channel": "private",
        "mode": "remind",
        "priority": 0,
        "executor_id": 7,
        "variant": None,
        "event_id": None,
        "reason_code": None,
        "reason_params": None,
        "reason": None,
        "created_at": sh(2026, 6, 1, 8),
        "updated_at": sh(2026, 6, 1, 8),
    }
    assert all(type(value) is str for key, value in row.items() if key in ("target_type", "status", "channel", "mode"))
