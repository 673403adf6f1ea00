"""An SOP's audiences as people preview them: each audience's size now and a sample of its
members with their names (the SOP page, the editor's preview, the API)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.audiences import query
from siyu.core.audiences import audiences_of
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Sop
from siyu.store.target_tables import TARGET_TABLES

SAMPLE_SIZE = 10  # members a preview shows unless asked for another number


@dataclass(frozen=True)
class Member:
    id: str  # external id
    name: str


@dataclass(frozen=True)
class AudienceSample:
    name: str  # customers | groups | staff
    target: str  # customer | group | staff
    count: int
    sample: list[Member]
    nobody: bool  # a campaign without `audience` (or `groups`) reaches none of these

    def sample_dicts(self) -> list[dict[str, str]]:
        return [{"id": member.id, "name": member.name} for member in self.sample]


def _names(conn: Connection, target: TargetKind, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    table = TARGET_TABLES[target]
    rows = conn.execute(sa.select(table.c.external_id, table.c.name).where(table.c.external_id.in_(ids)))
    return {str(row.external_id): str(row.name) for row in rows}


def preview(conn: Connection, sop: Sop, now_us: int, *, limit: int) -> list[AudienceSample]:
    """Each audience of the SOP at `now`: its size and up to `limit` members (spread over it, the
    same ones every time) with their names."""
    found: list[AudienceSample] = []
    for name, audience in audiences_of(sop).items():
        size = query.count(conn, audience, now_us)
        ids = query.sample(conn, audience, now_us, limit=limit) if size else []
        names = _names(conn, audience.target, ids)
        members = [Member(external_id, names.get(external_id, "")) for external_id in ids]
        found.append(AudienceSample(name, audience.target.value, size, members, audience.nobody))
    return found
