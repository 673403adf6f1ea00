"""What one planning pass knows besides the SOP: the instant, the brand's settings, the staff."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.brand import BrandSettings
from siyu.core.facts import Context
from siyu.delivery.routing_state import Routing
from siyu.store.compile import SqlContext
from siyu.store.tables import staff, staff_roles


@dataclass(frozen=True)
class StaffDirectory:
    """Every staff account by id, and who holds each role (ids in external-id order)."""

    external_ids: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    by_external_id: dict[str, int] = field(default_factory=dict)
    holders: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> StaffDirectory:
        external_ids: dict[int, str] = {}
        names: dict[int, str] = {}
        for row in conn.execute(sa.select(staff.c.id, staff.c.external_id, staff.c.name)):
            external_ids[row.id] = row.external_id
            names[row.id] = row.name
        holders: dict[str, list[int]] = defaultdict(list)
        for role_row in conn.execute(sa.select(staff_roles.c.role, staff_roles.c.staff_id)):
            holders[str(role_row[0])].append(int(role_row[1]))
        for ids in holders.values():
            ids.sort(key=lambda staff_id: external_ids[staff_id])
        by_external_id = {external: staff_id for staff_id, external in external_ids.items()}
        return cls(external_ids, names, by_external_id, dict(holders))


@dataclass(frozen=True)
class PlanContext:
    now_us: int
    settings: BrandSettings
    directory: StaffDirectory
    dialect: str
    routing: Routing = field(default_factory=Routing)  # where due tasks go (channels)

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def sql(self) -> SqlContext:
        return SqlContext(self.dialect, Context(now_us=self.now_us, zone=self.zone))

    @classmethod
    def load(cls, conn: Connection, now_us: int) -> PlanContext:
        return cls(now_us, brand_settings.load(conn), StaffDirectory.load(conn), conn.dialect.name, Routing.load(conn))
