"""Engines and transactions. SQLite gets WAL and pragmas suited to bulk work; both databases
are migrated to the newest schema on first use, and any channel secret still stored plain is
sealed then. Every engine carries the keyring that seals and opens secrets (`secret_keys`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from siyu.store.secret_keys import Keyring, KeySource, attach

# Temporary b-trees (big IN lists, materialised CTEs) spill to files rather than the heap, and
# the memory map stays small: at a million customers this halves peak memory at the same speed.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",  # BUSY_TIMEOUT_MS
    "PRAGMA temp_store=FILE",
    "PRAGMA cache_size=-262144",
    "PRAGMA mmap_size=268435456",
)


def normalize_url(url: str) -> str:
    """Accept the plain `postgresql://` spelling and use psycopg 3 for it."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, manage transactions, so BEGIN covers whole imports.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


BUSY_TIMEOUT_MS = 30000


def _on_sqlite_begin(conn: Connection) -> None:
    # `engine.execution_options(siyu_begin="IMMEDIATE")`: writers that read first take the
    # write lock at BEGIN, so two of them queue on busy_timeout instead of failing to upgrade
    options = conn.get_execution_options()
    # `siyu_no_wait=True`: a best-effort write that gives up at once ("database is locked")
    # rather than queue behind a long writer; the connection's timeout is put back after
    no_wait = bool(options.get("siyu_no_wait"))
    info = conn.connection.info
    if info.get("siyu_no_wait", False) != no_wait:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={0 if no_wait else BUSY_TIMEOUT_MS}")
        info["siyu_no_wait"] = no_wait
    if options.get("siyu_begin") != "IMMEDIATE":
        conn.exec_driver_sql("BEGIN")
    elif callable(note := options.get("siyu_wait_note")) and not no_wait:
        _begin_immediate_patiently(conn, note)
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


WAIT_NOTE_AFTER_MS = 1500


def _begin_immediate_patiently(conn: Connection, note: Callable[[], None]) -> None:
    """`engine.execution_options(siyu_wait_note=f)`: an immediate writer that waits for the write
    lock as long as another writer holds it (a server import can outlast any busy timeout),
    calling `f()` once when it has waited WAIT_NOTE_AFTER_MS, so a person sees why it is slow."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA busy_timeout={WAIT_NOTE_AFTER_MS}")
    noted = False
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            if not noted:
                noted = True
                note()
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            time.sleep(0.01)  # SQLite answers BUSY at once in a few cases: no spinning then
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def create_engine(url: str, *, migrate: bool = True, secret_keys: KeySource | None = None) -> Engine:
    """An engine on `url`; `secret_keys` says where its keys are (default: the key file beside a
    SQLite database, none for PostgreSQL — the surfaces pass the process settings' source)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    attach(engine, Keyring(secret_keys or KeySource.of(url)))
    if migrate:
        from siyu.store.migrate import upgrade_if_needed
        from siyu.store.sealed_secrets import seal_plain_secrets

        upgrade_if_needed(engine)
        seal_plain_secrets(engine)
    return engine


def key_source(url: str, *, key: str | None, key_file: Path | None, data_dir: Path | None) -> KeySource:
    """The surfaces' one way from the process settings to where the keys are."""
    return KeySource.of(normalize_url(url), key=key, key_file=key_file, data_dir=data_dir)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: commits when the block ends, rolls back on any error."""
    with engine.begin() as conn:
        yield conn


def dialect_name(conn: Connection | Engine) -> str:
    return conn.dialect.name
