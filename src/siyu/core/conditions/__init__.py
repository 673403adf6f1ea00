"""The condition language: `nodes` (the typed tree and the closed `Condition` union), `leaves`
(the registry: each head's node, parser and target kinds), `reader` (the parser's machinery)
and `parse` (`parse_condition`).

This module is the language's public face for code that only uses its vocabulary (the SOP
editor imports `ATTR_OPS`, `BirthdayPeriod` and `TargetKind` from here); everything it names is
defined in the submodules, which the rest of siyu imports directly.
"""

from siyu.core.conditions.leaves import GROUPS, LEAVES, Head, heads_for, leaves_for
from siyu.core.conditions.nodes import (
    ATTR_OPS,
    GROUP_MEMBER_COUNT,
    All,
    AnyOf,
    Attr,
    Birthday,
    BirthdayPeriod,
    Condition,
    DateAttr,
    Event,
    InGroup,
    Not,
    PropertyMatch,
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    SumBound,
    Tag,
    TargetKind,
    walk,
)
from siyu.core.conditions.parse import parse_condition

__all__ = [
    "ATTR_OPS",
    "GROUPS",
    "GROUP_MEMBER_COUNT",
    "LEAVES",
    "All",
    "AnyOf",
    "Attr",
    "Birthday",
    "BirthdayPeriod",
    "Condition",
    "DateAttr",
    "Event",
    "Head",
    "InGroup",
    "Not",
    "PropertyMatch",
    "Referrals",
    "RepurchaseDue",
    "Role",
    "Since",
    "SumBound",
    "Tag",
    "TargetKind",
    "heads_for",
    "leaves_for",
    "parse_condition",
    "walk",
]
