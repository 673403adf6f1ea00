"""The SQL every domain shares, written once for SQLite and PostgreSQL: inserts that skip rows
already there, temporary tables of ids, and the ids of the targets matching a condition.

The batch half (driver-level executemany, external ids → ids) is `store.batch_sql`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from siyu.core.conditions.nodes import Condition, TargetKind
from siyu.core.reasons import Reason, reason_columns
from siyu.store.compile import SqlContext, target_ids
from siyu.store.tables import Json
from siyu.store.target_tables import TARGET_TABLES


def dialect_insert(conn: Connection, table: sa.Table) -> Any:
    """INSERT into `table` in the connection's dialect, so that ON CONFLICT can be added."""
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


def insert_ignoring(conn: Connection, table: sa.Table, conflict: Sequence[str] = ()) -> IgnoringInsert:
    """INSERT into `table` that skips a row already there: one breaking the unique key `conflict`
    (the column names), or any unique constraint when `conflict` is empty (a concurrent worker's row)."""
    return IgnoringInsert(dialect_insert(conn, table), conflict)


class IgnoringInsert:
    """Builds `.values(…)`, `.rows()` or `.from_select(…)` and then adds ON CONFLICT DO NOTHING."""

    def __init__(self, insert: Any, conflict: Sequence[str]) -> None:
        self.insert = insert
        self.conflict = list(conflict) or None

    def _ignoring(self, statement: Any) -> Any:
        return statement.on_conflict_do_nothing(index_elements=self.conflict)

    def values(self, **values: Any) -> Any:
        return self._ignoring(self.insert.values(**values))

    def rows(self) -> Any:
        """For executemany: run it with a list of dicts."""
        return self._ignoring(self.insert)

    def from_select(self, columns: Sequence[str], select: sa.Select[Any]) -> Any:
        return self._ignoring(self.insert.from_select(list(columns), select))


def temporary_table(conn: Connection, name: str, *columns: sa.Column[Any], dropped_on_commit: bool = True) -> sa.Table:
    """A new, empty temporary table (one left by an earlier statement of this session is dropped).
    On PostgreSQL it goes with the transaction unless `dropped_on_commit` is False; drop it with
    `drop_temporary` when done."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    table = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
    if dropped_on_commit and conn.dialect.name == "postgresql":
        table.dialect_options["postgresql"]["on_commit"] = "DROP"
    table.create(conn, checkfirst=False)
    return table


def temporary_ids(conn: Connection, name: str, ids: sa.Select[Any], *, big: bool = False) -> sa.Table:
    """A temporary table `name (id PRIMARY KEY)` holding the ids `ids` selects, for statements
    that probe the same set many times."""
    id_type: Any = sa.BigInteger if big else sa.Integer
    table = temporary_table(conn, name, sa.Column("id", id_type, primary_key=True, autoincrement=False))
    conn.execute(sa.insert(table).from_select(["id"], ids))
    return table


def drop_temporary(conn: Connection, table: sa.Table | str) -> None:
    name = table if isinstance(table, str) else table.name
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def matching_ids(
    condition: Condition | None, kind: TargetKind, sql: SqlContext, *, nobody: bool = False
) -> sa.Select[Any]:
    """SELECT id of every target of this kind matching `condition` (all of them when None, none
    when `nobody`)."""
    if nobody:
        return sa.select(TARGET_TABLES[kind].c.id).where(sa.false())
    return target_ids(condition, kind, sql)


def reason_literals(reason: Reason | str | None) -> dict[str, Any]:
    """A reason's columns (reason, reason_code, reason_params) as SQL literals, for set-based
    updates and INSERT … SELECT of tasks and their history."""
    columns = reason_columns(reason)
    return {
        "reason": sa.literal(columns["reason"], sa.Text) if columns["reason"] else sa.null(),
        "reason_code": sa.literal(columns["reason_code"], sa.String) if columns["reason_code"] else sa.null(),
        "reason_params": sa.literal(columns["reason_params"], Json) if columns["reason_params"] else sa.null(),
    }
