"""The brand's people and what they did: staff, customers, groups, their tags and attributes, events."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, Json, attribute_table, metadata, owned_by, stamps, tag_table

staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("manager_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    *stamps(),
)

staff_roles = sa.Table(
    "staff_roles",
    metadata,
    owned_by("staff", "staff"),
    sa.Column("role", sa.String(100), primary_key=True),
    sa.Index("ix_staff_roles_role", "role", "staff_id"),
    sqlite_with_rowid=False,
)

staff_tags = tag_table("staff_tags", "staff", "staff")

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("birthday", sa.Date, nullable=True),
    # month * 100 + day of the birthday, so that "birthday today" is an indexed IN list
    sa.Column("birthday_md", sa.SmallInteger, nullable=True),
    *stamps(),
    sa.Index("ix_customers_owner_id", "owner_id"),
    sa.Index("ix_customers_birthday_md", "birthday_md"),
    # search by the start of a name; PostgreSQL builds it in the "C" collation (migration 0006)
    sa.Index("ix_customers_name", "name", "id"),
)


customer_attributes = attribute_table("customer_attributes", "customer", "customers")

customer_tags = tag_table("customer_tags", "customer", "customers")

chat_groups = sa.Table(
    "chat_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    *stamps(),
)

group_attributes = attribute_table("group_attributes", "group", "chat_groups")

group_tags = tag_table("group_tags", "group", "chat_groups")

group_roles = sa.Table(
    "group_roles",
    metadata,
    owned_by("group", "chat_groups"),
    owned_by("staff", "staff"),
    sa.Column("role", sa.String(100), primary_key=True),
    sa.Index("ix_group_roles_staff_id", "staff_id"),
    sqlite_with_rowid=False,
)

group_members = sa.Table(
    "group_members",
    metadata,
    owned_by("group", "chat_groups"),
    owned_by("customer", "customers"),
    sa.Column("created_at", Instant, nullable=False),
    sa.Index("ix_group_members_customer_id", "customer_id", "group_id"),
    sqlite_with_rowid=False,
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("chat_groups.id", ondelete="CASCADE"), nullable=True),
    sa.Column("at", Instant, nullable=False),
    sa.Column("day", sa.Integer, nullable=False),
    sa.Column("properties", Json, nullable=False),
    sa.CheckConstraint("customer_id IS NOT NULL OR group_id IS NOT NULL", name="has_target"),
    sa.Index("ix_events_type_at", "type", "at", "customer_id"),
    sa.Index("ix_events_customer", "customer_id", "type", "at"),
    sa.Index(
        "ix_events_group",
        "group_id",
        "type",
        "at",
        sqlite_where=sa.text("group_id IS NOT NULL"),
        postgresql_where=sa.text("group_id IS NOT NULL"),
    ),
)
