"""A draft SOP simulated: the tasks it would make over the next days if it were applied and
switched on now, planned by the planner's own ticks inside a transaction that is rolled back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.timeutil import US_PER_DAY, from_us
from siyu.planner.simulation import simulate
from siyu.sops.drafts import DraftCheck, locate
from siyu.sops.repo import apply_text


@dataclass
class SimulatedDay:
    date: str
    count: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    tasks: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Simulation:
    sop_id: str
    start: str
    end: str
    ticks: int
    total: int
    days: list[SimulatedDay]
    by_step: list[tuple[str, int]]
    by_status: list[tuple[str, int]]


def simulate_draft(
    engine: Engine,
    check: DraftCheck,
    source: str,
    *,
    now_us: int,
    days: int,
    step_us: int,
    per_day: int,
    with_others: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> Simulation:
    """The tasks the draft would make over the next `days` if it were applied and switched on now,
    ticking every `step_us` as the worker would, the first `per_day` of each local day listed.
    The draft is planned alone (the tasks other SOPs have planned already still count under the
    caps) unless `with_others`: then every enabled SOP plans as well, as `siyu simulate --sop`
    does — exact for caps, and as many times slower as the brand has SOPs. Everything happens in
    a transaction that is rolled back: nothing is stored."""
    check.raise_problems()
    end_us = now_us + days * US_PER_DAY
    file = check.file

    def prepare(conn: Connection) -> str:
        report = apply_text(conn, source, file, now_us=now_us)
        return report.applied[0].sop_id

    try:
        rows = simulate(engine, now_us, end_us, step_us=step_us, prepare=prepare, alone=not with_others, locale=locale)
    except ValidationError as exc:
        raise ValidationError([Problem(p.where, p.message) for p in (locate(q, file) for q in exc.problems)]) from exc
    with engine.connect() as conn:
        zone = brand_settings.load(conn).zone
    by_day: dict[str, SimulatedDay] = {}
    for row in rows:
        date = str(row["due_at"])[:10]
        day = by_day.setdefault(date, SimulatedDay(date))
        day.count += 1
        day.by_status[str(row["status"])] += 1
        if len(day.tasks) < per_day:
            day.tasks.append(row)
    steps = Counter(str(row["step"]) for row in rows)
    statuses = Counter(str(row["status"]) for row in rows)
    return Simulation(
        sop_id=check.sop.id,
        start=from_us(now_us, zone).isoformat(),
        end=from_us(end_us, zone).isoformat(),
        ticks=(end_us - now_us) // step_us + 1,
        total=len(rows),
        days=[by_day[date] for date in sorted(by_day)],
        by_step=sorted(steps.items()),
        by_status=sorted(statuses.items()),
    )
