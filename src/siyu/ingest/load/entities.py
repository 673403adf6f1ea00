"""Customers and groups: upsert by external id, batch by batch.

For each batch the loader reads the stored state of just those entities (base row, the
attributes named in the batch, tags, group roles), compares, and writes only what differs. A
present list column (tags, roles) replaces the stored list; an absent column leaves it alone; a
blank attribute removes it. An entity counts as updated when anything about it changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.ingest.fields import MISSING, month_day
from siyu.ingest.kinds import EntityRecord
from siyu.ingest.load.outcome import Outcome, RowFault
from siyu.ingest.load.seen import SeenIds
from siyu.store import tables
from siyu.store.batch_sql import BatchInsert, batches, resolve, unknown
from siyu.store.tables import staff

AttrTuple = tuple[str, str, float | None, int | None]  # kind, text, number, day


@dataclass(frozen=True)
class EntityTables:
    table: sa.Table
    attributes: sa.Table
    tags: sa.Table
    key: str  # the owner column of attributes and tags
    base: tuple[str, ...]  # stored columns a file can set
    roles: sa.Table | None = None


CUSTOMER_TABLES = EntityTables(
    tables.customers,
    tables.customer_attributes,
    tables.customer_tags,
    "customer_id",
    ("name", "owner_id", "birthday", "birthday_md"),
)
GROUP_TABLES = EntityTables(
    tables.chat_groups,
    tables.group_attributes,
    tables.group_tags,
    "group_id",
    ("name", "owner_id"),
    roles=tables.group_roles,
)


def repeated_ids(records: list[EntityRecord], seen: SeenIds) -> tuple[list[EntityRecord], list[RowFault]]:
    """Drop rows whose id came earlier in the file (in this batch or a previous one)."""
    earlier = seen.rows_of({r.external_id for r in records})
    kept: list[EntityRecord] = []
    faults: list[RowFault] = []
    for record in records:
        first = earlier.get(record.external_id)
        if first is not None:
            faults.append((record.row, "id", f'duplicate id "{record.external_id}" (first on row {first})'))
            continue
        earlier[record.external_id] = record.row
        kept.append(record)
    seen.add([(r.external_id, r.row) for r in kept])
    return kept, faults


class EntityLoader:
    holds_rows = False

    def __init__(self, conn: Connection, spec: EntityTables, now_us: int) -> None:
        self.conn = conn
        self.spec = spec
        self.now_us = now_us
        self.seen = SeenIds(conn)

    def load(self, records: list[EntityRecord]) -> Outcome:
        out = Outcome()
        records, out.faults = repeated_ids(records, self.seen)
        records, staff_ids = self._known_staff(records, out.faults)
        if not records:
            return out
        spec = self.spec
        existing = self._stored_base([r.external_id for r in records])
        new = [r for r in records if r.external_id not in existing]
        if new:
            self.conn.execute(
                sa.insert(spec.table),
                [
                    self._base_row(r, None, staff_ids)
                    | {"external_id": r.external_id, "created_at": self.now_us, "updated_at": self.now_us}
                    for r in new
                ],
            )
        ids = {external_id: base[0] for external_id, base in existing.items()}
        ids.update(resolve(self.conn, spec.table, [r.external_id for r in new]))
        changed: set[int] = set()
        updates = []
        for record in records:
            stored = existing.get(record.external_id)
            if stored is None:
                continue
            row = self._base_row(record, stored, staff_ids)
            if tuple(row[c] for c in spec.base) != stored[1:]:
                changed.add(stored[0])
            updates.append((stored[0], row))
        self._attributes(records, ids, existing, changed)
        self._tags(records, ids, existing, changed)
        if spec.roles is not None:
            self._roles(records, ids, existing, changed, staff_ids)
        changed_rows = [row | {"eid": eid, "updated_at": self.now_us} for eid, row in updates if eid in changed]
        if changed_rows:
            values: dict[str, Any] = {c: sa.bindparam(c) for c in (*spec.base, "updated_at")}
            self.conn.execute(
                sa.update(spec.table).where(spec.table.c.id == sa.bindparam("eid")).values(values), changed_rows
            )
        out.inserted = len(new)
        out.updated = len(changed)
        out.unchanged = len(existing) - len(changed)
        return out

    def finish(self) -> Outcome:
        self.seen.drop()
        return Outcome()

    def _known_staff(
        self, records: list[EntityRecord], faults: list[RowFault]
    ) -> tuple[list[EntityRecord], dict[str, int]]:
        wanted = {r.owner for r in records if isinstance(r.owner, str)}
        wanted.update(staff_id for r in records for staff_id, _role in r.roles or ())
        staff_ids = resolve(self.conn, staff, wanted)
        kept = []
        for record in records:
            missing: list[RowFault] = []
            if isinstance(record.owner, str) and record.owner not in staff_ids:
                missing.append((record.row, "owner", unknown(staff, record.owner)))
            for staff_id in dict.fromkeys(s for s, _role in record.roles or ()):
                if staff_id not in staff_ids:
                    missing.append((record.row, "roles", unknown(staff, staff_id)))
            faults.extend(missing)
            if not missing:
                kept.append(record)
        return kept, staff_ids

    def _stored_base(self, external_ids: list[str]) -> dict[str, tuple[Any, ...]]:
        """external id → (id, *base columns) of the stored entities among these."""
        table = self.spec.table
        query = sa.select(table.c.external_id, table.c.id, *(table.c[c] for c in self.spec.base))
        found: dict[str, tuple[Any, ...]] = {}
        for part in batches(external_ids):
            for row in self.conn.execute(query.where(table.c.external_id.in_(part))):
                found[row[0]] = tuple(row[1:])
        return found

    def _base_row(
        self, record: EntityRecord, stored: tuple[Any, ...] | None, staff_ids: dict[str, int]
    ) -> dict[str, Any]:
        """The base columns after this row: present fields replace stored (or default) values."""
        row: dict[str, Any] = dict(zip(self.spec.base, stored[1:], strict=True)) if stored else {}
        row.setdefault("name", "")
        row.setdefault("owner_id", None)
        if record.name is not MISSING:
            row["name"] = record.name
        if record.owner is not MISSING:
            row["owner_id"] = None if record.owner is None else staff_ids[record.owner]
        if "birthday" in self.spec.base:
            row.setdefault("birthday", None)
            row.setdefault("birthday_md", None)
            if isinstance(record.birthday, date) or record.birthday is None:
                row["birthday"] = record.birthday
                row["birthday_md"] = None if record.birthday is None else month_day(record.birthday)
        return row

    def _owned_rows(self, table: sa.Table, ids: Iterable[int], *where: Any) -> list[sa.Row[Any]]:
        rows: list[sa.Row[Any]] = []
        key = table.c[self.spec.key]
        for part in batches(sorted(ids)):
            rows.extend(self.conn.execute(sa.select(table).where(key.in_(part), *where)))
        return rows

    def _attributes(
        self, records: list[EntityRecord], ids: dict[str, int], existing: dict[str, Any], changed: set[int]
    ) -> None:
        spec, table = self.spec, self.spec.attributes
        with_attributes = [r for r in records if r.attributes]
        if not with_attributes:
            return
        keys = {key for r in with_attributes for key in r.attributes}
        stored: dict[tuple[int, str], AttrTuple] = {}
        stored_ids = [ids[r.external_id] for r in with_attributes if r.external_id in existing]
        for row in self._owned_rows(table, stored_ids, table.c.key.in_(sorted(keys))):
            stored[(row[0], row.key)] = (row.kind, row.value_text, row.value_num, row.value_day)
        deletes: list[dict[str, Any]] = []
        inserts: list[tuple[Any, ...]] = []
        for record in with_attributes:
            eid = ids[record.external_id]
            for key, value in record.attributes.items():
                old = stored.get((eid, key))
                new = None if value is None else (value.kind, value.text, value.num, value.day)
                if old == new:
                    continue
                if old is not None:
                    deletes.append({"eid": eid, "k": key})
                if new is not None:
                    inserts.append((eid, key, *new))
                if record.external_id in existing:
                    changed.add(eid)
        if deletes:
            self.conn.execute(
                sa.delete(table).where(table.c[spec.key] == sa.bindparam("eid"), table.c.key == sa.bindparam("k")),
                deletes,
            )
        columns = (spec.key, "key", "kind", "value_text", "value_num", "value_day")
        BatchInsert(self.conn, table, columns).run(inserts)

    def _replace_set(
        self,
        table: sa.Table,
        columns: tuple[str, ...],
        wanted: dict[int, set[tuple[Any, ...]]],
        existing_ids: set[int],
        changed: set[int],
    ) -> None:
        """Make the rows of `table` owned by each id exactly `wanted[id]` (tuples of `columns`)."""
        key = self.spec.key
        stored: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
        for row in self._owned_rows(table, existing_ids & wanted.keys()):
            stored[row[0]].add(tuple(row._mapping[c] for c in columns))
        deletes: list[dict[str, Any]] = []
        inserts: list[tuple[Any, ...]] = []
        for eid, new in wanted.items():
            old = stored.get(eid, set())
            if old == new:
                continue
            deletes.extend({"eid": eid, **dict(zip(columns, item, strict=True))} for item in old - new)
            inserts.extend((eid, *item) for item in new - old)
            if eid in existing_ids:
                changed.add(eid)
        if deletes:
            where = [table.c[key] == sa.bindparam("eid"), *(table.c[c] == sa.bindparam(c) for c in columns)]
            self.conn.execute(sa.delete(table).where(*where), deletes)
        BatchInsert(self.conn, table, (key, *columns)).run(inserts)

    def _tags(
        self, records: list[EntityRecord], ids: dict[str, int], existing: dict[str, Any], changed: set[int]
    ) -> None:
        wanted = {ids[r.external_id]: {(tag,) for tag in r.tags} for r in records if r.tags is not None}
        if wanted:
            existing_ids = {ids[e] for e in existing}
            self._replace_set(self.spec.tags, ("tag",), wanted, existing_ids, changed)

    def _roles(
        self,
        records: list[EntityRecord],
        ids: dict[str, int],
        existing: dict[str, Any],
        changed: set[int],
        staff_ids: dict[str, int],
    ) -> None:
        assert self.spec.roles is not None
        wanted = {
            ids[r.external_id]: {(staff_ids[s], role) for s, role in r.roles} for r in records if r.roles is not None
        }
        if wanted:
            existing_ids = {ids[e] for e in existing}
            self._replace_set(self.spec.roles, ("staff_id", "role"), wanted, existing_ids, changed)
