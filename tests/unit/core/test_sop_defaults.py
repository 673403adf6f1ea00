"""Keys left out take the defaults of the contract."""

from __future__ import annotations

from datetime import time

from siyu.core.conditions.nodes import Tag
from siyu.core.model import (
    AudienceEntry,
    Channel,
    DayAt,
    Executor,
    ExecutorKind,
    Mode,
    Reentry,
    ReentryMode,
    SopKind,
    Text,
)
from tests.unit.core.sop_samples import CUSTOMER, parse_one


def test_defaults_of_an_sop() -> None:
    sop = parse_one(CUSTOMER)
    assert sop.id == "sample"
    assert sop.name == "样例"
    assert sop.kind is SopKind.customer
    assert sop.enabled is True
    assert sop.priority == 0
    assert sop.entry == AudienceEntry()
    assert sop.reentry == Reentry(ReentryMode.never)
    assert sop.holdout_percent == 0.0
    assert sop.exit is None
    assert sop.standards == ()
    assert sop.goal is None
    assert sop.audience == Tag("会员")


def test_defaults_of_a_step() -> None:
    (step,) = parse_one(CUSTOMER).steps
    assert step.id == "hello"
    assert step.at == DayAt(0, time(10, 0))
    assert step.channel is Channel.private
    assert step.executor == Executor(ExecutorKind.owner)
    assert step.mode is Mode.remind
    assert step.workdays_only is False
    assert step.when is None
    assert step.variants == ()
    assert step.notes is None
    assert step.content == (Text("你好"),)


def test_given_values_override_the_defaults() -> None:
    sop = parse_one(
        CUSTOMER
        + """
goal: 复购
enabled: false
priority: 5
holdout: 12.5%
reentry: always
"""
    )
    assert (sop.goal, sop.enabled, sop.priority, sop.holdout_percent) == ("复购", False, 5, 12.5)
    assert sop.reentry == Reentry(ReentryMode.always)
