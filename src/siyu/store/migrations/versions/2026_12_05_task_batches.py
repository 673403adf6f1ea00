"""Task batches: the tasks of one SOP step for one executor due in the same minute, reminded
once (deliveries.batch_id) and worked at once; delivery_tasks names the tasks a delivery carries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "task_batches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("step_id", sa.String(length=100), nullable=False),
        sa.Column("executor_id", sa.Integer(), nullable=False),
        sa.Column("slot_at", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_task_batches_sop_id_sops"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["executor_id"], ["staff.id"], name=op.f("fk_task_batches_executor_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_batches")),
        sa.UniqueConstraint("sop_id", "step_id", "executor_id", "slot_at", name="uq_task_batches_key"),
    )
    op.create_index("ix_task_batches_executor", "task_batches", ["executor_id", "slot_at"])
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("batch_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_tasks_batch_id_task_batches"), "task_batches", ["batch_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_tasks_batch", ["batch_id", "status"])
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("batch_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_deliveries_batch_id_task_batches"), "task_batches", ["batch_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_deliveries_batch", ["batch_id"])
    op.create_table(
        "delivery_tasks",
        sa.Column("delivery_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_tasks_delivery_id_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_delivery_tasks_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("delivery_id", "task_id", name=op.f("pk_delivery_tasks")),
        sa.UniqueConstraint("task_id", "purpose", name="uq_delivery_tasks_task"),
    )


def downgrade() -> None:
    op.drop_table("delivery_tasks")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_batch")
        batch.drop_constraint(op.f("fk_deliveries_batch_id_task_batches"), type_="foreignkey")
        batch.drop_column("batch_id")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_batch")
        batch.drop_constraint(op.f("fk_tasks_batch_id_task_batches"), type_="foreignkey")
        batch.drop_column("batch_id")
    op.drop_table("task_batches")
