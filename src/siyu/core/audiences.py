"""Who an SOP is about, in one definition: its audiences (by the name of their targets, each a
kind of target and a condition), which kinds of target enter it, and which steps serve each."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.core.conditions.nodes import Condition, TargetKind
from siyu.core.model import AudienceEntry, Sop, SopKind, Step, audience_target

TARGET_NAMES = {TargetKind.customer: "customers", TargetKind.group: "groups", TargetKind.staff: "staff"}


@dataclass(frozen=True)
class Audience:
    """Targets of one kind matching `condition` (None: all of them; `nobody`: none at all)."""

    target: TargetKind
    condition: Condition | None
    nobody: bool = False


def audiences_of(sop: Sop) -> dict[str, Audience]:
    """The audiences an SOP reaches, by the name of their targets; the first is the main one.
    Every target of an SOP enters through one of them (a campaign's customers and its groups)."""
    main = audience_target(sop.kind)
    if sop.kind is not SopKind.campaign:
        return {TARGET_NAMES[main]: Audience(main, sop.audience)}
    # a campaign without `audience` takes no customers, without `groups` no groups
    return {
        TARGET_NAMES[main]: Audience(main, sop.audience, nobody=sop.audience is None),
        TARGET_NAMES[TargetKind.group]: Audience(TargetKind.group, sop.groups, nobody=sop.groups is None),
    }


def entry_kinds(sop: Sop) -> tuple[TargetKind, ...]:
    """The kinds of target that enter this SOP (a campaign's customers and groups)."""
    return tuple(audience.target for audience in audiences_of(sop).values())


def enters_by_audience(sop: Sop) -> bool:
    """Targets enter when they come to match the audience (not at an event)."""
    return isinstance(sop.entry, AudienceEntry)


def steps_about(sop: Sop, kind: TargetKind) -> tuple[Step, ...]:
    """The steps that make tasks for an entry of this kind (a campaign's internal work has no entries)."""
    if sop.kind is SopKind.campaign and kind is TargetKind.staff:
        return ()
    return tuple(step for step in sop.steps if sop.target_of(step) is kind)
