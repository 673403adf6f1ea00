"""Every condition reads in plain words in both languages: each head of the registry has its
words, the two locales' phrases take the same placeholders, and a random tree renders without
error and names every tag it holds."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import given, settings

from siyu.core.conditions.describe import describe_condition
from siyu.core.conditions.leaves import GROUPS, LEAVES, Head
from siyu.core.conditions.nodes import InGroup, Tag, TargetKind, walk
from siyu.core.conditions.parse import parse_condition
from siyu.core.conditions.phrases import EVENT_LABELS, PHRASES
from siyu.core.language import LOCALES
from tests.support.strategies import customer_conditions, group_conditions, staff_conditions
from tests.unit.core.test_condition_registry import SAMPLES

EXPECTED = {
    "tag": ("有标签「会员」", "has the tag “会员”"),
    "event": ("近 30 天内发生过「下单」(order_paid) 至少 1 次", "“order paid” (order_paid) at least once in the last 30 days"),
    "no_event": ("近 30 天内没有发生过「下单」(order_paid)", "no “order paid” (order_paid) in the last 30 days"),
    "all": ("有标签「会员」", "has the tag “会员”"),
    "not": ("没有标签「会员」", "does not have the tag “会员”"),
    "attr": ("属性 level 不小于 3", "attribute level is at least 3"),
    "since": ("首次「添加好友」(friend_added)至今 至少 7 天", "at least 7 days since the first “friend added” (friend_added)"),
    "birthday": ("今天生日", "has a birthday today"),
    "date_attr": ("距日期属性 pet_vaccine_due 至少 0 且 至多 7 天", "the date in attribute pet_vaccine_due is at least 0 and at most 7 days away"),
    "in_group": ("在满足（有标签「会员群」）的群里", "is in a group that has the tag “会员群”"),
    "repurchase_due": ("「润肤霜」已到复购时间", "is due to buy “润肤霜” again"),
    "referrals": ("曾经邀请好友 至少 3 人", "brought at least 3 contacts ever"),
    "role": ("角色为「导购」", "has the role “导购”"),
}  # fmt: skip


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_phrase_has_both_locales_with_the_same_placeholders() -> None:
    for key, texts in PHRASES.items():
        assert set(texts) == set(LOCALES), key
        assert _fields(texts["zh-CN"]) == _fields(texts["en"]), key
    for kind, labels in EVENT_LABELS.items():
        assert set(labels) == set(LOCALES), kind


@pytest.mark.parametrize("head", [*GROUPS, *LEAVES], ids=lambda head: head.name)
def test_every_head_reads_in_both_languages(head: Head) -> None:
    raw: dict[str, Any] = SAMPLES[head.name]
    target = next(iter(sorted(head.targets)))
    condition = parse_condition(raw, target)
    chinese, english = (describe_condition(condition, locale) for locale in ("zh-CN", "en"))
    assert chinese and english and chinese != english
    assert "{" not in chinese + english
    if head.name in EXPECTED:
        assert (chinese, english) == EXPECTED[head.name]


def test_groups_read_as_and_or_not_with_brackets_where_they_nest() -> None:
    raw = {"all": [{"tag": "会员"}, {"any": [{"tag": "潜客"}, {"not": {"birthday": "today"}}]}]}
    condition = parse_condition(raw, TargetKind.customer)
    assert describe_condition(condition, "zh-CN") == "有标签「会员」，且（有标签「潜客」，或不（今天生日））"
    assert (
        describe_condition(condition, "en")
        == "has the tag “会员” and (has the tag “潜客” or not (has a birthday today))"
    )


def _tags(condition: Any) -> set[str]:
    names = {node.name for node in walk(condition) if isinstance(node, Tag)}
    return names | {
        n for node in walk(condition) if isinstance(node, InGroup) and node.group for n in _tags(node.group)
    }


@settings(max_examples=300, deadline=None)
@given(customer_conditions(), group_conditions(), staff_conditions())
def test_random_trees_read_in_both_languages_and_name_every_tag(
    customer: dict[str, Any], group: dict[str, Any], staff: dict[str, Any]
) -> None:
    for raw, target in zip(
        (customer, group, staff), (TargetKind.customer, TargetKind.group, TargetKind.staff), strict=True
    ):
        condition = parse_condition(raw, target)
        for locale in LOCALES:
            text = describe_condition(condition, locale)
            assert text
            for tag in _tags(condition):
                assert tag in text
