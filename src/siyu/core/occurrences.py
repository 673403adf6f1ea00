"""When a step fires for one entry: one-off instants, recurring occurrences in a window, and how
far ahead recurring occurrences are made. Pure: the zone and the instants are arguments."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from siyu.core.model import DayAt, Delay, Every, NextAt, RRule, Sop, SopKind, Step
from siyu.core.schedule import campaign_instant, local_instant, one_shot, recurring, recurring_candidates
from siyu.core.timeutil import from_us


def is_one_off(step: Step) -> bool:
    return isinstance(step.at, Delay | DayAt | NextAt)


def is_recurring(step: Step) -> bool:
    return isinstance(step.at, Every | RRule)


def one_off_instant(sop: Sop, step: Step, entered_us: int, zone: ZoneInfo) -> int | None:
    """The scheduled instant of a one-off step for an entry (None: the step makes no task).

    A campaign step is fixed to the anchor; one that lies before the target entered is not made
    (someone who joins on T−1 does not get the T−3 message late)."""
    at = step.at
    if sop.kind is SopKind.campaign:
        if not isinstance(at, DayAt) or sop.anchor is None:
            return None
        instant = campaign_instant(at, sop.anchor, zone)
        return instant if instant >= entered_us else None
    if isinstance(at, Delay | DayAt | NextAt):
        return one_shot(at, entered_us, zone)
    return None


def recurring_instants(step: Step, entered_us: int, after_us: int, until_us: int, zone: ZoneInfo) -> list[int]:
    """Occurrences o of a recurring step with o ≥ entry and after < o ≤ until."""
    at = step.at
    if not isinstance(at, Every | RRule) or until_us <= after_us:
        return []
    return recurring(at, entered_us, after_us, until_us, zone)


def shared_instants(step: Step, after_us: int, until_us: int, zone: ZoneInfo) -> list[int] | None:
    """For `every` steps the occurrences in a window are the same for every entry (bar the
    entry bound), so they can be made set-based; None for rules that depend on the entry."""
    at = step.at
    if isinstance(at, Every):
        return recurring_candidates(at, after_us, until_us, zone) if until_us > after_us else []
    return None


def recurring_horizon(now_us: int, zone: ZoneInfo) -> int:
    """Recurring occurrences are made up to the end of tomorrow (local), so that today's and
    tomorrow's work is visible and the pass runs once a day rather than every tick."""
    today = from_us(now_us, zone).date()
    return local_instant(today + timedelta(days=2), time(0, 0), zone)
