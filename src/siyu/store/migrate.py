"""Alembic, driven from code: `siyu db upgrade`, and automatically on first use."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


MIGRATION_LOCK = 0x5179_0001  # advisory lock key: one migrating process at a time on PostgreSQL


def upgrade_if_needed(engine: Engine) -> bool:
    """Migrate to head when behind; returns whether anything ran. Several processes starting
    together on PostgreSQL take turns, and the later ones find nothing left to do."""
    head = head_revision(engine)
    if current_revision(engine) == head:
        return False
    if engine.dialect.name != "postgresql":
        upgrade(engine)
        return True
    with engine.connect() as lock:
        lock.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            if current_revision(engine) == head:
                return False
            upgrade(engine)
            return True
        finally:
            lock.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            lock.commit()
