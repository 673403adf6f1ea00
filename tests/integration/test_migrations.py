"""The migrations build exactly the schema that tables.py describes, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from siyu.store.migrate import current_revision, head_revision, upgrade_if_needed
from siyu.store.tables import metadata


def test_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine)
    assert upgrade_if_needed(engine) is False


def test_migrated_schema_matches_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
