"""The schema's shared parts: naming, metadata, column types and the table shapes used more than
once. Instants are BIGINT microseconds since the epoch (UTC); local days are INTEGER
day numbers in the brand's time zone (see core.timeutil). Link tables are WITHOUT ROWID on
SQLite so that their secondary indexes cover the whole row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Instant = sa.BigInteger  # microseconds since the epoch, UTC


def stamps() -> list[sa.Column[int]]:
    return [
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
    ]


def owned_by(owner: str, parent: str) -> sa.Column[int]:
    """The key column of a row that belongs to a staff member, customer or group (deleted with it)."""
    return sa.Column(f"{owner}_id", sa.Integer, sa.ForeignKey(f"{parent}.id", ondelete="CASCADE"), primary_key=True)


def tag_table(name: str, owner: str, parent: str) -> sa.Table:
    """Tags of staff, customers or groups: one row per (owner, tag), indexed by tag."""
    return sa.Table(
        name,
        metadata,
        owned_by(owner, parent),
        sa.Column("tag", sa.String(100), primary_key=True),
        sa.Index(f"ix_{name}_tag", "tag", f"{owner}_id"),
        sqlite_with_rowid=False,
    )


def attribute_table(name: str, owner: str, parent: str) -> sa.Table:
    """Attributes of customers or groups, normalised by core.values.normalize."""
    return sa.Table(
        name,
        metadata,
        owned_by(owner, parent),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value_text", sa.Text, nullable=False),
        sa.Column("value_num", sa.Float(precision=53), nullable=True),
        sa.Column("value_day", sa.Integer, nullable=True),
        sa.Index(f"ix_{name}_text", "key", "value_text", f"{owner}_id"),
        # most values are text: the number and date indexes only hold values that are numbers / dates
        sa.Index(
            f"ix_{name}_num",
            "key",
            "value_num",
            f"{owner}_id",
            sqlite_where=sa.text("value_num IS NOT NULL"),
            postgresql_where=sa.text("value_num IS NOT NULL"),
        ),
        sa.Index(
            f"ix_{name}_day",
            "key",
            "value_day",
            f"{owner}_id",
            sqlite_where=sa.text("value_day IS NOT NULL"),
            postgresql_where=sa.text("value_day IS NOT NULL"),
        ),
        sqlite_with_rowid=False,
    )


TargetType = sa.String(16)  # "customer" | "group" | "staff"
