"""One tick of the planner: small steps, each one transaction that reports "more work?".

Steps, in order: cancel work of disabled SOPs; per enabled SOP (highest priority first) bring
pending tasks to its latest version, check its audience, take new events, plan new entries and
recurring occurrences; then re-plan by a changed workday calendar; then the brand-wide caps;
then fire due tasks and expire late ones. A step repeats while it reports more work. Each step
commits on its own, so a crash loses at most the step under way, and every write is idempotent
(unique keys, cursors saved in the same transaction), so a restart simply goes on.

On PostgreSQL each step first takes a transaction-scoped advisory lock for its SOP (or for the
brand-wide steps), waiting while another worker holds it: workers take turns at each step, and
any number of them may run.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.planner import failures
from siyu.planner.calendar_replan import replan_by_calendar
from siyu.planner.cap_placement import place_caps
from siyu.planner.context import PlanContext
from siyu.planner.due_tasks import fire_due
from siyu.planner.entries import refresh_audience, take_events
from siyu.planner.failures import SopStepError
from siyu.planner.loaded_sops import SopBook
from siyu.planner.sop_versions import cancel_disabled, expire_due, sync_version
from siyu.planner.task_planning import advance_recurring, plan_entries
from siyu.sops.overview import SopFailure
from siyu.sops.repo import StoredSop
from siyu.store.tables import sop_state

BATCH = 5000
FIRE_BATCH = 20_000
CUSTOMER_BATCH = 10_000

StepFunction = Callable[[Connection, PlanContext, SopBook], bool]


@dataclass(frozen=True)
class Step:
    name: str
    lock: str  # the advisory lock key: the SOP id, or a brand-wide name
    run: StepFunction
    sop_id: str | None = None  # the SOP whose work this is; None for a brand-wide step


@dataclass
class TickReport:
    now_us: int
    steps: Counter[str] = field(default_factory=Counter)  # step name → transactions run
    waited: Counter[str] = field(default_factory=Counter)  # steps that waited for another worker
    seconds: dict[str, float] = field(default_factory=dict)  # step name → wall time spent
    stopped: bool = False
    failed: dict[str, SopFailure] = field(default_factory=dict)  # SOP id → its failure in this tick


def _sop_steps(stored: StoredSop) -> list[Step]:
    sop_id = stored.id

    def latest(book: SopBook) -> StoredSop:
        return book.enabled[sop_id]

    return [
        Step("version", sop_id, lambda c, x, b: sync_version(c, latest(b), x, batch=BATCH), sop_id),
        Step("audience", sop_id, lambda c, x, b: refresh_audience(c, latest(b), x), sop_id),
        Step("events", sop_id, lambda c, x, b: take_events(c, latest(b), x, batch=BATCH), sop_id),
        Step(
            "entries",
            sop_id,
            lambda c, x, b: plan_entries(c, latest(b).sop, latest(b).version, x, batch=BATCH),
            sop_id,
        ),
        Step(
            "recurring",
            sop_id,
            lambda c, x, b: advance_recurring(c, latest(b).sop, latest(b).version, x, batch=BATCH),
            sop_id,
        ),
    ]


def steps_of(book: SopBook) -> list[Step]:
    steps = [Step("disabled", "siyu:disabled", lambda c, x, _b: cancel_disabled(c, x, batch=BATCH))]
    for stored in book.by_priority:
        steps += _sop_steps(stored)
    steps += [
        Step("calendar", "siyu:calendar", lambda c, x, b: replan_by_calendar(c, b, x, batch=BATCH)),
        Step("statistics", "siyu:statistics", lambda c, _x, _b: refresh_statistics(c)),
        Step("caps", "siyu:caps", lambda c, x, b: place_caps(c, b, x, batch=CUSTOMER_BATCH)),
        Step("fire", "siyu:fire", lambda c, x, b: fire_due(c, b, x, batch=FIRE_BATCH)),
        Step("expire", "siyu:fire", lambda c, x, _b: expire_due(c, x, batch=BATCH)),
    ]
    return steps


PLANNER_TABLES = ("tasks", "sop_entries")


def refresh_statistics(conn: Connection) -> bool:
    """PostgreSQL: ANALYZE the planner's tables when a tenth of their rows changed since the
    last analysis (a first tick inserts millions of tasks; caps and firing then need plans made
    for that table, not for the empty one autovacuum last saw). Returns False (one step)."""
    if conn.dialect.name != "postgresql":
        return False
    stale = conn.execute(
        sa.text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
            " AND relname IN ('tasks', 'sop_entries') AND n_mod_since_analyze > 1000"
            " AND n_mod_since_analyze > n_live_tup / 10"
        )
    ).scalars()
    for table in stale:
        if table in PLANNER_TABLES:
            conn.exec_driver_sql(f"ANALYZE {table}")
    return False


def lock_key(name: str) -> int:
    """A 32-bit key for a step's lock; the other half of the lock is the schema's hash."""
    return int.from_bytes(hashlib.sha256(f"siyu-planner:{name}".encode()).digest()[:4], "big", signed=True)


def _lock(conn: Connection, name: str) -> bool:
    """Take the step's lock (PostgreSQL), held until the step's transaction ends, waiting for
    it if another worker has it; returns whether it had to wait. Workers take turns at a step
    and each finds what the one before it left (usually nothing), so every step runs in every
    worker's tick whatever the interleaving. Advisory locks belong to the database: the schema
    is part of the key, so brands in other schemas never wait for each other."""
    if conn.dialect.name != "postgresql":
        return False
    keys = (sa.func.hashtext(sa.func.current_schema()), sa.literal(lock_key(name)))
    if conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(*keys))).scalar():
        return False
    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(*keys)))
    return True


Begin = Callable[[], AbstractContextManager[Connection]]


def run_tick(
    begin: Begin,
    now_us: int,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    on_step: Callable[[str], None] | None = None,
    locking: bool = True,
) -> TickReport:
    """Run every step until none reports more work (or `should_stop()` between steps).
    `locking=False` (a simulation in a transaction it rolls back) takes no advisory locks,
    which it would otherwise hold — and keep from real workers — until it ends.

    Each step's work runs in a savepoint. When an SOP's work fails, the savepoint is rolled
    back, the failure is recorded on the SOP in the step's transaction, and the SOP's remaining
    steps are skipped for this tick; the brand-wide steps then leave its tasks alone. Any other
    failure (a brand-wide step's own) ends the tick with the exception."""
    report = TickReport(now_us)
    with begin() as conn:
        book = SopBook.load(conn)
        ctx = PlanContext.load(conn, now_us)
        for sop_id, exc in sorted(book.unreadable.items()):
            report.failed[sop_id] = failures.record(conn, sop_id, "load", exc, now_us=now_us)
    for step in steps_of(book):
        more = step.sop_id not in book.held
        while more:
            if should_stop():
                report.stopped = True
                return report
            started = time.perf_counter()
            with begin() as conn:
                if locking and _lock(conn, step.lock):
                    report.waited[step.name] += 1
                more = _run_step(conn, step, ctx, book, report)
            report.steps[step.name] += 1
            report.seconds[step.name] = report.seconds.get(step.name, 0.0) + time.perf_counter() - started
            if on_step is not None:
                on_step(step.name)
    with begin() as conn:
        failures.clear(conn, [stored.id for stored in book.by_priority if stored.id not in book.held])
    return report


def _run_step(conn: Connection, step: Step, ctx: PlanContext, book: SopBook, report: TickReport) -> bool:
    """One transaction of a step: whether it has more work."""
    try:
        with conn.begin_nested():
            more = step.run(conn, ctx, book)
    except SopStepError as exc:  # a brand-wide step failed on one SOP's work: again without it
        _hold(conn, exc.sop_id, step.name, exc, book=book, report=report)
        return True
    except Exception as exc:
        if step.sop_id is None:
            raise
        _hold(conn, step.sop_id, step.name, exc, book=book, report=report)
        return False
    if step.sop_id is not None:
        conn.execute(sa.update(sop_state).where(sop_state.c.sop_id == step.sop_id).values(last_tick_at=ctx.now_us))
    return more


def _hold(conn: Connection, sop_id: str, step: str, exc: Exception, *, book: SopBook, report: TickReport) -> None:
    report.failed[sop_id] = failures.record(conn, sop_id, step, exc, now_us=report.now_us)
    book.held.add(sop_id)


def transactions(engine: Engine) -> Begin:
    """One transaction per step; on SQLite it takes the write lock at BEGIN (no upgrade races)."""
    immediate = engine.execution_options(siyu_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine

    @contextmanager
    def begin() -> Iterator[Connection]:
        with immediate.begin() as conn:
            yield conn

    return begin


def tick(engine: Engine, now_us: int, **options: object) -> TickReport:
    return run_tick(transactions(engine), now_us, **options)  # type: ignore[arg-type]
