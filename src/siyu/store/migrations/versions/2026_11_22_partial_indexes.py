"""Partial indexes where most rows would only add empty entries.

Attribute number and date indexes hold only values that are numbers / dates: most attribute
values (gender, source, city…) are text, and indexing their empty number and date columns
tripled the index writes of a customer import. The group index of events holds only group
events: most events are a customer's.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("customer_attributes", "customer_id"), ("group_attributes", "group_id"))


def upgrade() -> None:
    op.drop_index("ix_events_group", table_name="events")
    has_group = sa.text("group_id IS NOT NULL")
    op.create_index(
        "ix_events_group", "events", ["group_id", "type", "at"], sqlite_where=has_group, postgresql_where=has_group
    )
    for table, owner in TABLES:
        for column, suffix in (("value_num", "num"), ("value_day", "day")):
            name = f"ix_{table}_{suffix}"
            op.drop_index(name, table_name=table)
            where = sa.text(f"{column} IS NOT NULL")
            op.create_index(name, table, ["key", column, owner], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("ix_events_group", table_name="events")
    op.create_index("ix_events_group", "events", ["group_id", "type", "at"])
    for table, owner in TABLES:
        for column, suffix in (("value_num", "num"), ("value_day", "day")):
            name = f"ix_{table}_{suffix}"
            op.drop_index(name, table_name=table)
            op.create_index(name, table, ["key", column, owner])
