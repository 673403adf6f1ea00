"""The planner: SOP entries, tasks and their changes, per-SOP planning state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OPEN = sa.text("exited_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("sops") as batch:
        batch.add_column(sa.Column("enabled_at", sa.BigInteger(), nullable=True))
    op.create_table(
        "sop_state",
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("planned_version", sa.Integer(), nullable=True),
        sa.Column("audience_checked_at", sa.BigInteger(), nullable=True),
        sa.Column("event_watermark", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("recurring_until", sa.BigInteger(), nullable=True),
        sa.Column("recurring_target", sa.BigInteger(), nullable=True),
        sa.Column("recurring_cursor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_tick_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_sop_state_sop_id_sops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sop_id", name=op.f("pk_sop_state")),
    )
    op.create_table(
        "sop_waiting_events",
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sop_id"], ["sops.id"], name=op.f("fk_sop_waiting_events_sop_id_sops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sop_id", "event_id", name=op.f("pk_sop_waiting_events")),
    )
    op.create_index("ix_sop_waiting_events_at", "sop_waiting_events", ["sop_id", "at"])
    op.create_table(
        "sop_entries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.Column("source_event_id", sa.BigInteger(), nullable=True),
        sa.Column("planned_version", sa.Integer(), nullable=True),
        sa.Column("left_at", sa.BigInteger(), nullable=True),
        sa.Column("exited_at", sa.BigInteger(), nullable=True),
        sa.Column("exit_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_sop_entries_sop_id_sops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sop_entries")),
        sa.UniqueConstraint("sop_id", "target_type", "target_id", "entry_no", name="uq_sop_entries_occurrence"),
    )
    op.create_index("ix_sop_entries_target", "sop_entries", ["target_type", "target_id"])
    op.create_index(
        "uq_sop_entries_open",
        "sop_entries",
        ["sop_id", "target_type", "target_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_sop_entries_unplanned", "sop_entries", ["sop_id", "id"], sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_table(
        "tasks",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("sop_version", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=100), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.BigInteger(), nullable=False),
        sa.Column("wanted_at", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("cap_pending", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=True),
        sa.Column("variant", sa.String(length=100), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("content", JSON, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["executor_id"], ["staff.id"], name=op.f("fk_tasks_executor_id_staff")),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_tasks_sop_id_sops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint(
            "sop_id", "step_id", "target_type", "target_id", "entry_no", "scheduled_at", name="uq_tasks_occurrence"
        ),
    )
    op.create_index("ix_tasks_status_due", "tasks", ["status", "due_at"])
    op.create_index("ix_tasks_executor", "tasks", ["executor_id", "due_at"])
    op.create_index("ix_tasks_target", "tasks", ["target_type", "target_id", "due_at"])
    op.create_index("ix_tasks_sop", "tasks", ["sop_id", "status"])
    capping = sa.text("cap_pending")
    op.create_index("ix_tasks_cap_pending", "tasks", ["target_id"], sqlite_where=capping, postgresql_where=capping)
    op.create_table(
        "task_changes",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_changes_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_changes")),
    )
    op.create_index("ix_task_changes_task", "task_changes", ["task_id", "at"])


def downgrade() -> None:
    op.drop_table("task_changes")
    op.drop_table("tasks")
    op.drop_table("sop_entries")
    op.drop_table("sop_waiting_events")
    op.drop_table("sop_state")
    with op.batch_alter_table("sops") as batch:
        batch.drop_column("enabled_at")
