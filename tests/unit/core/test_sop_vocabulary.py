"""The SOP vocabulary: who carries out a step of each kind of SOP, and how executors are written."""

from __future__ import annotations

import pytest

from siyu.core import vocabulary
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import ExecutorKind, SopKind


@pytest.mark.parametrize(
    ("kind", "executor"),
    [
        (SopKind.customer, ExecutorKind.owner),
        (SopKind.group, ExecutorKind.group_owner),
        (SopKind.moments, ExecutorKind.self_),
        (SopKind.campaign, ExecutorKind.owner),
    ],
)
def test_a_new_step_starts_with_the_usual_executor_of_its_kind(kind: SopKind, executor: ExecutorKind) -> None:
    assert vocabulary.default_executor(kind) is executor


def test_executors_are_written_as_the_parser_names_them() -> None:
    forms = [vocabulary.executor_form(kind) for kind in ExecutorKind]
    assert forms == ["owner", "group_owner", "self", "role:<name>", "staff:<id>"]


def test_only_moments_posts_from_the_account_itself() -> None:
    assert vocabulary.executors_for(SopKind.moments, TargetKind.staff) == (ExecutorKind.self_,)
    assert vocabulary.executors_for(SopKind.campaign, TargetKind.group) == (
        ExecutorKind.group_owner,
        ExecutorKind.role,
        ExecutorKind.staff,
    )
    assert vocabulary.executors_for(SopKind.group, TargetKind.staff) == (ExecutorKind.role, ExecutorKind.staff)
