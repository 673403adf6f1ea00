"""A worker killed with SIGKILL at random moments of planning, and restarted each time, ends
with exactly the tasks, entries and task changes of a worker that was never interrupted on an
identical copy of the brand: no task twice, none missing, none different.

The brand is the demo brand (2,000 customers) with every scenario SOP, switched on a week before
the first tick, so that the first tick enters thousands of targets and makes thousands of tasks.
The helpers here (brand copies, worker processes, table contents) also serve
test_two_workers_postgres.py."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.demo.generate import write_demo
from siyu.demo.load import load_demo
from siyu.demo.world import DemoSpec
from siyu.store.db import create_engine
from siyu.store.tables import chat_groups, customers, events, metadata, sop_entries, staff, task_changes, tasks
from tests.support.brand import SCENARIOS, SHANGHAI, apply_sops
from tests.support.databases import POSTGRES_URL

pytestmark = pytest.mark.slow

DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday morning
SWITCHED_ON = DEMO_NOW - timedelta(days=7)  # a week of events for the event entries to take
TICKS = (
    DEMO_NOW,  # the first tick: every entry, thousands of tasks, caps
    DEMO_NOW + timedelta(hours=1),  # hourly audience checks, firing
    DEMO_NOW + timedelta(hours=15, minutes=5),  # just after midnight: a new day of recurring work
    DEMO_NOW + timedelta(hours=25),  # the next morning: tasks fire and expire
)  # then one tick an hour while kills remain
MAX_EXTRA_TICKS = 20
CUSTOMERS = 2000
KILLS = 15  # that land while the worker is planning
KILLS_PER_TICK = 5
SEED = 20261120
PROCESS_TIMEOUT = 120.0

# A worker process that has imported everything before it is told to go, so that a kill lands
# in planning rather than in Python's start-up; it then runs the real command line.
LAUNCHER = """
import json, sys
import siyu.planner.tick
from siyu.cli import main
print("ready", flush=True)
line = sys.stdin.readline()
if line:
    sys.argv = ["siyu", *json.loads(line)]
    main()
"""


# --- brands ------------------------------------------------------------------------------------


@contextmanager
def demo_brand_copies(kind: str, folder: Path, *, customers: int = CUSTOMERS, copies: int = 2) -> Iterator[list[str]]:
    """URLs of `copies` databases of kind "sqlite" or "postgresql" holding the same brand: the
    demo brand with every scenario SOP applied. PostgreSQL copies are databases of their own
    (`CREATE DATABASE … TEMPLATE`), dropped at the end."""
    if kind == "sqlite":
        base = folder / "brand.db"
        _build_demo_brand(f"sqlite:///{base}", folder / "demo", customers)
        paths = [base] + [folder / f"copy{i}.db" for i in range(1, copies)]
        for path in paths[1:]:
            shutil.copyfile(base, path)
        yield [f"sqlite:///{path}" for path in paths]
        return
    with postgres_databases() as databases:
        base = databases.create()
        _build_demo_brand(databases.url(base), folder / "demo", customers)
        names = [base] + [databases.create(template=base) for _ in range(1, copies)]
        yield [databases.url(name) for name in names]


def _build_demo_brand(url: str, folder: Path, customers: int) -> None:
    """What `siyu demo generate --customers N --seed 7 --now …` then `siyu sop apply` do."""
    engine = create_engine(url)
    try:
        files = write_demo(DemoSpec(customers, 7, DEMO_NOW), folder, workers=1)
        load_demo(engine, files)
        apply_sops(engine, SCENARIOS, now=int(SWITCHED_ON.timestamp() * 1_000_000))
        if engine.dialect.name == "postgresql":
            _analyze_loaded_tables(engine)
    finally:
        engine.dispose()  # on SQLite this checkpoints the WAL into the file that is copied


def _analyze_loaded_tables(engine: Engine) -> None:
    """What autovacuum does some time after a bulk load: statistics for the tables that hold
    rows (the planner's own tables stay empty and never analyzed, as before a first tick)."""
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if conn.execute(sa.select(sa.exists().select_from(table))).scalar():
                conn.exec_driver_sql(f'ANALYZE "{table.name}"')
        conn.commit()


@dataclass
class PostgresDatabases:
    """Databases named siyu_crash_<random> on the test server; all dropped when done."""

    admin: Engine = field(default_factory=lambda: sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT"))
    names: list[str] = field(default_factory=list)

    def create(self, *, template: str | None = None) -> str:
        name = f"siyu_crash_{uuid.uuid4().hex[:10]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in reversed(self.names):
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@contextmanager
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()


# --- worker processes --------------------------------------------------------------------------


class WorkerFailed(RuntimeError):
    """A worker process that did not start or did not exit cleanly (not a planning result)."""


class Worker:
    """`siyu --db URL ARGS…` in a process of its own, started ahead and told when to go."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.started = 0.0

    def ready(self) -> Worker:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line != "ready\n":
            _, stderr = self.process.communicate(timeout=PROCESS_TIMEOUT)
            raise WorkerFailed(f"the worker did not start: {line!r} {stderr}")
        return self

    def go(self, url: str, *args: str) -> Worker:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(["--db", url, *args]) + "\n")
        self.process.stdin.flush()
        self.started = time.monotonic()
        return self

    def running_after(self, seconds: float) -> bool:
        """Wait up to `seconds`; True if the process is still running then."""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return True
        return False

    def kill(self) -> str:
        """SIGKILL; what the worker had written to stderr."""
        self.process.kill()
        _, stderr = self.process.communicate(timeout=PROCESS_TIMEOUT)
        return stderr

    def finish(self) -> tuple[str, float]:
        """Wait for a clean exit; (stdout, seconds since go)."""
        try:
            stdout, stderr = self.process.communicate(timeout=PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            _, stderr = self.process.communicate()
            raise WorkerFailed(f"the worker took more than {PROCESS_TIMEOUT} s: {stderr}") from exc
        seconds = time.monotonic() - self.started
        if self.process.returncode != 0:
            raise WorkerFailed(f"the worker exited with {self.process.returncode}: {stderr}")
        return stdout, seconds

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.communicate(input="", timeout=PROCESS_TIMEOUT)  # no command: it just ends


class Workers:
    """Hands out ready worker processes; the next one warms up while the current one plans."""

    def __init__(self) -> None:
        self.spare = Worker()

    def start(self, url: str, *args: str) -> Worker:
        worker, self.spare = self.spare, Worker()
        return worker.ready().go(url, *args)

    def plan(self, url: str, moment: datetime) -> tuple[float, dict[str, Any]]:
        """One tick run to its end (`siyu plan --now … --format json`): the seconds from go to
        exit, and what the command reports."""
        stdout, seconds = self.start(url, "plan", "--now", moment.isoformat(), "--format", "json").finish()
        report = json.loads(stdout)
        assert not report["stopped"], report
        return seconds, report

    def close(self) -> None:
        self.spare.close()


@contextmanager
def workers() -> Iterator[Workers]:
    pool = Workers()
    try:
        yield pool
    finally:
        pool.close()


# --- table contents ----------------------------------------------------------------------------


def _external_target(kind: Any, key: Any) -> Any:
    """The external id of the customer, group or staff member a row is about."""
    return sa.case(
        (kind == "customer", sa.select(customers.c.external_id).where(customers.c.id == key).scalar_subquery()),
        (kind == "group", sa.select(chat_groups.c.external_id).where(chat_groups.c.id == key).scalar_subquery()),
        else_=sa.select(staff.c.external_id).where(staff.c.id == key).scalar_subquery(),
    )


def _external_event(key: Any) -> Any:
    return sa.select(events.c.external_id).where(events.c.id == key).scalar_subquery()


def _external_staff(key: Any) -> Any:
    return sa.select(staff.c.external_id).where(staff.c.id == key).scalar_subquery()


def _plain(row: sa.Row[Any]) -> tuple[Any, ...]:
    return tuple(json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v for v in row)


def planner_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Tasks, entries and task changes as sorted tuples, with external ids instead of database
    ids and without the wall-clock columns (created_at, updated_at)."""
    occurrence = (
        tasks.c.sop_id,
        tasks.c.step_id,
        tasks.c.target_type,
        _external_target(tasks.c.target_type, tasks.c.target_id),
        tasks.c.entry_no,
        tasks.c.scheduled_at,
    )
    queries = {
        "tasks": sa.select(
            *occurrence,
            tasks.c.sop_version,
            tasks.c.wanted_at,
            tasks.c.due_at,
            tasks.c.cap_pending,
            tasks.c.status,
            tasks.c.channel,
            tasks.c.mode,
            tasks.c.priority,
            _external_staff(tasks.c.executor_id),
            tasks.c.variant,
            _external_event(tasks.c.event_id),
            tasks.c.content,
            tasks.c.reason,
        ),
        "sop_entries": sa.select(
            sop_entries.c.sop_id,
            sop_entries.c.target_type,
            _external_target(sop_entries.c.target_type, sop_entries.c.target_id),
            sop_entries.c.entry_no,
            sop_entries.c.entered_at,
            sop_entries.c.version,
            sop_entries.c.holdout,
            _external_event(sop_entries.c.source_event_id),
            sop_entries.c.planned_version,
            sop_entries.c.left_at,
            sop_entries.c.exited_at,
            sop_entries.c.exit_reason,
        ),
        "task_changes": sa.select(
            *occurrence, task_changes.c.at, task_changes.c.status, task_changes.c.actor, task_changes.c.reason
        ).select_from(task_changes.join(tasks, tasks.c.id == task_changes.c.task_id)),
    }
    engine = create_engine(url, migrate=False)
    try:
        with engine.connect() as conn:
            return {name: sorted(map(_plain, conn.execute(query)), key=repr) for name, query in queries.items()}
    finally:
        engine.dispose()


def assert_same_rows(actual: dict[str, list[tuple[Any, ...]]], expected: dict[str, list[tuple[Any, ...]]]) -> None:
    """Equal row for row (duplicates count); otherwise say which rows are extra or missing."""
    differences = []
    for table, rows in expected.items():
        extra = Counter(actual[table]) - Counter(rows)
        missing = Counter(rows) - Counter(actual[table])
        if extra or missing:
            differences.append(
                f"{table}: {sum(extra.values())} extra, {sum(missing.values())} missing\n"
                + "".join(f"  + {row}\n" for row in list(extra.elements())[:8])
                + "".join(f"  - {row}\n" for row in list(missing.elements())[:8])
            )
    assert not differences, "\n".join(differences)


# --- the test ----------------------------------------------------------------------------------


@dataclass
class Crashes:
    ticks: int = 0
    kills: list[tuple[int, float]] = field(default_factory=list)  # (tick, seconds from go to SIGKILL)
    after_the_tick: int = 0  # kills that came once the tick was over (the worker was exiting)
    ran_to_the_end: int = 0  # restarted workers that finished the tick before their kill came

    @property
    def during_planning(self) -> int:
        return len(self.kills) - self.after_the_tick


def tick_instants() -> Iterator[datetime]:
    yield from TICKS
    for hours in range(1, MAX_EXTRA_TICKS + 1):
        yield TICKS[-1] + timedelta(hours=hours)


def plan_with_kills(pool: Workers, crashed: str, reference: str, rng: random.Random) -> Crashes:
    """Tick by tick: an uninterrupted worker plans the tick on the reference copy, taking some
    time T; on the other copy a worker is started, SIGKILLed after a random delay in [0.05, T],
    restarted, … until a restart gets to the end of the tick, or the tick's kills are spent and
    a last worker finishes it. Ticks go on until KILLS kills have come during planning."""
    crashes = Crashes()
    for index, moment in enumerate(tick_instants()):
        if index >= len(TICKS) and crashes.during_planning >= KILLS:
            break
        duration, report = pool.plan(reference, moment)
        assert report["waited_for_other_workers"] == {}, report  # it is alone
        crashes.ticks += 1
        for _ in range(KILLS_PER_TICK):
            worker = pool.start(crashed, "worker", "--now", moment.isoformat(), "--once")
            delay = rng.uniform(0.05, duration)
            if not worker.running_after(delay):
                worker.finish()
                crashes.ran_to_the_end += 1
                break
            # The restart comes at once: on PostgreSQL the dead worker's server process may still
            # be running its statement, holding its lock, and the new worker waits for it.
            stderr = worker.kill()
            crashes.kills.append((index, round(delay, 3)))
            crashes.after_the_tick += "tick " in stderr  # a worker reports its tick once it is over
        else:
            pool.plan(crashed, moment)
    return crashes


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_worker_killed_again_and_again_plans_what_an_uninterrupted_one_plans(kind: str, tmp_path: Path) -> None:
    with demo_brand_copies(kind, tmp_path) as (crashed, reference), workers() as pool:
        crashes = plan_with_kills(pool, crashed, reference, random.Random(SEED))
        assert crashes.during_planning >= KILLS, crashes

        expected = planner_rows(reference)
        assert len(expected["tasks"]) > 5000 and len(expected["sop_entries"]) > 3000  # planning is real work
        assert_same_rows(planner_rows(crashed), expected)
