"""What one planning pass knows besides the SOP: the instant, the brand's settings, the staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.brand import BrandSettings
from siyu.core.facts import Context
from siyu.core.staff import StaffAccount, StaffDirectory
from siyu.delivery.routing_state import Routing
from siyu.store.compile import SqlContext
from siyu.store.tables import staff, staff_roles


def load_staff_directory(conn: Connection) -> StaffDirectory:
    accounts = [
        StaffAccount(row.id, row.external_id, row.name)
        for row in conn.execute(sa.select(staff.c.id, staff.c.external_id, staff.c.name))
    ]
    roles = [(str(row[0]), int(row[1])) for row in conn.execute(sa.select(staff_roles.c.role, staff_roles.c.staff_id))]
    return StaffDirectory.of(accounts, roles)


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
        return cls(now_us, brand_settings.load(conn), load_staff_directory(conn), conn.dialect.name, Routing.load(conn))
