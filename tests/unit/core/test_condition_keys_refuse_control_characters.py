"""Names and keys of a condition (tag and role names, attribute names, event types, `where`
keys, `sum` fields) become SQL values and JSON paths: any control character (C0, DEL, C1) in
them is refused at validation with a located message, in Chinese and English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.conditions.nodes import TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import ValidationError

CONTROLS = st.sampled_from([chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))])
TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.sampled_from("会员订单金额"), min_size=1)

# each place a name goes: the condition it makes and the path of the problem
PLACES: dict[str, tuple[Callable[[str], dict[str, Any]], str]] = {
    "where key": (lambda key: {"event": "order_paid", "where": {key: "x"}}, "when.where"),
    "tag": (lambda name: {"tag": name}, "when.tag"),
    "attr": (lambda name: {"attr": name, "eq": 1}, "when.attr"),
    "date_attr": (lambda name: {"date_attr": name, "in_days": 3}, "when.date_attr"),
    "event type": (lambda name: {"event": name}, "when.event"),
    "no_event where": (lambda key: {"no_event": "visit", "where": {key: 1}}, "when.where"),
    "since where": (lambda key: {"since": "visit", "days": 3, "where": {key: 1}}, "when.where"),
    "sum field": (lambda name: {"event": "order_paid", "sum": {"field": name, "gte": 1}}, "when.sum.field"),
    "nested": (lambda name: {"all": [{"tag": "ok"}, {"not": {"tag": name}}]}, "when.all[1].not.tag"),
}


@given(place=st.sampled_from(sorted(PLACES)), before=TEXT, control=CONTROLS, after=TEXT)
def test_a_control_character_inside_a_name_is_refused_where_it_is(
    place: str, before: str, control: str, after: str
) -> None:
    build, where = PLACES[place]
    with pytest.raises(ValidationError) as caught:
        parse_condition(build(before + control + after), TargetKind.customer, ("when",))
    [problem] = caught.value.problems
    assert problem.where == where
    assert f"U+{ord(control):04X}" in problem.message
    assert "控制字符" in problem.message and "control character" in problem.message
    assert control not in str(problem)  # the message shows the character escaped, never as is


@given(place=st.sampled_from(sorted(PLACES)), name=TEXT)
def test_the_same_names_without_control_characters_are_accepted(place: str, name: str) -> None:
    build, _where = PLACES[place]
    if place in ("attr", "date_attr") and name.strip() in ("birthday", "tags", "owner", "name", "id"):
        return  # reserved attribute names have their own message
    if '"' in name or "\\" in name:
        return  # a where key refuses quotes and backslashes (its own message)
    parse_condition(build(name), TargetKind.customer, ("when",))


def test_the_nul_of_the_issue_is_refused_in_a_step_when() -> None:
    from siyu.core.sopparse.sop import parse_sop

    raw = {
        "id": "nul",
        "name": "NUL",
        "kind": "customer",
        "audience": {"tag": "会员"},
        "steps": [
            {
                "id": "a",
                "at": {"day": 0, "time": "10:00"},
                "channel": "private",
                "executor": "owner",
                "content": [{"text": "hi"}],
            },
            {
                "id": "b",
                "at": {"day": 1, "time": "10:00"},
                "channel": "private",
                "executor": "owner",
                "content": [{"text": "hi"}],
                "when": {"event": "order_paid", "where": {"a\0b": 1}},
            },
        ],
    }
    with pytest.raises(ValidationError) as caught:
        parse_sop(raw)
    assert [str(p) for p in caught.value.problems] == [
        "steps[1].when.where: 名称或键 a\\u0000b 含有控制字符 U+0000，不允许使用"
        " (the name or key a\\u0000b holds the control character U+0000)"
    ]
