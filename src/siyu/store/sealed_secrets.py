"""The channel secrets as stored: sealed by the engine's keyring (`store.secret_keys`).

Secrets saved before sealing existed are plain; `seal_plain_secrets` seals them when a process
opens the database (a migration cannot: the key lives outside the database, in the process's
environment or a key file). It is idempotent and writes only when something is plain. `reseal`
seals every secret again with the keyring's first key (a rotation)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.store.secret_keys import Keyring, is_sealed, keyring_of, sealed_key_id
from siyu.store.tables import channels


def _rows(conn: Connection, *, for_update: bool) -> list[Any]:
    query = sa.select(channels.c.name, channels.c.secrets).order_by(channels.c.name)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return list(conn.execute(query))


def _has_plain(conn: Connection) -> bool:
    return any(not is_sealed(value) for row in _rows(conn, for_update=False) for value in row.secrets.values())


def seal_secrets(keyring: Keyring, secrets: dict[str, str]) -> dict[str, str]:
    return {key: keyring.seal(value) for key, value in secrets.items()}


def open_secrets(keyring: Keyring, name: str, stored: dict[str, str]) -> dict[str, str]:
    return {key: keyring.open(value, where=f"{name}.{key}") for key, value in stored.items()}


def reseal(conn: Connection, keyring: Keyring, *, only_plain: bool = False) -> int:
    """Seal the stored secrets with the keyring's first key (every one, or only the plain ones);
    returns how many were sealed. The caller's transaction should hold the write lock."""
    sealed = 0
    for row in _rows(conn, for_update=True):
        stored: dict[str, str] = dict(row.secrets)
        changed = {
            key: keyring.seal(keyring.open(value, where=f"{row.name}.{key}"))
            for key, value in stored.items()
            if not (only_plain and is_sealed(value))
        }
        if changed:
            conn.execute(sa.update(channels).where(channels.c.name == row.name).values(secrets={**stored, **changed}))
            sealed += len(changed)
    return sealed


def seal_plain_secrets(engine: Engine) -> int:
    """Seal any secret still stored plain; nothing is written (and no key read) when none is."""
    with engine.connect() as conn:
        if not _has_plain(conn):
            return 0
    writer = engine.execution_options(siyu_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine
    with writer.begin() as conn:
        return reseal(conn, keyring_of(conn), only_plain=True)


def key_census(conn: Connection) -> dict[str, int]:
    """How many stored secrets each key sealed ("plain" for those not sealed yet)."""
    counts: Counter[str] = Counter()
    for row in _rows(conn, for_update=False):
        for value in row.secrets.values():
            counts[sealed_key_id(value) or "plain"] += 1
    return dict(sorted(counts.items()))
