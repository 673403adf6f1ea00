"""Indexes on the event properties that audiences filter on most (product, sku).

Without them, a condition such as `where: {product: 润肤霜}` reads every order row from the
table; with them it is an index range scan. They are expression indexes, so they live here
rather than in tables.py, in each database's own spelling; store/compile/json_properties.py writes the same
expression (`json_extract(properties, '$."product"')` on SQLite, `properties -> 'product'` on
PostgreSQL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED_PROPERTIES = ("product", "sku")


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    for key in INDEXED_PROPERTIES:
        if dialect == "sqlite":
            expression = f"json_extract(properties, '$.\"{key}\"')"
            op.execute(
                f"CREATE INDEX ix_events_property_{key} ON events (type, {expression}, customer_id, at, day)"
                f" WHERE {expression} IS NOT NULL"
            )
        else:
            op.execute(
                f"CREATE INDEX ix_events_property_{key} ON events (type, (properties -> '{key}'), customer_id, at)"
                f" WHERE (properties -> '{key}') IS NOT NULL"
            )


def downgrade() -> None:
    for key in INDEXED_PROPERTIES:
        op.execute(f"DROP INDEX ix_events_property_{key}")
