"""The staff directory as one planning pass sees it, and who carries out a step for a target.

The directory is a frozen value (the planner loads it from the database once per tick); the
choice of executor is a pure function of the step, the target and that value, and
`executor_for_all` says when that choice is the same rule for every target of a kind (so the
planner can make their tasks in one INSERT … SELECT)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from siyu.core.assign import pick_holder
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import ExecutorKind, Sop, Step
from siyu.core.task_draft import Target


@dataclass(frozen=True)
class StaffAccount:
    id: int
    external_id: str
    name: str


@dataclass(frozen=True)
class StaffDirectory:
    """Every staff account by id, and who holds each role (ids in external-id order)."""

    external_ids: Mapping[int, str] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)
    by_external_id: Mapping[str, int] = field(default_factory=dict)
    holders: Mapping[str, Sequence[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, accounts: Iterable[StaffAccount], roles: Iterable[tuple[str, int]]) -> StaffDirectory:
        """The directory of `accounts`, with `roles` as (role, staff id) pairs."""
        external_ids: dict[int, str] = {}
        names: dict[int, str] = {}
        for account in accounts:
            external_ids[account.id] = account.external_id
            names[account.id] = account.name
        holders: dict[str, list[int]] = defaultdict(list)
        for role, staff_id in roles:
            holders[role].append(staff_id)
        for ids in holders.values():
            ids.sort(key=lambda staff_id: external_ids[staff_id])
        by_external_id = {external: staff_id for staff_id, external in external_ids.items()}
        return cls(external_ids, names, by_external_id, dict(holders))


def choose_executor(
    sop: Sop, step: Step, target: Target, directory: StaffDirectory, group_holders: Sequence[int] = ()
) -> int | None:
    """The staff id that carries a step out for one target (None: nobody can).

    A role is held per group for group targets (`group_holders`) and brand-wide otherwise; of
    several holders one is drawn per (SOP, step, target), the same on every replan."""
    executor = step.executor
    kind = executor.kind
    if kind in (ExecutorKind.owner, ExecutorKind.group_owner):
        return target.owner_id
    if kind is ExecutorKind.self_:
        return target.id
    if kind is ExecutorKind.staff:
        return directory.by_external_id.get(executor.name or "")
    holders = (
        list(group_holders) if target.type is TargetKind.group else list(directory.holders.get(executor.name or "", []))
    )
    if not holders:
        return None
    if len(holders) == 1:
        return holders[0]
    by_external = {directory.external_ids[h]: h for h in holders}
    return by_external[pick_holder(f"{sop.id}/{step.id}/{target.external_id}", sorted(by_external))]


class FromTarget(Enum):
    """An executor read off each target's own row, or one chosen target by target."""

    owner = "owner"  # the customer's or group's owner
    itself = "itself"  # the staff target itself
    per_target = "per_target"  # the group's own role holders, or a draw among several: choose_executor for each


@dataclass(frozen=True)
class SameStaff:
    """One staff account (or nobody) for every target."""

    staff_id: int | None


def executor_for_all(step: Step, kind: TargetKind, directory: StaffDirectory) -> FromTarget | SameStaff:
    """What choose_executor gives every target of `kind` without group role holders, as a rule."""
    executor = step.executor
    if executor.kind in (ExecutorKind.owner, ExecutorKind.group_owner):
        return FromTarget.owner
    if executor.kind is ExecutorKind.self_:
        return FromTarget.itself
    if executor.kind is ExecutorKind.staff:
        return SameStaff(directory.by_external_id.get(executor.name or ""))
    if kind is TargetKind.group:
        return FromTarget.per_target
    holders = directory.holders.get(executor.name or "", [])
    if len(holders) > 1:
        return FromTarget.per_target
    return SameStaff(holders[0] if holders else None)


def named_staff(step: Step, directory: StaffDirectory) -> list[int]:
    """Everyone a step's executor names, for work that goes to each of them (a campaign's
    internal steps): every holder of the role, or the staff member named; [] for the other
    executors, which follow a target."""
    executor = step.executor
    if executor.kind is ExecutorKind.role:
        return list(directory.holders.get(executor.name or "", []))
    if executor.kind is ExecutorKind.staff:
        found = directory.by_external_id.get(executor.name or "")
        return [found] if found is not None else []
    return []
