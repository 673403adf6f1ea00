"""Who is in an audience right now: counts, ids and samples, computed in SQL over whole tables."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.audiences import Audience
from siyu.core.facts import Context
from siyu.store.compile import SqlContext
from siyu.store.sql import matching_ids
from siyu.store.target_tables import TARGET_TABLES

ID_BATCH = 10_000
# Knuth's multiplicative hash spreads a sample over the whole table, the same way on every run.
SPREAD_MULTIPLIER = 2_654_435_761
SPREAD_MODULUS = 4_294_967_296


# PostgreSQL can only hash a large `NOT IN (subquery)` when it fits in work_mem; without that it
# probes the subquery once per row. Audience statements get room for it, in their transaction only.
POSTGRES_AUDIENCE_WORK_MEM = "256MB"


def sql_context(conn: Connection, now_us: int) -> SqlContext:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"SET LOCAL work_mem = '{POSTGRES_AUDIENCE_WORK_MEM}'"))
    zone = brand_settings.load(conn).zone
    return SqlContext(conn.dialect.name, Context(now_us=now_us, zone=zone))


def _matching(audience: Audience, sql: SqlContext) -> sa.Select[int]:
    return matching_ids(audience.condition, audience.target, sql, nobody=audience.nobody)


def count(conn: Connection, audience: Audience, now_us: int) -> int:
    matching = _matching(audience, sql_context(conn, now_us)).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one())


def external_ids(conn: Connection, audience: Audience, now_us: int, *, limit: int | None = None) -> Iterator[str]:
    """The external ids of the matching targets in id order, streamed in batches."""
    table = TARGET_TABLES[audience.target]
    matching = _matching(audience, sql_context(conn, now_us)).subquery()
    query = sa.select(table.c.external_id).where(table.c.id.in_(sa.select(matching.c.id))).order_by(table.c.id)
    if limit is not None:
        query = query.limit(limit)
    result = conn.execute(query, execution_options={"yield_per": ID_BATCH})
    for row in result:
        yield str(row[0])


def sample(conn: Connection, audience: Audience, now_us: int, *, limit: int) -> list[str]:
    """Up to `limit` matching external ids spread over the audience (the same ones every run)."""
    table = TARGET_TABLES[audience.target]
    matching = _matching(audience, sql_context(conn, now_us)).subquery()
    spread = (sa.cast(table.c.id, sa.BigInteger) * sa.literal(SPREAD_MULTIPLIER, sa.BigInteger)) % sa.literal(
        SPREAD_MODULUS, sa.BigInteger
    )
    query = (
        sa.select(table.c.external_id)
        .where(table.c.id.in_(sa.select(matching.c.id)))
        .order_by(spread, table.c.id)
        .limit(limit)
    )
    return [str(row[0]) for row in conn.execute(query)]
