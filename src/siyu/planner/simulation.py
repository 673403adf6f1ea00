"""What the planner would do over a period if no new data arrived, without keeping anything.

The simulation runs the planner's own ticks, at the same instants `siyu plan` would be run, on
one connection inside a transaction that is rolled back at the end: it cannot disagree with
planning tick by tick, because it is the same code on the same data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.brand import settings as brand_settings
from siyu.core.errors import Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.planner.context import PlanContext
from siyu.planner.loaded_sops import SopBook
from siyu.planner.tick import run_tick, steps_of
from siyu.sops.repo import latest, set_enabled
from siyu.store.tables import sops, task_changes, tasks
from siyu.tasks.queries import _query, as_dict

DEFAULT_STEP_US = 3600 * 1_000_000
MAX_TICKS = 24 * 400


def tick_instants(start_us: int, end_us: int, step_us: int) -> list[int]:
    """start, start + step, … up to and including end."""
    if end_us <= start_us:
        raise ValidationError([Problem("--to", "must be after --from")])
    if step_us <= 0:
        raise ValidationError([Problem("--every", "must be above zero")])
    count = (end_us - start_us) // step_us + 1
    if count > MAX_TICKS:
        raise ValidationError(
            [Problem("--every", f"{count} ticks is too many (at most {MAX_TICKS}); take a longer step")]
        )
    return [start_us + i * step_us for i in range(count)]


def _tick_alone(begin: Callable[[], AbstractContextManager[Connection]], now_us: int, sop_id: str) -> None:
    """A tick whose book holds one SOP: its own steps, then the brand-wide ones (caps, firing,
    expiry) over every task."""
    with begin() as conn:
        book = SopBook({sop_id: latest(conn, sop_id)})
        ctx = PlanContext.load(conn, now_us)
    for step in steps_of(book):
        more = True
        while more:
            with begin() as conn:
                more = step.run(conn, ctx, book)


def simulate(
    engine: Engine,
    start_us: int,
    end_us: int,
    *,
    step_us: int = DEFAULT_STEP_US,
    sop_id: str | None = None,
    on_tick: Callable[[int, int], None] | None = None,
    prepare: Callable[[Connection], str] | None = None,
    alone: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> list[dict[str, Any]]:
    """Tasks due in [start, end] that ticks from `start` every `step` would make or change,
    as `siyu tasks list` shows them (status as at the end). `sop_id` limits the timeline to one
    SOP and simulates it switched on even if it is off. `prepare` runs first, inside the
    transaction that is rolled back (the console applies a draft SOP there), and names the SOP
    to simulate in place of `sop_id`. `alone` plans that SOP only: the other SOPs' tasks already
    planned still take their places under the caps and fire or expire, but the other SOPs take
    no new entries — a fraction of the work when a brand has many SOPs."""
    instants = tick_instants(start_us, end_us, step_us)
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            if prepare is not None:
                sop_id = prepare(conn)
            if sop_id is not None:
                exists = conn.execute(sa.select(sops.c.id).where(sops.c.id == sop_id)).first()
                if exists is None:
                    raise ValidationError([Problem("--sop", f"no SOP named {sop_id}")])
                set_enabled(conn, sop_id, True, now_us=start_us)
            last_change = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(task_changes.c.id), 0))).scalar_one())
            last_id = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(tasks.c.id), 0))).scalar_one())

            @contextmanager
            def begin() -> Iterator[Connection]:
                with conn.begin_nested():
                    yield conn

            for index, instant in enumerate(instants):
                if alone and sop_id is not None:
                    _tick_alone(begin, instant, sop_id)
                else:
                    run_tick(begin, instant, locking=False)
                if on_tick is not None:
                    on_tick(index + 1, len(instants))
            query = _query().where(
                sa.or_(
                    tasks.c.id > last_id,
                    tasks.c.id.in_(sa.select(task_changes.c.task_id).where(task_changes.c.id > last_change)),
                ),
                tasks.c.due_at >= start_us,
                tasks.c.due_at <= end_us,
            )
            if sop_id is not None:
                query = query.where(tasks.c.sop_id == sop_id)
            zone = brand_settings.load(conn).zone
            rows = [as_dict(row, zone, locale) for row in conn.execute(query.order_by(tasks.c.due_at, tasks.c.id))]
        finally:
            outer.rollback()
    return rows
