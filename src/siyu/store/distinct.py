"""The distinct values of an indexed column, read cheaply at any table size: a loose index scan
(a recursive query that jumps from one value to the next through the index) rather than a
DISTINCT over every row, stopped after `cap` values. At a million tag rows over a few hundred tags
it reads a few hundred index entries; the same SQL runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement


def distinct_values(
    conn: Connection,
    expression: ColumnElement[Any],
    *,
    filters: Sequence[ColumnElement[bool]] = (),
    cap: int,
) -> list[Any]:
    """Up to `cap` distinct non-null values of `expression` (a column, or the expression of an
    index) over the rows matching `filters`, in the index's order. For the walk to use an index,
    the filters must be equalities on the index's leading columns and `expression` its next one."""

    def first_after(previous: ColumnElement[Any] | None) -> sa.ScalarSelect[Any]:
        query = sa.select(expression).where(*filters, expression.is_not(None))
        if previous is not None:
            query = query.where(expression > previous)
        return query.order_by(expression).limit(1).scalar_subquery()

    seed = sa.select(first_after(None).label("value"), sa.literal(1).label("n")).cte("walk", recursive=True)
    walk = seed.union_all(
        sa.select(first_after(seed.c.value), seed.c.n + 1).where(seed.c.value.is_not(None), seed.c.n < cap)
    )
    query = sa.select(walk.c.value).where(walk.c.value.is_not(None))
    return list(conn.execute(query).scalars())


def exists(conn: Connection, table: sa.Table, *conditions: ColumnElement[bool]) -> bool:
    """Whether any row matches (one index probe when the conditions are an index's prefix)."""
    return conn.execute(sa.select(sa.literal(1)).select_from(table).where(*conditions).limit(1)).first() is not None
