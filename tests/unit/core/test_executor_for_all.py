"""When the executor is one rule for every target of a kind, the rule agrees with the choice
made target by target (the planner then makes their tasks set-based)."""

from __future__ import annotations

from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Executor, ExecutorKind, NextAt
from siyu.core.staff import (
    FromTarget,
    SameStaff,
    StaffAccount,
    StaffDirectory,
    choose_executor,
    executor_for_all,
)
from siyu.core.task_draft import Target
from tests.unit.core.plan_samples import make_sop, make_step

DIRECTORY = StaffDirectory.of(
    [StaffAccount(7, "amy", "Amy"), StaffAccount(8, "ben", "Ben"), StaffAccount(9, "zoe", "Zoe")],
    [("coach", 9), ("coach", 7), ("lead", 8)],
)
EXECUTORS = [
    Executor(ExecutorKind.owner),
    Executor(ExecutorKind.group_owner),
    Executor(ExecutorKind.self_),
    Executor(ExecutorKind.staff, "ben"),
    Executor(ExecutorKind.staff, "gone"),
    Executor(ExecutorKind.role, "coach"),
    Executor(ExecutorKind.role, "lead"),
    Executor(ExecutorKind.role, "nurse"),
]


def test_the_rules_by_executor() -> None:
    def rule(executor: Executor, kind: TargetKind) -> FromTarget | SameStaff:
        return executor_for_all(make_step(NextAt(time(9)), executor=executor), kind, DIRECTORY)

    assert rule(Executor(ExecutorKind.owner), TargetKind.customer) is FromTarget.owner
    assert rule(Executor(ExecutorKind.self_), TargetKind.staff) is FromTarget.itself
    assert rule(Executor(ExecutorKind.staff, "ben"), TargetKind.customer) == SameStaff(8)
    assert rule(Executor(ExecutorKind.role, "lead"), TargetKind.customer) == SameStaff(8)
    assert rule(Executor(ExecutorKind.role, "nurse"), TargetKind.customer) == SameStaff(None)
    assert rule(Executor(ExecutorKind.role, "coach"), TargetKind.customer) is FromTarget.per_target
    assert rule(Executor(ExecutorKind.role, "lead"), TargetKind.group) is FromTarget.per_target


@given(
    st.sampled_from(EXECUTORS),
    st.sampled_from([TargetKind.customer, TargetKind.staff]),
    st.integers(min_value=1, max_value=10_000),
    st.text(max_size=10),
    st.one_of(st.none(), st.sampled_from([7, 8, 9])),
)
def test_a_rule_for_all_gives_what_each_target_gets(
    executor: Executor, kind: TargetKind, target_id: int, external_id: str, owner_id: int | None
) -> None:
    step = make_step(NextAt(time(9)), executor=executor)
    target = Target(kind, target_id, external_id, owner_id)
    each = choose_executor(make_sop(step), step, target, DIRECTORY)
    match executor_for_all(step, kind, DIRECTORY):
        case FromTarget.owner:
            assert each == owner_id
        case FromTarget.itself:
            assert each == target_id
        case SameStaff(staff_id):
            assert each == staff_id
        case FromTarget.per_target:
            assert each in {7, 9}
