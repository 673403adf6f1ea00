"""The SOP versions one planning pass reads, parsed once each."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from siyu.core.errors import NotFoundError
from siyu.sops import repo as sop_service
from siyu.sops.repo import StoredSop


@dataclass
class SopBook:
    enabled: dict[str, StoredSop]  # the latest version of every enabled SOP, by id
    versions: dict[tuple[str, int], StoredSop | None] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> SopBook:
        return cls({stored.id: stored for stored in sop_service.all_latest(conn, enabled_only=True)})

    def version(self, conn: Connection, sop_id: str, number: int) -> StoredSop | None:
        key = (sop_id, number)
        if key not in self.versions:
            try:
                self.versions[key] = sop_service.version(conn, sop_id, number)
            except NotFoundError:
                self.versions[key] = None
        return self.versions[key]

    @property
    def by_priority(self) -> list[StoredSop]:
        return sorted(self.enabled.values(), key=lambda s: (-s.sop.priority, s.id))
