"""SOPs and their versions, brand settings, and the planner's state: entries, tasks and their changes."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, Json, TargetType, metadata, stamps

sops = sa.Table(
    "sops",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    # when the SOP was last switched on: event entries only count events after it
    sa.Column("enabled_at", Instant, nullable=True),
    *stamps(),
)

sop_versions = sa.Table(
    "sop_versions",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_file", sa.Text, nullable=True),
    sa.Column("definition", Json, nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),
    sa.Column("created_at", Instant, nullable=False),
)

brand_settings = sa.Table(
    "brand_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", Json, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
)


# ---------------------------------------------------------------- the planner

sop_state = sa.Table(
    "sop_state",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    # the version whose pending tasks the planner has brought in line (re-planning after an edit)
    sa.Column("planned_version", sa.Integer, nullable=True),
    # the planning `now` of the last audience check (entries, leaving, exits)
    sa.Column("audience_checked_at", Instant, nullable=True),
    # events with a larger id have not been looked at for event entries / on-event steps
    sa.Column("event_watermark", sa.BigInteger, nullable=False, server_default="0"),
    # recurring occurrences are made for every active entry up to this instant; while a pass
    # is under way, `recurring_cursor` is the last entry id done and `recurring_target` its goal
    sa.Column("recurring_until", Instant, nullable=True),
    sa.Column("recurring_target", Instant, nullable=True),
    sa.Column("recurring_cursor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("last_tick_at", Instant, nullable=True),
    # the last failure of one of the SOP's steps (planner.failures): the error's class and
    # message, never its SQL; cleared when a later tick runs the SOP cleanly
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_error_step", sa.String(16), nullable=True),
    sa.Column("last_error_at", Instant, nullable=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),  # ticks in a row that failed
)

# one row (id 1): the workday calendar (core.workdays fingerprint) by which pending and
# calendar-failed tasks were last re-planned; while a re-plan is under way, `target_fingerprint`
# is the calendar it plans by and `cursor` the last task id done
calendar_state = sa.Table(
    "calendar_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("planned_fingerprint", sa.String(64), nullable=True),
    sa.Column("target_fingerprint", sa.String(64), nullable=True),
    sa.Column("cursor", sa.BigInteger, nullable=False, server_default="0"),
)

# events dated in the future when an SOP first looked at them: taken once their time has come
sop_waiting_events = sa.Table(
    "sop_waiting_events",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("event_id", sa.BigInteger, primary_key=True),
    sa.Column("at", Instant, nullable=False),
    sa.Index("ix_sop_waiting_events_at", "sop_id", "at"),
)

sop_entries = sa.Table(
    "sop_entries",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_type", TargetType, nullable=False),
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("entry_no", sa.Integer, nullable=False),
    sa.Column("entered_at", Instant, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("holdout", sa.Boolean, nullable=False),
    sa.Column("source_event_id", sa.BigInteger, nullable=True),
    # the version whose one-off steps have been made into tasks for this entry (None: not yet)
    sa.Column("planned_version", sa.Integer, nullable=True),
    # the audience stopped holding at this planning `now` (re-entry `always` waits for it)
    sa.Column("left_at", Instant, nullable=True),
    sa.Column("exited_at", Instant, nullable=True),
    sa.Column("exit_reason", sa.Text, nullable=True),  # a core.reasons.ReasonCode
    sa.Column("exit_params", Json, nullable=True),
    sa.UniqueConstraint("sop_id", "target_type", "target_id", "entry_no", name="uq_sop_entries_occurrence"),
    sa.Index("ix_sop_entries_target", "target_type", "target_id"),
    # at most one open entry per SOP and target
    sa.Index(
        "uq_sop_entries_open",
        "sop_id",
        "target_type",
        "target_id",
        unique=True,
        sqlite_where=sa.text("exited_at IS NULL"),
        postgresql_where=sa.text("exited_at IS NULL"),
    ),
    sa.Index(
        "ix_sop_entries_unplanned",
        "sop_id",
        "id",
        sqlite_where=sa.text("exited_at IS NULL"),
        postgresql_where=sa.text("exited_at IS NULL"),
    ),
)

# tasks of one SOP step for one executor due in the same slot (the minute of their due instant):
# the unit a staff member is reminded of and works through at once (delivery/batches.py)
task_batches = sa.Table(
    "task_batches",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("executor_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    sa.Column("slot_at", Instant, nullable=False),  # due_at rounded down to the minute
    sa.Column("created_at", Instant, nullable=False),
    sa.UniqueConstraint("sop_id", "step_id", "executor_id", "slot_at", name="uq_task_batches_key"),
    sa.Index("ix_task_batches_executor", "executor_id", "slot_at"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("sop_version", sa.Integer, nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("target_type", TargetType, nullable=False),
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("entry_no", sa.Integer, nullable=False),  # 0 for work that belongs to no entry
    sa.Column("scheduled_at", Instant, nullable=False),  # the occurrence, before any adjustment
    sa.Column("wanted_at", Instant, nullable=False),  # after workdays and quiet hours, before caps
    sa.Column("due_at", Instant, nullable=False),  # after caps too
    # a customer-facing task whose day has not yet been checked against the brand's caps
    sa.Column("cap_pending", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(8), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("executor_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("variant", sa.String(100), nullable=True),
    sa.Column("event_id", sa.BigInteger, nullable=True),  # the event an `on:` step answers
    sa.Column("content", Json, nullable=True),  # rendered when the task becomes due
    # the batch it is reminded and worked in, set when a remind task becomes due
    sa.Column("batch_id", sa.BigInteger, sa.ForeignKey("task_batches.id", ondelete="SET NULL"), nullable=True),
    # why it was deferred, skipped, cancelled…: a core.reasons code with its parameters, or the
    # text a person gave (a skip) or a channel answered (a failure)
    sa.Column("reason_code", sa.String(40), nullable=True),
    sa.Column("reason_params", Json, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
    sa.UniqueConstraint(
        "sop_id", "step_id", "target_type", "target_id", "entry_no", "scheduled_at", name="uq_tasks_occurrence"
    ),
    sa.Index("ix_tasks_status_due", "status", "due_at"),
    sa.Index("ix_tasks_executor", "executor_id", "due_at"),
    sa.Index("ix_tasks_target", "target_type", "target_id", "due_at"),
    sa.Index("ix_tasks_sop", "sop_id", "status"),
    sa.Index("ix_tasks_batch", "batch_id", "status"),
    sa.Index(
        "ix_tasks_cap_pending",
        "target_id",
        sqlite_where=sa.text("cap_pending"),
        postgresql_where=sa.text("cap_pending"),
    ),
)

task_changes = sa.Table(
    "task_changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", Instant, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),  # "planner", "cli", "staff:E001"…
    sa.Column("reason_code", sa.String(40), nullable=True),
    sa.Column("reason_params", Json, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Index("ix_task_changes_task", "task_id", "at"),
)
