"""Reading event properties out of the JSON column, in each database's spelling: equality with
the same JSON type, a property as a number, the referrer as text."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement

from siyu.core.conditions.nodes import PropertyMatch
from siyu.store.compile.context import SqlContext
from siyu.store.tables import events


def json_path(key: str) -> ColumnElement[str]:
    """The JSON path as an SQL literal (not a parameter), so it can match an expression index."""
    text = f'$."{key}"'.replace("'", "''")
    return sa.literal_column(f"'{text}'", sa.Text)


def property_matches(match: PropertyMatch, sql: SqlContext) -> ColumnElement[bool]:
    """The event property equals one of the values, with the same JSON type."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal(match.key, sa.Text))
        return sa.or_(*(node == sa.cast(sa.literal(json.dumps(v), sa.Text), JSONB) for v in match.values))
    path = json_path(match.key)
    kind = sa.func.json_type(events.c.properties, path)
    value = sa.func.json_extract(events.c.properties, path)
    tests: list[ColumnElement[bool]] = []
    for wanted in match.values:
        if isinstance(wanted, bool):
            tests.append(kind == ("true" if wanted else "false"))
        elif isinstance(wanted, int | float):
            tests.append(sa.and_(kind.in_(("integer", "real")), value == wanted))
        elif wanted.startswith(("{", "[")):
            tests.append(sa.and_(kind == "text", value == wanted))
        else:
            # json_extract yields text only for JSON strings, and objects / arrays as text that
            # starts with { or [; so one call decides, and it can use an index on the expression.
            tests.append(value == wanted)
    return sa.or_(*tests)


def numeric_property(key: str, sql: SqlContext) -> ColumnElement[float]:
    """The property as a number when it is a JSON number, else NULL."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal(key, sa.Text))
        text = events.c.properties.op("->>")(sa.literal(key, sa.Text))
        return sa.case((sa.func.jsonb_typeof(node) == "number", sa.cast(text, sa.Numeric)), else_=None)
    path = json_path(key)
    return sa.case(
        (
            sa.func.json_type(events.c.properties, path).in_(("integer", "real")),
            sa.func.json_extract(events.c.properties, path),
        ),
        else_=None,
    )


def referrer_property(sql: SqlContext) -> tuple[ColumnElement[str], ColumnElement[bool]]:
    """The referrer property as text, and the test that it is a JSON string."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal("referrer", sa.Text))
        return events.c.properties.op("->>")(sa.literal("referrer", sa.Text)), sa.func.jsonb_typeof(node) == "string"
    path = json_path("referrer")
    return sa.func.json_extract(events.c.properties, path), sa.func.json_type(events.c.properties, path) == "text"
