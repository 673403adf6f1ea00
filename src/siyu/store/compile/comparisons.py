"""SQL comparisons shared by the leaves: one operator, a bound, text by code point, substring."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from siyu.core.bounds import Bound
from siyu.store.compile.context import SqlContext


def apply_comparison(op: str, left: ColumnElement[Any], right: object) -> ColumnElement[bool]:
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    if op == "eq":
        return left == right
    raise ValueError(f"unknown comparison {op}")


def bound_sql(bound: Bound, value: ColumnElement[Any]) -> ColumnElement[bool]:
    return sa.and_(*(apply_comparison(op, value, limit) for op, limit in bound.comparisons))


def text_column(column: ColumnElement[str], sql: SqlContext) -> ColumnElement[str]:
    """Text compares by code point on both databases (PostgreSQL's default collation would not)."""
    return column.collate("C") if sql.postgres else column


def contains(column: ColumnElement[str], needle: str, sql: SqlContext) -> ColumnElement[bool]:
    function = sa.func.strpos if sql.postgres else sa.func.instr
    return function(column, needle) > 0
