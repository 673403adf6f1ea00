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
    # enabled SOPs whose stored definition does not read: the tick records them as failed
    unreadable: dict[str, Exception] = field(default_factory=dict)
    # SOPs whose planning failed in this pass: the brand-wide steps leave their tasks alone
    held: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, conn: Connection) -> SopBook:
        readable, unreadable = sop_service.all_latest_readable(conn, enabled_only=True)
        return cls({stored.id: stored for stored in readable}, unreadable=unreadable, held=set(unreadable))

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
