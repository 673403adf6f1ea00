"""The brand-wide frequency cap on customer-facing touches, for one customer: all its arithmetic.

At most `per_day` tasks per local day and `per_week` per local week (Monday to Sunday), counted
by due time. A task over a cap moves to the same local time on the next day with room (then
quiet hours apply); the higher-priority SOP keeps its slot, ties go to the earlier-planned task.
Besides the placement: local weeks, how far back counted tasks matter, when a customer's tasks
need no placement at all, and whether the zone's offset is fixed over the reach (the shell then
counts local days in SQL).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from siyu.core.brand import BrandSettings, Caps
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.schedule import local_instant, quiet_adjusted, workday_adjusted
from siyu.core.timeutil import US_PER_DAY, day_number, from_us, local_day, to_us
from siyu.core.workdays import CalendarError

MAX_DEFERRAL_DAYS = 60


@dataclass(frozen=True)
class CapItem:
    key: int  # task id
    want_us: int  # due instant before caps (already through due_instant)
    priority: int  # the SOP's priority
    order: int  # planning order: lower = planned earlier
    movable: bool = True  # False: already due, done or sent; it occupies its day and never moves
    workdays_only: bool = False
    # when `want_us` is a later spot the task already holds (it was deferred and the time it
    # first wanted has passed): that first wanted instant, and the reason it holds the spot by
    first_wanted_us: int | None = None
    held_by: Reason | None = None


@dataclass(frozen=True)
class Placement:
    key: int
    due_us: int | None  # None: no room within MAX_DEFERRAL_DAYS, or a cap of 0
    deferred_days: int  # local days between the wanted day and the day placed (0 when None)
    reason: Reason | None  # None when neither deferred nor dropped
    failed: bool = False  # True: the deferral ran past the workday calendar (reason says which date)


def week_of(day: int) -> int:
    """The local week (Monday to Sunday) of a local day number: 1970-01-01 (day 0) was a Thursday."""
    return (day + 3) // 7


def smaller_cap(caps: Caps) -> int:
    """No customer with at most this many counted tasks can break either cap."""
    return min(caps.per_day, caps.per_week)


def counted_since(now_us: int, zone: ZoneInfo) -> int:
    """The earliest due instant of a task that still counts against a cap placed from now on:
    the day before this local week began, and never less than 8 days back."""
    local = from_us(now_us, zone)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(to_us(monday) - US_PER_DAY, now_us - 8 * US_PER_DAY)


def fixed_offset_us(start_us: int, now_us: int, zone: ZoneInfo) -> int | None:
    """The zone's UTC offset if it does not change from `start_us` to the farthest deferral
    from now (MAX_DEFERRAL_DAYS and two weeks beyond); None when it does."""
    end_us = now_us + (MAX_DEFERRAL_DAYS + 14) * US_PER_DAY
    offsets = {from_us(us, zone).utcoffset() for us in range(start_us, end_us, US_PER_DAY)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else int(offset.total_seconds()) * 1_000_000


def within_caps(tasks: Sequence[tuple[int, int]], caps: Caps, zone: ZoneInfo) -> bool:
    """True when one customer's counted tasks, as (due, wanted) instants, need no placement:
    none was deferred and no local day or week is over its cap."""
    if any(due != wanted for due, wanted in tasks):
        return False
    if len(tasks) <= smaller_cap(caps):
        return True
    days = Counter(local_day(due, zone) for due, _ in tasks)
    if max(days.values()) > caps.per_day:
        return False
    weeks = Counter(week_of(day) for day in days.elements())
    return max(weeks.values()) <= caps.per_week


@dataclass(frozen=True)
class _FullCap:
    """The cap that sent a task away from its wanted day, for the reason shown to people."""

    daily: bool
    limit: int

    def deferred(self, days: int) -> Reason:
        code = ReasonCode.daily_cap_deferred if self.daily else ReasonCode.weekly_cap_deferred
        return Reason.of(code, limit=self.limit, days=days)

    def not_planned(self) -> Reason:
        code = ReasonCode.daily_cap_not_planned if self.daily else ReasonCode.weekly_cap_not_planned
        return Reason.of(code, limit=self.limit)

    def no_room(self) -> Reason:
        code = ReasonCode.daily_cap_no_room if self.daily else ReasonCode.weekly_cap_no_room
        return Reason.of(code, limit=self.limit, days=MAX_DEFERRAL_DAYS)


class _Room:
    """Tasks counted per local day and per local week so far."""

    def __init__(self, caps: Caps) -> None:
        self.caps = caps
        self.per_day: Counter[int] = Counter()
        self.per_week: Counter[int] = Counter()

    def take(self, day: int) -> None:
        self.per_day[day] += 1
        self.per_week[week_of(day)] += 1

    def full_cap(self, day: int) -> _FullCap | None:
        """The cap that leaves no room on `day` (the daily one first), None when there is room."""
        if self.per_day[day] >= self.caps.per_day:
            return _FullCap(True, self.caps.per_day)
        if self.per_week[week_of(day)] >= self.caps.per_week:
            return _FullCap(False, self.caps.per_week)
        return None


def place(items: Sequence[CapItem], caps: Caps, settings: BrandSettings) -> list[Placement]:
    """Placements for the movable items of one customer, in input order. A workdays-only item
    deferred into a year the calendar does not know is placed nowhere, `failed`, with the reason."""
    zone = settings.zone
    room = _Room(caps)
    for item in items:
        if not item.movable:
            room.take(local_day(item.want_us, zone))
    placed: dict[int, Placement] = {}
    by_rank = sorted(
        (index for index, item in enumerate(items) if item.movable),
        key=lambda index: (-items[index].priority, items[index].order, index),
    )
    for index in by_rank:
        try:
            placed[index] = _place_one(items[index], room, settings)
        except CalendarError as exc:
            placed[index] = Placement(items[index].key, None, 0, exc.reason, failed=True)
    return [placed[index] for index in sorted(placed)]


def _place_one(item: CapItem, room: _Room, settings: BrandSettings) -> Placement:
    zone = settings.zone
    wanted = from_us(item.want_us, zone)
    wanted_day = day_number(wanted.date())
    # deferrals are counted, and said, from the day first wanted
    first_day = wanted_day if item.first_wanted_us is None else local_day(item.first_wanted_us, zone)
    full = room.full_cap(wanted_day)
    if full is None:
        room.take(wanted_day)
        if wanted_day != first_day:
            return Placement(item.key, item.want_us, wanted_day - first_day, item.held_by)
        return Placement(item.key, item.want_us, 0, None)
    if room.caps.per_day <= 0 or room.caps.per_week <= 0:
        return Placement(item.key, None, 0, full.not_planned())
    offset = 1
    while offset <= MAX_DEFERRAL_DAYS:
        candidate = local_instant(wanted.date() + timedelta(days=offset), wanted.time(), zone)
        candidate = quiet_adjusted(candidate, settings.quiet_hours, zone)
        if item.workdays_only:
            candidate = workday_adjusted(candidate, settings.calendar, zone)
        day = local_day(candidate, zone)
        deferred = day - wanted_day
        if deferred > MAX_DEFERRAL_DAYS:
            break
        if room.full_cap(day) is None:
            room.take(day)
            return Placement(item.key, candidate, day - first_day, full.deferred(day - first_day))
        offset = deferred + 1
    return Placement(item.key, None, 0, full.no_room())
