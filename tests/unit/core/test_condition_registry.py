"""The registry of condition heads: it covers the Condition union, lists each target's heads in
the order messages show them, and each head's parser makes its declared node."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from siyu.core.conditions.leaves import GROUPS, LEAVES, Head, heads_for, leaves_for
from siyu.core.conditions.nodes import Condition, TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import ValidationError

SAMPLES: dict[str, dict[str, Any]] = {
    "all": {"all": [{"tag": "会员"}]},
    "any": {"any": [{"tag": "会员"}]},
    "not": {"not": {"tag": "会员"}},
    "role": {"role": "导购"},
    "tag": {"tag": "会员"},
    "attr": {"attr": "level", "gte": 3},
    "event": {"event": "order_paid", "within": "30d"},
    "no_event": {"no_event": "order_paid", "within": "30d"},
    "since": {"since": "friend_added", "days": {"gte": 7}},
    "birthday": {"birthday": "today"},
    "date_attr": {"date_attr": "pet_vaccine_due", "in_days": {"between": [0, 7]}},
    "in_group": {"in_group": {"tag": "会员群"}},
    "repurchase_due": {"repurchase_due": {"product": "润肤霜"}},
    "referrals": {"referrals": {"gte": 3}},
}


def test_the_registry_covers_every_node_of_the_union() -> None:
    assert {head.node for head in (*GROUPS, *LEAVES)} == set(get_args(Condition))


def test_head_names_are_unique() -> None:
    names = [head.name for head in (*GROUPS, *LEAVES)]
    assert len(names) == len(set(names))


def test_each_target_lists_its_heads_in_the_registry_order() -> None:
    assert [head.name for head in heads_for(TargetKind.customer)] == [
        "all", "any", "not", "tag", "attr", "event", "no_event", "since",
        "birthday", "date_attr", "in_group", "repurchase_due", "referrals",
    ]  # fmt: skip
    assert [head.name for head in heads_for(TargetKind.group)] == [
        "all", "any", "not", "tag", "attr", "event", "no_event", "since",
    ]  # fmt: skip
    assert [head.name for head in heads_for(TargetKind.staff)] == ["all", "any", "not", "role", "tag"]


def test_leaves_for_a_target_are_its_heads_without_the_groups() -> None:
    for target in TargetKind:
        assert leaves_for(target) == tuple(head for head in heads_for(target) if head not in GROUPS)


@pytest.mark.parametrize("head", [*GROUPS, *LEAVES], ids=lambda head: head.name)
def test_each_head_parses_to_its_node_for_every_target_it_applies_to(head: Head) -> None:
    for target in head.targets:
        assert isinstance(parse_condition(SAMPLES[head.name], target), head.node)


@pytest.mark.parametrize("head", LEAVES, ids=lambda head: head.name)
def test_a_head_is_refused_for_targets_it_does_not_apply_to(head: Head) -> None:
    for target in set(TargetKind) - head.targets:
        with pytest.raises(ValidationError, match=f"{head.name} is not a {target.value} condition here"):
            parse_condition(SAMPLES[head.name], target)
