"""Who carries out a step for a target: the owner, the target itself, a named account, a role."""

from __future__ import annotations

from collections import Counter
from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Delay, Executor, ExecutorKind, NextAt, Step
from siyu.core.staff import StaffAccount, StaffDirectory, choose_executor, named_staff
from siyu.core.task_draft import Target
from tests.unit.core.plan_samples import make_sop, make_step

SOP = make_sop()
CUSTOMER = Target(TargetKind.customer, 40, "c-40", owner_id=7)
GROUP = Target(TargetKind.group, 50, "g-50", owner_id=8)
STAFF = Target(TargetKind.staff, 9, "zoe", owner_id=9)
DIRECTORY = StaffDirectory.of(
    [StaffAccount(7, "amy", "Amy"), StaffAccount(8, "ben", "Ben"), StaffAccount(9, "zoe", "Zoe")],
    [("coach", 9), ("coach", 7), ("lead", 8)],
)


def by(kind: ExecutorKind, name: str | None = None) -> Step:
    return make_step(NextAt(time(9)), executor=Executor(kind, name))


def test_the_owner_of_a_customer_or_group_carries_it_out() -> None:
    assert choose_executor(SOP, by(ExecutorKind.owner), CUSTOMER, DIRECTORY) == 7
    assert choose_executor(SOP, by(ExecutorKind.group_owner), GROUP, DIRECTORY) == 8
    assert choose_executor(SOP, by(ExecutorKind.owner), Target(TargetKind.customer, 1, "c-1", None), DIRECTORY) is None


def test_a_staff_target_carries_out_its_own_step() -> None:
    assert choose_executor(SOP, by(ExecutorKind.self_), STAFF, DIRECTORY) == 9


def test_a_named_account_is_found_by_external_id_or_nobody() -> None:
    assert choose_executor(SOP, by(ExecutorKind.staff, "ben"), CUSTOMER, DIRECTORY) == 8
    assert choose_executor(SOP, by(ExecutorKind.staff, "gone"), CUSTOMER, DIRECTORY) is None


def test_a_role_with_one_holder_goes_to_that_holder() -> None:
    assert choose_executor(SOP, by(ExecutorKind.role, "lead"), CUSTOMER, DIRECTORY) == 8


def test_a_role_nobody_holds_goes_to_nobody() -> None:
    assert choose_executor(SOP, by(ExecutorKind.role, "nurse"), CUSTOMER, DIRECTORY) is None
    assert choose_executor(SOP, by(ExecutorKind.role, "coach"), GROUP, DIRECTORY) is None  # no holder in the group


def test_for_a_group_the_roles_holders_in_that_group_count_not_the_brands() -> None:
    assert choose_executor(SOP, by(ExecutorKind.role, "lead"), GROUP, DIRECTORY, group_holders=[9]) == 9


def test_of_several_holders_one_is_drawn_and_the_draw_spreads_over_all() -> None:
    coach = by(ExecutorKind.role, "coach")
    chosen = Counter(
        choose_executor(SOP, coach, Target(TargetKind.customer, n, f"c-{n}", None), DIRECTORY) for n in range(200)
    )
    assert set(chosen) == {7, 9}
    assert min(chosen.values()) > 60


@given(st.text(min_size=1, max_size=12), st.permutations([7, 8, 9]))
def test_the_draw_is_the_same_for_the_same_target_whatever_the_holders_order(
    external_id: str, order: list[int]
) -> None:
    step = make_step(Delay(1), executor=Executor(ExecutorKind.role, "coach"))
    target = Target(TargetKind.group, 50, external_id, None)
    first = choose_executor(SOP, step, target, DIRECTORY, group_holders=[7, 8, 9])
    assert first in {7, 8, 9}
    assert choose_executor(SOP, step, target, DIRECTORY, group_holders=order) == first


def test_internal_work_goes_to_every_holder_of_the_role_or_the_named_staff_member() -> None:
    directory = StaffDirectory(
        holders={"店长": [3, 5]}, by_external_id={"s1": 1, "s3": 3, "s5": 5}, external_ids={1: "s1", 3: "s3", 5: "s5"}
    )
    role = make_step(NextAt(time(9)), executor=Executor(ExecutorKind.role, "店长"))
    named = make_step(NextAt(time(9)), executor=Executor(ExecutorKind.staff, "s1"))
    missing = make_step(NextAt(time(9)), executor=Executor(ExecutorKind.staff, "nobody"))
    owner = make_step(NextAt(time(9)))
    assert [named_staff(step, directory) for step in (role, named, missing, owner)] == [[3, 5], [1], [], []]
