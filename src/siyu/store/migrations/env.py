"""Alembic environment: the engine comes from siyu.store.migrate, never from an ini file."""

from alembic import context
from sqlalchemy.engine import Engine

from siyu.store.tables import metadata

engine: Engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
