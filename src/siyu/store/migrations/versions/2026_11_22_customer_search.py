"""Customer search by the start of a name (`ix_customers_name`).

On PostgreSQL the name is indexed in the "C" collation, whatever the database's own: searches
compare names byte-wise (`name COLLATE "C"`), so that the range [prefix, successor) holds exactly
the names that start with the prefix, and the page comes out of the index already in order.
SQLite compares byte-wise by default.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute('CREATE INDEX ix_customers_name ON customers (name COLLATE "C", id)')
    else:
        op.create_index("ix_customers_name", "customers", ["name", "id"])


def downgrade() -> None:
    op.drop_index("ix_customers_name", table_name="customers")
