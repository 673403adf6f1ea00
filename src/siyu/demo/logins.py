"""The demo brand's console users: one per role, with known passwords printed at start.

Only for the demo brand: a real brand makes its first admin with `siyu user add`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import users as accounts
from siyu.accounts.users import Role
from siyu.core.errors import NotFoundError
from siyu.store.tables import customers, staff, tasks


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    staff: str | None
    display_name: str


def _busiest_staff(conn: Connection) -> str | None:
    """The staff member with the most tasks, so the demo staff login has work to show."""
    by_tasks = conn.execute(
        sa.select(staff.c.external_id)
        .join(tasks, tasks.c.executor_id == staff.c.id)
        .group_by(staff.c.external_id)
        .order_by(sa.func.count().desc(), staff.c.external_id)
        .limit(1)
    ).scalar()
    if by_tasks is not None:
        return str(by_tasks)
    by_customers = conn.execute(
        sa.select(staff.c.external_id)
        .join(customers, customers.c.owner_id == staff.c.id)
        .group_by(staff.c.external_id)
        .order_by(sa.func.count().desc(), staff.c.external_id)
        .limit(1)
    ).scalar()
    return str(by_customers) if by_customers is not None else None


def ensure_demo_users(conn: Connection, *, now_us: int) -> list[DemoLogin]:
    """Create the demo logins that do not exist yet (passwords of existing ones are kept)."""
    linked = _busiest_staff(conn)
    wanted = [
        DemoLogin("admin", "siyu-admin-demo", Role.admin, None, "管理员"),
        DemoLogin("operator", "siyu-operator-demo", Role.operator, None, "运营负责人"),
    ]
    if linked is not None:
        wanted.append(DemoLogin("staff", "siyu-staff-demo", Role.staff, linked, f"导购 {linked}"))
    for login in wanted:
        try:
            accounts.get_user(conn, login.username)
        except NotFoundError:
            accounts.create_user(
                conn,
                username=login.username,
                password=login.password,
                role=login.role,
                now_us=now_us,
                staff_external_id=login.staff,
                display_name=login.display_name,
            )
    return wanted
