"""Events that arrive already parsed (the API), stored with the import's own rules.

Each row is validated by the import's event validator (the same fields, formats and messages
as a row of an events file), references are resolved like the import does, and the rows are
written with `INSERT … ON CONFLICT (external_id) DO NOTHING`. It is all or nothing: any
problem — a bad field, an unknown customer or group, one id twice with different content —
is reported with its place (`events[3].customer`) and nothing is written.

Unlike a file import, the caller learns which ids were new and which were already stored: the
insert returns the ids it wrote, so two clients sending the same event at once both hear the
truth (one "new", the other "already stored")."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from siyu.brand import settings
from siyu.core.errors import Problem, ValidationError
from siyu.ingest import kinds
from siyu.ingest.kinds import EventRecord
from siyu.store.batch_sql import resolve, unknown
from siyu.store.sql import insert_ignoring
from siyu.store.tables import chat_groups, customers, events


@dataclass(frozen=True)
class StoredEvents:
    new: list[str]  # ids written now, in the order sent
    already_stored: list[str]  # ids that were stored before (the first write wins), in the order sent


def _where(prefix: str, index: int | None, column: str) -> str:
    place = prefix if index is None else f"{prefix}[{index}]"
    if not column:
        return place or "(body)"
    return f"{place}.{column}" if place else column


def store_events(conn: Connection, rows: Sequence[Mapping[str, object]], *, where: str = "events") -> StoredEvents:
    """Validate and store `rows` (event objects as JSON gives them) in the caller's transaction.

    `where` names the list in problem locations (`events[3].at`); with "" each row is the
    whole request and problems name its fields alone (`at`)."""

    def index_of(i: int) -> int | None:
        return i if where else None

    validate = kinds.event_validator(settings.load(conn).zone)
    problems: list[Problem] = []
    records: list[EventRecord] = []
    for i, values in enumerate(rows):
        result = validate(i, dict(values))
        if isinstance(result, list):
            problems += [Problem(_where(where, index_of(i), column), message) for column, message in result]
        else:
            records.append(result)
    if problems:
        raise ValidationError(problems)
    first_of: dict[str, EventRecord] = {}
    for record in records:
        earlier = first_of.setdefault(record[1], record)
        if earlier is not record and _content(earlier) != _content(record):
            problems.append(
                Problem(
                    _where(where, index_of(record[0]), "id"),
                    f'id "{record[1]}" appears earlier in this request ({_where(where, earlier[0], "")}) '
                    "with different content",
                )
            )
    customer_ids = resolve(conn, customers, {r[3] for r in records if r[3] is not None})
    group_ids = resolve(conn, chat_groups, {r[4] for r in records if r[4] is not None})
    for record in records:
        if record[3] is not None and record[3] not in customer_ids:
            problems.append(Problem(_where(where, index_of(record[0]), "customer"), unknown(customers, record[3])))
        if record[4] is not None and record[4] not in group_ids:
            problems.append(Problem(_where(where, index_of(record[0]), "group"), unknown(chat_groups, record[4])))
    if problems:
        problems.sort(key=lambda p: _order(p.where))
        raise ValidationError(problems)
    unique = list(first_of.values())
    rows_out = [
        {
            "external_id": r[1],
            "type": r[2],
            "customer_id": customer_ids[r[3]] if r[3] is not None else None,
            "group_id": group_ids[r[4]] if r[4] is not None else None,
            "at": r[5],
            "day": r[6],
            "properties": json.loads(r[7]),
        }
        for r in unique
    ]
    # one cached statement run as executemany: SQLAlchemy sends the rows in multi-row batches
    # and gathers what RETURNING answers (only the rows actually inserted)
    written = {str(e) for e in conn.execute(_insert(conn), rows_out).scalars()}
    new = [r[1] for r in unique if r[1] in written]
    return StoredEvents(new=new, already_stored=[r[1] for r in unique if r[1] not in written])


def _content(record: EventRecord) -> tuple[Any, ...]:
    """What two rows with one id must agree on: everything but their place in the request."""
    return (record[2], record[3], record[4], record[5], json.loads(record[7]))


def _order(where: str) -> tuple[int, str]:
    """Problems in row order (`events[10]` after `events[9]`)."""
    if "[" in where and "]" in where:
        inside = where[where.index("[") + 1 : where.index("]")]
        if inside.isdigit():
            return int(inside), where
    return -1, where


def _insert(conn: Connection) -> Any:
    return insert_ignoring(conn, events, ("external_id",)).rows().returning(events.c.external_id)
