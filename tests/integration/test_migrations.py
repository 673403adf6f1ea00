"""The migrations build exactly the schema that tables.py describes, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from siyu.store.migrate import current_revision, head_revision, upgrade_if_needed
from siyu.store.tables import metadata


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    assert upgrade_if_needed(engine) is False


def _not_an_expression_index(name: str | None, kind: str, _parents: object) -> bool:
    """The event property indexes are expressions, written per database in their migration."""
    return not (kind == "index" and name is not None and name.startswith("ix_events_property_"))


def test_migrated_schema_matches_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _not_an_expression_index}
        )
        assert compare_metadata(context, metadata) == []


def test_event_property_indexes_exist(engine: Engine) -> None:
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if engine.dialect.name == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.connect() as conn:
        names = set(conn.execute(sa.text(catalogue)).scalars())
    assert {"ix_events_property_product", "ix_events_property_sku"} <= names
