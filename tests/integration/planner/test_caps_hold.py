"""The frequency cap is a guarantee: whatever SOPs a brand switches on, with whatever priorities,
and however the worker ticks, no customer ever has more customer-facing tasks (private, sms)
pending, due, done or sent on one local day than the daily cap, or in one local week (Monday to
Sunday) than the weekly cap — including tasks that fire at the very tick that makes them — and
every task away from its wanted time says why."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from siyu.brand import settings as settings_service
from siyu.core.timeutil import from_us
from siyu.planner.tick import tick
from siyu.sops import repo as sop_service
from siyu.store.tables import tasks
from tests.support.brand import SHANGHAI, Brand, at
from tests.support.dataset import clear

PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("SIYU_PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIRST_DAY = date(2026, 3, 2)  # a Monday with no public holiday near it
TIMES = ("08:30", "09:00", "10:00", "12:00", "15:00", "20:00")
COUNTED = ("pending", "due", "done", "sent")
FACING = ("private", "sms")


@dataclass(frozen=True)
class StepPlan:
    at: str  # the `at:` mapping as YAML flow
    channel: str


@dataclass(frozen=True)
class SopPlan:
    priority: int
    audience: str
    steps: tuple[StepPlan, ...]


@dataclass(frozen=True)
class Case:
    per_day: int
    per_week: int
    sops: tuple[SopPlan, ...]
    ticks: tuple[str, ...]  # local moments, in order
    done: tuple[int, ...]  # after tick i, staff mark the due tasks of customer i % 3 done


step_plans = st.builds(
    StepPlan,
    at=st.one_of(
        st.builds(lambda d, t: f'{{day: {d}, time: "{t}"}}', st.integers(0, 3), st.sampled_from(TIMES)),
        st.sampled_from(("{delay: 0m}", "{delay: 30m}", "{delay: 26h}")),
        st.builds(lambda t: f'{{every: day, time: "{t}"}}', st.sampled_from(TIMES)),
    ),
    channel=st.sampled_from(("private", "private", "sms", "group_note")),
)
sop_plans = st.builds(
    SopPlan,
    priority=st.integers(0, 3),
    audience=st.sampled_from(("{tag: 会员}", "{tag: 新客}", "{any: [{tag: 会员}, {tag: 新客}]}")),
    steps=st.lists(step_plans, min_size=1, max_size=3).map(tuple),
)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    per_day = draw(st.integers(1, 3))
    per_week = draw(st.integers(per_day, per_day * 4))
    moments = draw(
        st.lists(st.tuples(st.integers(0, 9), st.sampled_from(("07:00", *TIMES, "21:30"))), min_size=1, max_size=6)
    )
    ticks = tuple(f"{FIRST_DAY + timedelta(days=d)} {t}" for d, t in sorted(set(moments)))
    return Case(
        per_day,
        per_week,
        tuple(draw(st.lists(sop_plans, min_size=1, max_size=5))),
        ticks,
        tuple(draw(st.lists(st.integers(0, 2), max_size=len(ticks)))),
    )


def _sop_text(number: int, plan: SopPlan) -> str:
    steps = []
    for index, step in enumerate(plan.steps):
        channel = "internal" if step.channel == "group_note" else step.channel
        steps.append(
            f"  - id: s{index}\n    at: {step.at}\n    channel: {channel}\n    executor: owner\n"
            f'    content: [{{text: "sop {number} step {index}"}}]\n'
        )
    return (
        f"id: cap-{number}\nname: cap {number}\nkind: customer\npriority: {plan.priority}\n"
        f"audience: {plan.audience}\nsteps:\n" + "".join(steps)
    )


def _brand(engine: Engine, folder: Path, case: Case) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c0", "s1", tags=("会员",))
    brand.add_customer("c1", "s1", tags=("新客",))
    brand.add_customer("c2", "s1", tags=("会员", "新客"))
    with engine.begin() as conn:
        clear(conn)
    brand.write(engine, folder)
    with engine.begin() as conn:
        start = at(f"{FIRST_DAY} 00:00")
        settings_service.set_value(conn, "caps", {"per_day": case.per_day, "per_week": case.per_week}, now_us=start)
        for number, plan in enumerate(case.sops):
            sop_service.apply_text(conn, _sop_text(number, plan), folder / f"cap-{number}.yaml", now_us=start)


def _check(engine: Engine, case: Case, moment: str) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(tasks.c.target_id, tasks.c.due_at, tasks.c.wanted_at, tasks.c.reason_code, tasks.c.status).where(
                tasks.c.channel.in_(FACING)
            )
        ).all()
    per_day: Counter[tuple[int, date]] = Counter()
    per_week: Counter[tuple[int, date]] = Counter()
    for row in rows:
        if row.status in COUNTED:
            day = from_us(row.due_at, SHANGHAI).date()
            per_day[row.target_id, day] += 1
            per_week[row.target_id, day - timedelta(days=day.weekday())] += 1
        if row.status in COUNTED and row.due_at != row.wanted_at:
            assert row.reason_code is not None, f"a task moved without a reason after {moment}"
    over_day = {key: n for key, n in per_day.items() if n > case.per_day}
    over_week = {key: n for key, n in per_week.items() if n > case.per_week}
    assert not over_day, f"after the tick at {moment}: over the daily cap {case.per_day}: {over_day}"
    assert not over_week, f"after the tick at {moment}: over the weekly cap {case.per_week}: {over_week}"


def _mark_done(engine: Engine, customer: int, now_us: int) -> None:
    """Staff finish the due tasks of one customer (done counts under the cap like the rest)."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.status == "due", tasks.c.target_id == customer + 1)
            .values(status="done", updated_at=now_us)
        )


@PROPERTY_SETTINGS
@given(case=cases())
def test_no_customer_is_ever_over_the_caps(engine: Engine, tmp_path: Path, case: Case) -> None:
    _brand(engine, tmp_path, case)
    for index, moment in enumerate(case.ticks):
        tick(engine, at(moment))
        _check(engine, case, moment)
        if index < len(case.done):
            _mark_done(engine, case.done[index], at(moment))


def test_four_sops_firing_at_once_give_a_customer_no_more_than_the_daily_cap(engine: Engine, tmp_path: Path) -> None:
    """The first tick after switching on four SOPs whose day-0 time has passed: they fire at
    once — two today (the higher priorities), two at the same time tomorrow, with the reason."""
    plans = tuple(
        SopPlan(priority, "{tag: 会员}", (StepPlan('{day: 0, time: "09:00"}', "private"),)) for priority in (0, 3, 1, 2)
    )
    case = Case(2, 5, plans, (f"{FIRST_DAY} 14:00",), ())
    _brand(engine, tmp_path, case)
    tick(engine, at(f"{FIRST_DAY} 14:00"))
    _check(engine, case, "the first tick")
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(tasks.c.sop_id, tasks.c.status, tasks.c.due_at, tasks.c.reason_code)
            .where(tasks.c.target_id == 1)
            .order_by(tasks.c.sop_id)
        ).all()
    shown = [(r.sop_id, r.status, from_us(r.due_at, SHANGHAI).strftime("%m-%d %H:%M"), r.reason_code) for r in found]
    assert shown == [
        ("cap-0", "pending", "03-03 14:00", "daily_cap_deferred"),
        ("cap-1", "due", "03-02 14:00", None),
        ("cap-2", "pending", "03-03 14:00", "daily_cap_deferred"),
        ("cap-3", "due", "03-02 14:00", None),
    ]
