"""WeCom sync: the corp's customer tags and the queue of customer profiles to fetch.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wecom_corp_tags",
        sa.Column("tag_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("group_name", sa.String(length=100), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tag_id", name=op.f("pk_wecom_corp_tags")),
    )
    op.create_index("ix_wecom_corp_tags_name", "wecom_corp_tags", ["name"])
    op.create_table(
        "wecom_profile_fetches",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_wecom_profile_fetches_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_wecom_profile_fetches")),
    )
    op.create_index("ix_wecom_profile_fetches_work", "wecom_profile_fetches", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("wecom_profile_fetches")
    op.drop_table("wecom_corp_tags")
