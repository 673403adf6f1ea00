"""When a step fires: time specs → instants (int µs UTC), and the moves that quiet hours and
workdays make. Pure: the entry, the window and `now` are arguments, never the clock.

A local wall time means its first occurrence when the clocks fall back, and one skipped by a
spring-forward gap moves forward by the gap (02:30 → 03:30).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulebase, rrulestr

from siyu.core.brand import BrandSettings, QuietHours
from siyu.core.model import DayAt, Delay, Every, NextAt, Period, RRule
from siyu.core.timeutil import from_us, to_us
from siyu.core.workdays import WorkdayCalendar

# Wall times and instants of the same moment differ by the zone's offset, and offsets change:
# a window of instants is searched over a window of wall times this much wider on each side.
_OFFSET_MARGIN = timedelta(days=2)
_ONE_DAY = timedelta(days=1)


def local_instant(day: date, at: time, zone: ZoneInfo) -> int:
    return _wall_instant(datetime.combine(day, at), zone)


def _wall_instant(wall: datetime, zone: ZoneInfo, fold: int = 0) -> int:
    # For a wall time inside a gap zoneinfo applies the offset from before the gap (fold=0),
    # which is what moves it forward by the gap.
    return to_us(wall.replace(tzinfo=zone, fold=fold))


def _local_wall(us: int, zone: ZoneInfo) -> datetime:
    return from_us(us, zone).replace(tzinfo=None)


# ---------------------------------------------------------------- one-shot specs


def one_shot(spec: Delay | DayAt | NextAt, entered_us: int, zone: ZoneInfo) -> int:
    if isinstance(spec, Delay):
        return entered_us + spec.duration_us
    entry_day = from_us(entered_us, zone).date()
    if isinstance(spec, DayAt):
        fires = local_instant(entry_day + timedelta(days=spec.day), spec.time, zone)
        # on day 0 a time already past fires at once
        return max(fires, entered_us) if spec.day == 0 else fires
    today = local_instant(entry_day, spec.time, zone)
    return today if today >= entered_us else local_instant(entry_day + _ONE_DAY, spec.time, zone)


def campaign_instant(spec: DayAt, anchor: datetime, zone: ZoneInfo) -> int:
    """The anchor's local date + `spec.day` days (negative before the anchor), at `spec.time`."""
    if anchor.tzinfo is None:
        raise ValueError("a campaign anchor needs an offset")
    return local_instant(anchor.astimezone(zone).date() + timedelta(days=spec.day), spec.time, zone)


# ---------------------------------------------------------------- recurring specs


def recurring(spec: Every | RRule, entered_us: int, after_us: int, until_us: int, zone: ZoneInfo) -> list[int]:
    """Occurrences `o` with `o >= entered_us` and `after_us < o <= until_us`, ascending."""
    after = max(after_us, entered_us - 1)
    if isinstance(spec, Every):
        return recurring_candidates(spec, after, until_us, zone)
    return _rrule_occurrences(spec, entered_us, after, until_us, zone)


def recurring_candidates(spec: Every, after_us: int, until_us: int, zone: ZoneInfo) -> list[int]:
    """What `recurring` gives an entry long before the window: every instant any entry could get."""
    if until_us <= after_us:
        return []
    first = (_local_wall(after_us, zone) - _OFFSET_MARGIN).date()
    last = (_local_wall(until_us, zone) + _OFFSET_MARGIN).date()
    instants = (local_instant(day, spec.time, zone) for day in _every_days(spec, first, last))
    return _inside(instants, after_us, until_us)


def _inside(instants: Iterable[int], after_us: int, until_us: int) -> list[int]:
    # two wall times can name one instant (02:30 in a gap is 03:30): one occurrence
    return sorted({us for us in instants if after_us < us <= until_us})


def _every_days(spec: Every, first: date, last: date) -> Iterator[date]:
    """The local dates in [first, last] on which `spec` fires."""
    if spec.period is Period.day:
        step, day = _ONE_DAY, first
    elif spec.period is Period.week:
        if spec.weekday is None:
            raise ValueError("every week needs a weekday")
        step, day = 7 * _ONE_DAY, first + timedelta(days=(spec.weekday.number - first.weekday()) % 7)
    else:
        yield from _monthly_days(spec, first, last)
        return
    while day <= last:
        yield day
        day += step


def _monthly_days(spec: Every, first: date, last: date) -> Iterator[date]:
    if spec.monthday is None:
        raise ValueError("every month needs a monthday")
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = date(year, month, min(spec.monthday, monthrange(year, month)[1]))
        if first <= day <= last:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# ---------------------------------------------------------------- RFC 5545 rules

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_SELECTORS = {"BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYWEEKDAY", "BYEASTER"}
# How far a rule's start may jump forward: `interval` of these units keeps the rule's phase, and
# the whole period holding the new start (at most `span` long) must lie before the window.
_JUMPS = {
    "HOURLY": ("hours", timedelta(hours=2)),
    "DAILY": ("days", timedelta(days=2)),
    "WEEKLY": ("weeks", timedelta(weeks=2)),
    "MONTHLY": ("months", timedelta(days=64)),
    "YEARLY": ("years", timedelta(days=733)),
}


def _rrule_occurrences(spec: RRule, entered_us: int, after_us: int, until_us: int, zone: ZoneInfo) -> list[int]:
    if until_us <= after_us:
        return []
    start = _local_wall(entered_us, zone).replace(second=0, microsecond=0)
    low = _local_wall(after_us, zone) - _OFFSET_MARGIN
    high = _local_wall(until_us, zone) + _OFFSET_MARGIN
    walls = _rule_near(spec.rule, start, low).between(low, high, inc=True)
    return _inside((_wall_instant(wall, zone) for wall in walls), after_us, until_us)


def _rule_parts(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        parts[key.strip().upper()] = value.strip()
    return parts


def _rule_near(text: str, start: datetime, low: datetime) -> rrulebase:
    """The rule started at `start`, or an equivalent one started closer to `low`.

    dateutil generates every occurrence from the start on; for an entry long before the window
    the start jumps forward by whole intervals, with the values dateutil would take from the
    original start written into the rule. A COUNT counts from the entry, so it never jumps."""
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    parts = _rule_parts(rule)
    jump = _JUMPS.get(parts.get("FREQ", ""))
    if jump is None or "COUNT" in parts:
        return rrulestr(rule, dtstart=start)
    unit, span = jump
    interval = int(parts.get("INTERVAL", "1"))
    periods = _periods_between(unit, start, low - span) // interval * interval
    if periods <= 0:
        return rrulestr(rule, dtstart=start)
    return rrulestr(rule + _start_defaults(parts, start), dtstart=_period_start(unit, start, periods))


def _periods_between(unit: str, start: datetime, moment: datetime) -> int:
    """Whole `unit`s from `start` to `moment` (≤ 0 when `moment` is not after `start`)."""
    if unit == "months":
        return (moment.year - start.year) * 12 + moment.month - start.month - 1
    if unit == "years":
        return moment.year - start.year - 1
    size = {"hours": timedelta(hours=1), "days": _ONE_DAY, "weeks": timedelta(weeks=1)}[unit]
    return (moment - start) // size


def _period_start(unit: str, start: datetime, periods: int) -> datetime:
    if unit == "months":
        year, month = divmod(start.year * 12 + start.month - 1 + periods, 12)
        return datetime(year, month + 1, 1)
    if unit == "years":
        return datetime(start.year + periods, 1, 1)
    return start + timedelta(**{unit: periods})


def _start_defaults(parts: dict[str, str], start: datetime) -> str:
    """The parts dateutil fills in from DTSTART when the rule leaves them out (rrule.__init__)."""
    freq = parts["FREQ"]
    extra: dict[str, object] = {}
    if not parts.keys() & _DAY_SELECTORS:
        if freq == "YEARLY":
            extra["BYMONTH"] = start.month
            extra["BYMONTHDAY"] = start.day
        elif freq == "MONTHLY":
            extra["BYMONTHDAY"] = start.day
        elif freq == "WEEKLY":
            extra["BYDAY"] = _WEEKDAY_CODES[start.weekday()]
    if freq != "HOURLY" and "BYHOUR" not in parts:
        extra["BYHOUR"] = start.hour
    if "BYMINUTE" not in parts:
        extra["BYMINUTE"] = start.minute
    if "BYSECOND" not in parts:
        extra["BYSECOND"] = start.second
    return "".join(f";{key}={value}" for key, value in extra.items() if key not in parts)


# ---------------------------------------------------------------- moves


def quiet_adjusted(us: int, quiet: QuietHours, zone: ZoneInfo) -> int:
    """An instant inside quiet hours [start, end) moves to the end of that quiet period."""
    if quiet.start == quiet.end:
        return us
    moved = _quiet_end(us, quiet, zone)
    # an end that falls in a DST gap moves forward and could land in the next quiet period
    while moved is not None:
        us, moved = moved, _quiet_end(moved, quiet, zone)
    return us


def _quiet_end(us: int, quiet: QuietHours, zone: ZoneInfo) -> int | None:
    """The end of the quiet period holding `us`, None when `us` is not in quiet hours."""
    local = from_us(us, zone)
    clock, today = local.time(), local.date()
    if quiet.start < quiet.end:
        end_day = today if quiet.start <= clock < quiet.end else None
    elif clock >= quiet.start:
        end_day = today + _ONE_DAY
    else:
        end_day = today if clock < quiet.end else None
    if end_day is None:
        return None
    end = _wall_instant(datetime.combine(end_day, quiet.end), zone)
    if end <= us:
        # `us` is in the repeated hour after the clocks fell back and so is the end
        end = _wall_instant(datetime.combine(end_day, quiet.end), zone, fold=1)
    return end


def workday_adjusted(us: int, calendar: WorkdayCalendar, zone: ZoneInfo) -> int:
    """The same local wall time on the next workday (`us` itself on a workday)."""
    local = _local_wall(us, zone)
    workday = calendar.next_workday(local.date())
    if workday == local.date():
        return us
    return local_instant(workday, local.time(), zone)


def due_instant(nominal_us: int, *, customer_facing: bool, workdays_only: bool, settings: BrandSettings) -> int:
    """The nominal instant after the brand's moves: workdays, then quiet hours (then workdays
    again when quiet hours pushed it onto a day off). Raises CalendarError from the calendar."""
    zone = settings.zone
    due = workday_adjusted(nominal_us, settings.calendar, zone) if workdays_only else nominal_us
    if customer_facing:
        quiet = quiet_adjusted(due, settings.quiet_hours, zone)
        if quiet != due and workdays_only:
            quiet = workday_adjusted(quiet, settings.calendar, zone)
        due = quiet
    return due
