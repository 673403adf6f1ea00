"""What the Python evaluator knows about one target: its tags, attributes, events, groups.

The shell builds facts from the store for one target (preview, the test oracle); the
evaluator is a pure function of facts and a Context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from siyu.core.timeutil import local_day
from siyu.core.values import AttrValue


@dataclass(frozen=True)
class EventFact:
    type: str
    at: int  # µs since the epoch
    properties: Mapping[str, object] = field(default_factory=dict)
    sequence: int = 0  # insertion order, breaks ties between equal instants


@dataclass(frozen=True)
class GroupFacts:
    id: str
    tags: frozenset[str] = frozenset()
    attributes: Mapping[str, AttrValue] = field(default_factory=dict)
    member_count: int = 0
    events: tuple[EventFact, ...] = ()


@dataclass(frozen=True)
class Referral:
    """A contact's friend_added event naming this customer as referrer."""

    contact: str
    at: int


@dataclass(frozen=True)
class CustomerFacts:
    id: str
    tags: frozenset[str] = frozenset()
    attributes: Mapping[str, AttrValue] = field(default_factory=dict)
    birthday: date | None = None
    events: tuple[EventFact, ...] = ()
    groups: tuple[GroupFacts, ...] = ()
    referrals: tuple[Referral, ...] = ()
    entered_at: int | None = None  # when this target entered the SOP being evaluated


@dataclass(frozen=True)
class StaffFacts:
    id: str
    roles: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


Facts = CustomerFacts | GroupFacts | StaffFacts


@dataclass(frozen=True)
class Context:
    """Everything besides the target that a condition reads: the instant, the zone, and the
    brand-wide median repurchase gap per product (for customers with fewer than 2 gaps)."""

    now_us: int
    zone: ZoneInfo
    product_medians: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def today(self) -> int:
        """Today's local day number."""
        return local_day(self.now_us, self.zone)
