"""Test databases: a migrated SQLite file per test, and a PostgreSQL schema per test session
that is emptied between tests. PostgreSQL is required: its tests fail, never skip, without it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.db import create_engine, key_source
from siyu.store.tables import metadata

POSTGRES_URL = os.environ.get("SIYU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sqlite_template(directory: Path) -> Path:
    """A migrated database file to copy for each test (migrating once is the slow part)."""
    template = directory / "template.db"
    if not template.exists():
        engine = create_engine(f"sqlite:///{template}")
        engine.dispose()  # closing the last connection checkpoints and removes the WAL file
    return template


def fresh_sqlite(template: Path, directory: Path) -> Engine:
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(template, path)
    return create_engine(f"sqlite:///{path}")


class PostgresSchema:
    """One schema for the whole session; `fresh()` empties every table and hands out an engine."""

    def __init__(self) -> None:
        self.schema = f"siyu_test_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(POSTGRES_URL)
        try:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
        except sa.exc.OperationalError as exc:
            raise RuntimeError(
                f"PostgreSQL is required by the test suite and is not reachable at {POSTGRES_URL}. "
                "Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
                "or set SIYU_TEST_POSTGRES_URL."
            ) from exc
        finally:
            admin.dispose()
        separator = "&" if "?" in POSTGRES_URL else "?"
        self.url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{self.schema}"
        # the key the in-process CLI finds too: $SIYU_DATA_DIR/secret.key (tests/conftest.py sets it)
        data_dir = Path(os.environ["SIYU_DATA_DIR"]) if "SIYU_DATA_DIR" in os.environ else None
        keys = key_source(self.url, key=None, key_file=None, data_dir=data_dir)
        self.engine = create_engine(self.url, secret_keys=keys)

    def fresh(self) -> Engine:
        names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return self.engine

    def drop(self) -> None:
        self.engine.dispose()
        admin = sa.create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{self.schema}" CASCADE')
        admin.dispose()


def iterate_schema() -> Iterator[PostgresSchema]:
    schema = PostgresSchema()
    try:
        yield schema
    finally:
        schema.drop()
