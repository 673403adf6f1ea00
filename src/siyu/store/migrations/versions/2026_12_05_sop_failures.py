"""A failed SOP step is recorded on the SOP: sop_state.last_error, last_error_step,
last_error_at and failures (ticks in a row that failed).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sop_state") as batch:
        batch.add_column(sa.Column("last_error", sa.Text, nullable=True))
        batch.add_column(sa.Column("last_error_step", sa.String(16), nullable=True))
        batch.add_column(sa.Column("last_error_at", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("failures", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("sop_state") as batch:
        for column in ("failures", "last_error_at", "last_error_step", "last_error"):
            batch.drop_column(column)
