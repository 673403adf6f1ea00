"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 12:23:06.218723
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "brand_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_brand_settings")),
    )
    op.create_table(
        "sops",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sops")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["manager_id"], ["staff.id"], name=op.f("fk_staff_manager_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("external_id", name=op.f("uq_staff_external_id")),
    )
    op.create_table(
        "chat_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"], name=op.f("fk_chat_groups_owner_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_groups")),
        sa.UniqueConstraint("external_id", name=op.f("uq_chat_groups_external_id")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("birthday_md", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"], name=op.f("fk_customers_owner_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("external_id", name=op.f("uq_customers_external_id")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_birthday_md", ["birthday_md"], unique=False)
        batch_op.create_index("ix_customers_owner_id", ["owner_id"], unique=False)

    op.create_table(
        "sop_versions",
        sa.Column("sop_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["sop_id"], ["sops.id"], name=op.f("fk_sop_versions_sop_id_sops"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sop_id", "version", name=op.f("pk_sop_versions")),
    )
    op.create_table(
        "staff_roles",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_roles_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "role", name=op.f("pk_staff_roles")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("staff_roles", schema=None) as batch_op:
        batch_op.create_index("ix_staff_roles_role", ["role", "staff_id"], unique=False)

    op.create_table(
        "staff_tags",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_tags_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", "tag", name=op.f("pk_staff_tags")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("staff_tags", schema=None) as batch_op:
        batch_op.create_index("ix_staff_tags_tag", ["tag", "staff_id"], unique=False)

    op.create_table(
        "customer_attributes",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=False),
        sa.Column("value_num", sa.Float(precision=53), nullable=True),
        sa.Column("value_day", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_attributes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "key", name=op.f("pk_customer_attributes")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("customer_attributes", schema=None) as batch_op:
        batch_op.create_index("ix_customer_attributes_day", ["key", "value_day", "customer_id"], unique=False)
        batch_op.create_index("ix_customer_attributes_num", ["key", "value_num", "customer_id"], unique=False)
        batch_op.create_index("ix_customer_attributes_text", ["key", "value_text", "customer_id"], unique=False)

    op.create_table(
        "customer_tags",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_tags_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "tag", name=op.f("pk_customer_tags")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.create_index("ix_customer_tags_tag", ["tag", "customer_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column(
            "properties",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.CheckConstraint("customer_id IS NOT NULL OR group_id IS NOT NULL", name=op.f("ck_events_has_target")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chat_groups.id"],
            name=op.f("fk_events_group_id_chat_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("external_id", name=op.f("uq_events_external_id")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_customer", ["customer_id", "type", "at"], unique=False)
        batch_op.create_index("ix_events_group", ["group_id", "type", "at"], unique=False)
        batch_op.create_index("ix_events_type_at", ["type", "at", "customer_id"], unique=False)

    op.create_table(
        "group_attributes",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=False),
        sa.Column("value_num", sa.Float(precision=53), nullable=True),
        sa.Column("value_day", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chat_groups.id"],
            name=op.f("fk_group_attributes_group_id_chat_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "key", name=op.f("pk_group_attributes")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("group_attributes", schema=None) as batch_op:
        batch_op.create_index("ix_group_attributes_day", ["key", "value_day", "group_id"], unique=False)
        batch_op.create_index("ix_group_attributes_num", ["key", "value_num", "group_id"], unique=False)
        batch_op.create_index("ix_group_attributes_text", ["key", "value_text", "group_id"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_group_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chat_groups.id"],
            name=op.f("fk_group_members_group_id_chat_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "customer_id", name=op.f("pk_group_members")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index("ix_group_members_customer_id", ["customer_id", "group_id"], unique=False)

    op.create_table(
        "group_roles",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chat_groups.id"],
            name=op.f("fk_group_roles_group_id_chat_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_group_roles_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "staff_id", "role", name=op.f("pk_group_roles")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("group_roles", schema=None) as batch_op:
        batch_op.create_index("ix_group_roles_staff_id", ["staff_id"], unique=False)

    op.create_table(
        "group_tags",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["chat_groups.id"],
            name=op.f("fk_group_tags_group_id_chat_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "tag", name=op.f("pk_group_tags")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("group_tags", schema=None) as batch_op:
        batch_op.create_index("ix_group_tags_tag", ["tag", "group_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("group_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_group_tags_tag")

    op.drop_table("group_tags")
    with op.batch_alter_table("group_roles", schema=None) as batch_op:
        batch_op.drop_index("ix_group_roles_staff_id")

    op.drop_table("group_roles")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index("ix_group_members_customer_id")

    op.drop_table("group_members")
    with op.batch_alter_table("group_attributes", schema=None) as batch_op:
        batch_op.drop_index("ix_group_attributes_text")
        batch_op.drop_index("ix_group_attributes_num")
        batch_op.drop_index("ix_group_attributes_day")

    op.drop_table("group_attributes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_type_at")
        batch_op.drop_index("ix_events_group")
        batch_op.drop_index("ix_events_customer")

    op.drop_table("events")
    with op.batch_alter_table("customer_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_tags_tag")

    op.drop_table("customer_tags")
    with op.batch_alter_table("customer_attributes", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_attributes_text")
        batch_op.drop_index("ix_customer_attributes_num")
        batch_op.drop_index("ix_customer_attributes_day")

    op.drop_table("customer_attributes")
    with op.batch_alter_table("staff_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_tags_tag")

    op.drop_table("staff_tags")
    with op.batch_alter_table("staff_roles", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_roles_role")

    op.drop_table("staff_roles")
    op.drop_table("sop_versions")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_owner_id")
        batch_op.drop_index("ix_customers_birthday_md")

    op.drop_table("customers")
    op.drop_table("chat_groups")
    op.drop_table("staff")
    op.drop_table("sops")
    op.drop_table("brand_settings")
