"""The condition language's nodes: one frozen dataclass per leaf and group, and `Condition`,
their closed union (the evaluator and the compiler `match` over it, so a missing branch fails
mypy). Which heads exist for which targets, and how each is parsed, is in `leaves`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from siyu.core.bounds import Bound, Ever, Window
from siyu.core.values import Scalar


class TargetKind(StrEnum):
    customer = "customer"
    group = "group"
    staff = "staff"


@dataclass(frozen=True)
class Tag:
    name: str


ATTR_OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "between", "contains", "exists")


@dataclass(frozen=True)
class Attr:
    """`op` is one of ATTR_OPS; `value` is a scalar, a tuple of scalars (in, not_in, between) or a bool (exists)."""

    key: str
    op: str
    value: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Role:
    name: str


@dataclass(frozen=True)
class PropertyMatch:
    """`where: {sku: X}`: the property equals one of `values` (same JSON type)."""

    key: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class SumBound:
    field: str
    bound: Bound


@dataclass(frozen=True)
class Event:
    """At least one matching event in the window — or, with `count` / `sum`, their aggregate meets the bound."""

    type: str
    window: Window = Ever()
    where: tuple[PropertyMatch, ...] = ()
    count: Bound | None = None
    sum: SumBound | None = None
    since_entry: bool = False


@dataclass(frozen=True)
class Since:
    """Whole days (24 h) since the first matching event meet `days`; false if there is none."""

    type: str
    days: Bound
    where: tuple[PropertyMatch, ...] = ()


class BirthdayPeriod(StrEnum):
    today = "today"
    this_week = "this_week"
    this_month = "this_month"


@dataclass(frozen=True)
class Birthday:
    """`period`, or days until the next birthday (`in_days`) meet a bound."""

    period: BirthdayPeriod | None = None
    in_days: Bound | None = None


@dataclass(frozen=True)
class DateAttr:
    key: str
    in_days: Bound


@dataclass(frozen=True)
class InGroup:
    """Member of any group (`group` None) or of a group matching `group`; `member` False negates."""

    member: bool = True
    group: Condition | None = None


@dataclass(frozen=True)
class RepurchaseDue:
    product: str
    within_days: int = 0


@dataclass(frozen=True)
class Referrals:
    bound: Bound
    window: Window = Ever()


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = (
    Tag | Attr | Role | Event | Since | Birthday | DateAttr | InGroup | RepurchaseDue | Referrals | All | AnyOf | Not
)


# attributes a group has without being imported
GROUP_MEMBER_COUNT = "member_count"


def walk(condition: Condition) -> list[Condition]:
    """Every node of the tree, depth first (nested group conditions included)."""
    nodes: list[Condition] = [condition]
    if isinstance(condition, All | AnyOf):
        for item in condition.items:
            nodes += walk(item)
    elif isinstance(condition, Not):
        nodes += walk(condition.item)
    elif isinstance(condition, InGroup) and condition.group is not None:
        nodes += walk(condition.group)
    return nodes
