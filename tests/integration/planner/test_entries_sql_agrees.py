"""The planner's audience check in SQL (planner.entries.refresh_audience, set-based over whole
tables) agrees with the pure decisions of core.entries, target by target: random populations,
random entry histories, random re-entry rules, exit and holdout, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from siyu.core.assign import in_holdout
from siyu.core.conditions.nodes import TargetKind
from siyu.core.entries import EntryRecord, check_audience, check_exit, entry_rule
from siyu.core.reasons import ReasonCode
from siyu.planner.context import PlanContext
from siyu.planner.entries import refresh_audience
from siyu.sops import repo as sop_service
from siyu.store.tables import chat_groups, customer_tags, customers, group_tags, sop_entries, sop_state, staff
from tests.support.dataset import clear

PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("SIYU_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOUR = 3_600_000_000
NOW = 1_800_000_000 * 1_000_000  # 2027-01-15, on the hour
REENTRY = {"never": "never", "always": "always", "after 1h": "{after: 1h}", "after 1d": "{after: 1d}"}


@dataclass(frozen=True)
class Target:
    """One customer or group: whether it is in the audience, whether its exit holds, its entries."""

    in_audience: bool
    exits: bool
    history: tuple[EntryRecord, ...]


@st.composite
def histories(draw: st.DrawFn) -> tuple[EntryRecord, ...]:
    """Closed entries, then at most one open one, entry times rising, all before now."""
    count = draw(st.integers(0, 3))
    hours_ago = sorted(draw(st.lists(st.integers(1, 48), min_size=count, max_size=count, unique=True)), reverse=True)
    entries = []
    for number, ago in enumerate(hours_ago, start=1):
        entered = NOW - ago * HOUR
        left = draw(st.none() | st.integers(0, ago - 1).map(lambda h: NOW - h * HOUR))
        closed = number < count or draw(st.booleans())
        exited = draw(st.integers(0, ago - 1).map(lambda h: NOW - h * HOUR)) if closed else None
        holdout = draw(st.booleans())
        entries.append(EntryRecord(number, entered, left, exited, "before" if closed else None, holdout))
    return tuple(entries)


targets = st.builds(Target, st.booleans(), st.booleans(), histories())


@dataclass(frozen=True)
class Case:
    kind: str  # the SOP's kind: customer or group
    reentry: str
    with_exit: bool
    holdout_percent: int
    population: tuple[Target, ...]

    @property
    def target_kind(self) -> TargetKind:
        return TargetKind(self.kind)

    def sop_text(self) -> str:
        channel, executor = ("private", "owner") if self.kind == "customer" else ("group", "group_owner")
        lines = [
            "id: agree",
            "name: agree",
            f"kind: {self.kind}",
            "audience: {tag: in}",
            f"reentry: {REENTRY[self.reentry]}",
            f"holdout: {self.holdout_percent}%",
            "steps:",
            f"  - {{id: hi, at: {{delay: 1h}}, channel: {channel}, executor: {executor}, content: [{{text: hi}}]}}",
        ]
        if self.with_exit:
            lines.insert(4, "exit: {tag: out}")
        return "\n".join(lines) + "\n"


cases = st.builds(
    Case,
    st.sampled_from(["customer", "group"]),
    st.sampled_from(sorted(REENTRY)),
    st.booleans(),
    st.sampled_from([0, 50]),
    st.lists(targets, min_size=1, max_size=6).map(tuple),
)


def _write(engine: Engine, case: Case) -> None:
    table, tags, key = (
        (customers, customer_tags, "customer_id") if case.kind == "customer" else (chat_groups, group_tags, "group_id")
    )
    with engine.begin() as conn:
        clear(conn)
        sop_service.apply_text(conn, case.sop_text(), Path("agree.yaml"), now_us=NOW - 100 * HOUR)
        conn.execute(sa.insert(staff).values(id=1, external_id="s1", name="s1", created_at=0, updated_at=0))
        for index, target in enumerate(case.population, start=1):
            conn.execute(
                sa.insert(table).values(id=index, external_id=f"t{index}", owner_id=1, created_at=0, updated_at=0)
            )
            marks = ["in"] * target.in_audience + ["out"] * target.exits
            for tag in marks:
                conn.execute(sa.insert(tags).values({key: index, "tag": tag}))
            for entry in target.history:
                conn.execute(
                    sa.insert(sop_entries).values(
                        sop_id="agree",
                        target_type=case.kind,
                        target_id=index,
                        entry_no=entry.number,
                        entered_at=entry.entered_at,
                        version=1,
                        holdout=entry.holdout,
                        planned_version=1,
                        left_at=entry.left_at,
                        exited_at=entry.exited_at,
                        exit_reason=entry.exit_reason,
                    )
                )
        conn.execute(sa.delete(sop_state))


def _planned(engine: Engine) -> dict[int, tuple[EntryRecord, ...]]:
    """Run the planner's audience step at NOW; every target's entries afterwards."""
    with engine.begin() as conn:
        stored = sop_service.latest(conn, "agree")
        refresh_audience(conn, stored, PlanContext.load(conn, NOW))
    found: dict[int, list[EntryRecord]] = {}
    e = sop_entries
    columns = (e.c.target_id, e.c.entry_no, e.c.entered_at, e.c.left_at, e.c.exited_at, e.c.exit_reason, e.c.holdout)
    with engine.connect() as conn:
        for row in conn.execute(sa.select(*columns).order_by(e.c.target_id, e.c.entry_no)):
            record = EntryRecord(row[1], row[2], row[3], row[4], row[5], bool(row[6]))
            found.setdefault(row.target_id, []).append(record)
    return {target: tuple(entries) for target, entries in found.items()}


def _decided(engine: Engine, case: Case) -> dict[int, tuple[EntryRecord, ...]]:
    """What core.entries decides for every target at NOW."""
    with engine.connect() as conn:
        stored = sop_service.latest(conn, "agree")
    sop = stored.sop
    reason = ReasonCode.exit_condition.value
    decided: dict[int, tuple[EntryRecord, ...]] = {}
    for index, target in enumerate(case.population, start=1):
        held_out = sop.holdout_percent > 0 and in_holdout(sop.id, f"t{index}", sop.holdout_percent)
        check = check_audience(
            target.history, matches=target.in_audience, rule=entry_rule(sop), now_us=NOW, held_out=held_out
        )
        entries = check.entries
        if sop.exit is not None:
            entries = check_exit(entries, exit_holds=target.exits, reason=reason, now_us=NOW)
        if entries:
            decided[index] = entries
    return decided


@PROPERTY_SETTINGS
@given(case=cases)
def test_the_sql_of_an_audience_check_agrees_with_the_pure_decision(engine: Engine, case: Case) -> None:
    _write(engine, case)
    assert _planned(engine) == _decided(engine, case), case.sop_text()
