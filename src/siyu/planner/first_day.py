"""How much work an SOP would give each staff member on its first day, asked before it is
switched on: the SOP simulated alone (nothing is stored) from now over the next 24 hours, at
the worker's hourly rhythm, and its tasks counted per executor.

Counted are the tasks that would be waiting for someone (pending or due), and those sent
automatically; skipped, cancelled, failed or expired ones are not work. Caps, quiet hours,
workdays and a `ramp` apply as they would."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR
from siyu.planner.simulation import simulate
from siyu.store.tables import staff

WORK = ("pending", "due", "sent")


@dataclass(frozen=True)
class StaffLoad:
    staff: str | None  # external id; None: nobody could carry the tasks out
    name: str
    tasks: int


@dataclass(frozen=True)
class FirstDay:
    sop_id: str
    start_us: int
    end_us: int
    loads: tuple[StaffLoad, ...]  # most tasks first

    @property
    def total(self) -> int:
        return sum(load.tasks for load in self.loads)

    @property
    def busiest(self) -> StaffLoad | None:
        return next((load for load in self.loads if load.staff is not None), None)


def first_day(
    engine: Engine, sop_id: str, now_us: int, *, on_tick: Callable[[int, int], None] | None = None
) -> FirstDay:
    end_us = now_us + US_PER_DAY
    rows = simulate(engine, now_us, end_us, step_us=US_PER_HOUR, sop_id=sop_id, alone=True, on_tick=on_tick)
    counted = Counter(row["executor"] for row in rows if row["status"] in WORK)
    wanted = [executor for executor in counted if executor is not None]
    with engine.connect() as conn:
        query = sa.select(staff.c.external_id, staff.c.name).where(staff.c.external_id.in_(wanted))
        names = {str(row.external_id): str(row.name) for row in conn.execute(query)}
    loads = sorted(
        (
            StaffLoad(executor, names.get(executor, "") if executor else "", count)
            for executor, count in counted.items()
        ),
        key=lambda load: (-load.tasks, load.staff is None, load.staff or ""),
    )
    return FirstDay(sop_id, now_us, end_us, tuple(loads))
