"""Staff: a whole file at once (a brand's staff list is small), because a manager may be a staff
row anywhere in the same file. References are resolved against the file and the stored staff;
a row whose manager cannot be found, or whose manager chain comes back to it, is a fault —
and so, in turn, is a row whose manager is a faulty row that exists nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.ingest.fields import MISSING
from siyu.ingest.kinds import StaffRecord
from siyu.ingest.load.outcome import Outcome, RowFault
from siyu.store.batch_sql import batches, resolve, unknown
from siyu.store.tables import staff, staff_roles, staff_tags


def manager_cycle(start: str, manager_of: dict[str, str | None]) -> list[str] | None:
    """The chain start → … → start, if following managers from `start` comes back to it."""
    chain = [start]
    seen = {start}
    current = manager_of.get(start)
    while current is not None:
        chain.append(current)
        if current == start:
            return chain
        if current in seen:
            return None  # a cycle further up, reported on its own rows
        seen.add(current)
        current = manager_of.get(current)
    return None


class StaffLoader:
    holds_rows = True

    def __init__(self, conn: Connection, now_us: int) -> None:
        self.conn = conn
        self.now_us = now_us
        self.records: list[StaffRecord] = []

    def load(self, records: list[StaffRecord]) -> Outcome:
        self.records.extend(records)
        return Outcome()

    def finish(self) -> Outcome:
        out = Outcome()
        records = self._first_occurrences(out.faults)
        stored = self._stored()  # external id → (id, name, manager external id)
        records = self._consistent(records, stored, out.faults)
        if records:
            self._write(records, stored, out)
        return out

    def _first_occurrences(self, faults: list[RowFault]) -> list[StaffRecord]:
        first: dict[str, int] = {}
        kept = []
        for record in self.records:
            if record.external_id in first:
                faults.append(
                    (
                        record.row,
                        "id",
                        f'duplicate id "{record.external_id}" (first on row {first[record.external_id]})',
                    )
                )
            else:
                first[record.external_id] = record.row
                kept.append(record)
        return kept

    def _stored(self) -> dict[str, tuple[int, str, str | None]]:
        manager = staff.alias("manager")
        query = sa.select(staff.c.external_id, staff.c.id, staff.c.name, manager.c.external_id).outerjoin(
            manager, manager.c.id == staff.c.manager_id
        )
        return {external_id: (sid, name, boss) for external_id, sid, name, boss in self.conn.execute(query)}

    def _consistent(
        self, records: list[StaffRecord], stored: dict[str, tuple[int, str, str | None]], faults: list[RowFault]
    ) -> list[StaffRecord]:
        """Drop rows with unknown managers or manager cycles until none is left."""
        dropped: dict[str, int] = {}  # external id → row, of rows dropped here
        while True:
            in_file = {r.external_id: r for r in records}
            manager_of = {external_id: boss for external_id, (_, _, boss) in stored.items()}
            manager_of.update({r.external_id: r.manager for r in records if r.manager is not MISSING})
            bad: dict[int, RowFault] = {}
            for record in records:
                boss = record.manager
                if isinstance(boss, str) and boss not in in_file and boss not in stored:
                    if boss in dropped:
                        bad[record.row] = (
                            record.row,
                            "manager",
                            f'manager "{boss}" is on rejected row {dropped[boss]}',
                        )
                    else:
                        bad[record.row] = (record.row, "manager", unknown(staff, boss))
                elif isinstance(boss, str):
                    cycle = manager_cycle(record.external_id, manager_of)
                    if cycle is not None:
                        bad[record.row] = (record.row, "manager", f"manager cycle: {' → '.join(cycle)}")
            if not bad:
                return records
            faults.extend(bad.values())
            dropped.update((r.external_id, r.row) for r in records if r.row in bad)
            records = [r for r in records if r.row not in bad]

    def _write(self, records: list[StaffRecord], stored: dict[str, tuple[int, str, str | None]], out: Outcome) -> None:
        now = self.now_us
        new = [r for r in records if r.external_id not in stored]
        if new:
            self.conn.execute(
                sa.insert(staff),
                [
                    {
                        "external_id": r.external_id,
                        "name": r.name,
                        "manager_id": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for r in new
                ],
            )
        ids = {external_id: sid for external_id, (sid, _, _) in stored.items()}
        ids.update(resolve(self.conn, staff, [r.external_id for r in new]))
        targets: dict[int, tuple[str, str | None]] = {}  # staff id → (name, manager external id)
        changed: set[int] = set()
        for record in records:
            sid = ids[record.external_id]
            old = stored.get(record.external_id)
            boss = record.manager if record.manager is not MISSING else (old[2] if old else None)
            targets[sid] = (record.name, boss)
            if old is not None and (old[1], old[2]) != (record.name, boss):
                changed.add(sid)
        existing = {ids[e] for e in stored}
        roles = {ids[r.external_id]: set(r.roles) for r in records if r.roles is not None}
        tags = {ids[r.external_id]: set(r.tags) for r in records if r.tags is not None}
        self._replace(staff_roles, "role", roles, existing, changed)
        self._replace(staff_tags, "tag", tags, existing, changed)
        rows = [
            {"sid": sid, "name": name, "manager_id": None if boss is None else ids[boss], "updated_at": now}
            for sid, (name, boss) in targets.items()
            if sid in changed or (sid not in existing and boss is not None)
        ]
        if rows:
            self.conn.execute(
                sa.update(staff)
                .where(staff.c.id == sa.bindparam("sid"))
                .values(
                    name=sa.bindparam("name"),
                    manager_id=sa.bindparam("manager_id"),
                    updated_at=sa.bindparam("updated_at"),
                ),
                rows,
            )
        out.inserted = len(new)
        out.updated = len(changed)
        out.unchanged = len(records) - len(new) - len(changed)

    def _replace(
        self, table: sa.Table, column: str, wanted: dict[int, set[str]], existing: set[int], changed: set[int]
    ) -> None:
        stored: dict[int, set[str]] = defaultdict(set)
        for part in batches(sorted(wanted.keys() & existing)):
            for sid, value in self.conn.execute(
                sa.select(table.c.staff_id, table.c[column]).where(table.c.staff_id.in_(part))
            ):
                stored[sid].add(value)
        deletes: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        for sid, new in wanted.items():
            old = stored.get(sid, set())
            if old == new:
                continue
            deletes.extend({"sid": sid, "v": value} for value in old - new)
            inserts.extend({"staff_id": sid, column: value} for value in new - old)
            if sid in existing:
                changed.add(sid)
        if deletes:
            self.conn.execute(
                sa.delete(table).where(table.c.staff_id == sa.bindparam("sid"), table.c[column] == sa.bindparam("v")),
                deletes,
            )
        if inserts:
            self.conn.execute(sa.insert(table), inserts)
