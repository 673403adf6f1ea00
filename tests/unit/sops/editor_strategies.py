"""Hypothesis strategies for SOP definitions the editor's form expresses entirely (no YAML parts)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from siyu.core.conditions.nodes import ATTR_OPS, TargetKind
from siyu.core.model import Channel, SopKind, step_target
from siyu.sops.editor.condition_form import LEAF_TYPES
from siyu.sops.editor.step_form import CHANNELS

# texts that trip YAML and form fields: words YAML reads as other types, quotes, commas, colons
TRICKY = (
    "true",
    "False",
    "null",
    "~",
    "10:30",
    "007",
    "1e3",
    "-3",
    "",
    " padded ",
    '"quoted"',
    "a, b",
    "甲，乙",
    "a: b",
    "#tag",
    "- item",
    "{{customer.name}}",
    "yes",
    "on",
    "2026-06-01",
    "https://example.com/a?b=c#d",
    "[x]",
    "\\",
    "tab\there",
    "漂亮😀",
)
_CHARS = st.characters(blacklist_categories=("Cs",))
_INLINE_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00")
_BLOCK_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00")

any_text = st.one_of(st.text(_CHARS, max_size=12), st.sampled_from(TRICKY))
inline = st.one_of(st.text(_INLINE_CHARS, max_size=12), st.sampled_from(TRICKY))
filled = inline.filter(bool)  # keys the form leaves out when empty
block = st.one_of(st.text(_BLOCK_CHARS, max_size=20), st.sampled_from(TRICKY), st.just("两行\n第二行"))
filled_block = block.filter(bool)
numbers = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False))
scalars = st.one_of(any_text, numbers, st.booleans())
slugs = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,12}\Z")


def bounds(*, plain: bool) -> st.SearchStrategy[Any]:
    ops = st.sampled_from(("eq", "gt", "gte", "lt", "lte")).flatmap(lambda op: numbers.map(lambda n: {op: n}))
    pair = st.tuples(numbers, numbers).map(lambda p: {"between": [p[0], p[1]]})
    choices = [ops, pair]
    if plain:
        choices.append(numbers)
    return st.one_of(*choices)


def windows() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({}),
        inline.map(lambda d: {"within": d}),
        st.tuples(inline, inline).map(lambda p: {"between": [p[0], p[1]]}),
        st.tuples(inline, inline).map(lambda p: {"from": p[0], "to": p[1]}),
    )


wheres = st.dictionaries(
    any_text, st.one_of(scalars, st.lists(scalars, min_size=1, max_size=3)), min_size=1, max_size=3
)


def optional(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), values.map(lambda v: {key: v}))


def events(head: str) -> st.SearchStrategy[dict[str, Any]]:
    base = st.tuples(inline, windows(), optional("where", wheres), optional("since_entry", st.just(True)))
    measure = st.just({})
    if head == "event":
        measure = st.one_of(
            st.just({}),
            bounds(plain=True).map(lambda b: {"count": b}),
            st.tuples(inline, bounds(plain=False)).map(lambda p: {"sum": {"field": p[0], **p[1]}}),
        )
    return st.tuples(base, measure).map(lambda p: {head: p[0][0], **p[0][1], **p[0][2], **p[0][3], **p[1]})


def leaves(target: TargetKind) -> st.SearchStrategy[dict[str, Any]]:
    attr_value = {
        "exists": st.booleans(),
        "in": st.lists(scalars, max_size=3),
        "not_in": st.lists(scalars, max_size=3),
        "between": st.lists(scalars, min_size=2, max_size=2),
    }
    by_type = {
        "tag": inline.map(lambda n: {"tag": n}),
        "role": inline.map(lambda n: {"role": n}),
        "attr": st.tuples(inline, st.sampled_from(ATTR_OPS)).flatmap(
            lambda p: attr_value.get(p[1], st.one_of(scalars, st.none())).map(lambda v: {"attr": p[0], p[1]: v})
        ),
        "event": events("event"),
        "no_event": events("no_event"),
        "since": st.tuples(inline, bounds(plain=True), optional("where", wheres)).map(
            lambda p: {"since": p[0], "days": p[1], **p[2]}
        ),
        "birthday": st.one_of(
            st.sampled_from(("today", "this_week", "this_month")).map(lambda p: {"birthday": p}),
            bounds(plain=True).map(lambda b: {"birthday": {"in_days": b}}),
        ),
        "in_group": st.one_of(
            st.booleans().map(lambda b: {"in_group": b}), inline.map(lambda t: {"in_group": {"tag": t}})
        ),
    }
    return st.one_of(*(by_type[name] for name in LEAF_TYPES[target]))


def conditions(target: TargetKind) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves(target),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda items: {"all": items}),
            st.lists(inner, min_size=1, max_size=3).map(lambda items: {"any": items}),
            inner.map(lambda item: {"not": item}),
        ),
        max_leaves=4,
    )


def items() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        filled_block.map(lambda t: {"text": t}),
        st.sampled_from(("image", "file", "video")).flatmap(lambda k: filled.map(lambda v: {k: v})),
        st.tuples(inline, inline).map(lambda p: {"link": {"title": p[0], "url": p[1]}}),
        st.tuples(inline, inline, inline).map(lambda p: {"miniprogram": {"title": p[0], "appid": p[1], "page": p[2]}}),
    )


def ats() -> st.SearchStrategy[dict[str, Any]]:
    whole = st.integers(-3650, 3650)
    return st.one_of(
        filled.map(lambda d: {"delay": d}),
        st.tuples(whole, inline).map(lambda p: {"day": p[0], "time": p[1]}),
        inline.map(lambda t: {"next": t}),
        inline.map(lambda t: {"every": "day", "time": t}),
        st.tuples(st.sampled_from(("mon", "sun")), inline).map(
            lambda p: {"every": "week", "weekday": p[0], "time": p[1]}
        ),
        st.tuples(st.integers(1, 31), inline).map(lambda p: {"every": "month", "monthday": p[0], "time": p[1]}),
        inline.map(lambda r: {"rrule": r}),
        inline.map(lambda e: {"on": e}),
    )


def executors() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(("owner", "group_owner", "self")),
        st.tuples(st.sampled_from(("role", "staff")), filled).map(lambda p: f"{p[0]}:{p[1]}"),
    )


def variants() -> st.SearchStrategy[list[dict[str, Any]]]:
    one = st.tuples(filled, st.integers(1, 100), optional("content", st.lists(items(), min_size=1, max_size=2)))
    return st.lists(one.map(lambda p: {"id": p[0], "weight": p[1], **p[2]}), min_size=1, max_size=3)


@st.composite
def steps(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    step: dict[str, Any] = {"id": draw(filled)}
    at = draw(ats())
    workdays = draw(st.sampled_from(("", "step", "at")))
    if workdays == "at":
        at["workdays_only"] = draw(st.booleans())
    step["at"] = at
    step["channel"] = draw(st.sampled_from(CHANNELS[kind]))
    step["executor"] = draw(executors())
    step.update(draw(optional("mode", st.sampled_from(("remind", "auto")))))
    if workdays == "step":
        step["workdays_only"] = draw(st.booleans())
    step.update(draw(optional("when", conditions(step_target(SopKind(kind), Channel(step["channel"]))))))
    step.update(draw(optional("content", st.lists(items(), min_size=1, max_size=3))))
    step.update(draw(optional("variants", variants())))
    step.update(draw(optional("notes", filled_block)))
    return step


_TARGETS = {"customer": TargetKind.customer, "group": TargetKind.group, "moments": TargetKind.staff}


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """A whole SOP the form shows without YAML parts (valid or not: the form keeps what it is given)."""
    kind = draw(st.sampled_from(("customer", "group", "moments", "campaign")))
    target = _TARGETS.get(kind, TargetKind.customer)
    sop: dict[str, Any] = {"id": draw(slugs), "name": draw(filled), "kind": kind}
    sop.update(draw(optional("goal", filled)))
    sop.update(draw(optional("enabled", st.booleans())))
    sop.update(draw(optional("priority", st.integers(-(10**6), 10**6))))
    if kind == "campaign":
        sop["anchor"] = draw(filled)
    sop.update(draw(optional("audience", conditions(target))))
    if kind == "campaign":
        sop.update(draw(optional("groups", conditions(TargetKind.group))))
    if kind == "moments":
        sop.update(draw(optional("visible_to", conditions(TargetKind.customer))))
    entry = st.one_of(
        st.just("audience"),
        inline.map(lambda e: {"event": e}),
        st.tuples(inline, wheres).map(lambda p: {"event": p[0], "where": p[1]}),
    )
    sop.update(draw(optional("entry", entry)))
    reentry = st.one_of(st.sampled_from(("never", "always")), inline.map(lambda d: {"after": d}))
    sop.update(draw(optional("reentry", reentry)))
    sop.update(draw(optional("exit", conditions(target))))
    sop.update(draw(optional("holdout", filled)))
    sop["steps"] = draw(st.lists(steps(kind), min_size=1, max_size=2))
    sop.update(draw(optional("standards", st.just([{"id": "done-24h", "task_done_within": "24h"}]))))
    return sop


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=12,
)
