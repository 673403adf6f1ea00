"""An SOP's steps laid out in time, for the console (pure: no database, no clock).

`timeline(sop)` places every step of a parsed SOP:
- one-off steps (`{day: N, time}`, `{delay: …}`, `{next: …}`) as points on an axis of days
  relative to entry — or, in a campaign, relative to its anchor (T−n), with its phases as bands;
- `every: week` steps, and rules that name weekdays (`rrule` with BYDAY), in a 7-column week
  grid; once the SOP has such a grid its `every: day` steps fill every column too;
- other recurring steps (`every: day`, `every: month`, other rules) as bands that run for as long
  as the target is in the SOP;
- `on:` steps in a lane of their own: they answer events, not the clock.

The view holds data only; the templates word it in the reader's language. `source_diff` gives
the unified diff of two versions' YAML sources."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, time, timedelta, tzinfo
from enum import StrEnum

from siyu.core.model import (
    ContentItem,
    DayAt,
    Delay,
    Every,
    File,
    Image,
    Link,
    MiniProgram,
    NextAt,
    OnEvent,
    Period,
    RRule,
    Sop,
    SopKind,
    Step,
    Text,
    Video,
    Weekday,
)
from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE

RRULE_WEEKDAYS = {"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}
WEEKDAYS: tuple[str, ...] = tuple(day.value for day in Weekday)


class Layout(StrEnum):
    relative = "relative"  # days after entry
    campaign = "campaign"  # T−n around the anchor, with phases
    week = "week"  # a weekly calendar


class TimingKind(StrEnum):
    day = "day"
    delay = "delay"
    next = "next"
    every = "every"
    rrule = "rrule"
    on = "on"


@dataclass(frozen=True)
class Timing:
    """When a step fires, as the file says it (the fields of its kind are set)."""

    kind: TimingKind
    day: int | None = None
    time: str | None = None  # "HH:MM", local
    delay: str | None = None  # "10m", "2h", "3d" (the largest whole unit)
    delay_us: int | None = None
    period: str | None = None  # day | week | month
    weekday: str | None = None  # mon … sun
    monthday: int | None = None
    rule: str | None = None
    event: str | None = None
    workdays_only: bool = False


@dataclass(frozen=True)
class ContentView:
    """One content item: `kind` is text, image, link, miniprogram, file or video; `text` is the
    text, the title or the path; `detail` the link's address or the mini program's appid and page."""

    kind: str
    text: str
    detail: str | None = None


@dataclass(frozen=True)
class VariantView:
    id: str
    weight: int
    content: tuple[ContentView, ...] | None  # None: the step's own content


@dataclass(frozen=True)
class StepView:
    id: str
    index: int  # its place in the file
    timing: Timing
    channel: str
    executor: str  # owner | group_owner | self | role:<name> | staff:<id>
    mode: str
    content: tuple[ContentView, ...]
    variants: tuple[VariantView, ...] = ()
    conditional: bool = False  # it has a `when`
    notes: str | None = None


@dataclass(frozen=True)
class DayMark:
    """The one-off steps of one day on the axis, in the order they fire that day."""

    day: int
    at: float  # where on the axis, 0–100 (%): the middle of the day's column
    steps: tuple[StepView, ...]
    phase: str | None = None  # campaigns: the phase the day belongs to
    date: date | None = None  # campaigns: the local date of that day


@dataclass(frozen=True)
class PhaseBand:
    name: str
    first_day: int
    last_day: int
    start: float  # 0–100 (%)
    width: float  # 0–100 (%)


@dataclass(frozen=True)
class WeekSlot:
    time: str  # "HH:MM"
    step: StepView


@dataclass(frozen=True)
class WeekColumn:
    weekday: str  # mon … sun
    slots: tuple[WeekSlot, ...]


@dataclass(frozen=True)
class Timeline:
    sop_id: str
    name: str
    kind: str
    layout: Layout
    first_day: int
    last_day: int
    days: tuple[DayMark, ...]
    phases: tuple[PhaseBand, ...] = ()
    week: tuple[WeekColumn, ...] = ()  # 7 columns, Monday first, when the SOP has a weekly calendar
    recurring: tuple[StepView, ...] = ()  # bands running while the target is in the SOP
    on_event: tuple[StepView, ...] = ()
    anchor_date: date | None = None  # campaigns: the local date of day 0

    @property
    def steps(self) -> int:
        placed = {s.id for mark in self.days for s in mark.steps}
        placed |= {slot.step.id for column in self.week for slot in column.slots}
        placed |= {s.id for s in (*self.recurring, *self.on_event)}
        return len(placed)


# ---------------------------------------------------------------- steps


def _clock(moment: time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def duration_text(us: int) -> str:
    """Microseconds in the largest whole unit the format knows: 0m, 45m, 2h, 3d."""
    for unit, size in (("d", US_PER_DAY), ("h", US_PER_HOUR), ("m", US_PER_MINUTE)):
        if us % size == 0 and (us or unit == "m"):
            return f"{us // size}{unit}"
    return f"{us / US_PER_MINUTE:g}m"


def timing_of(step: Step) -> Timing:
    spec = step.at
    workdays = step.workdays_only
    if isinstance(spec, DayAt):
        return Timing(TimingKind.day, day=spec.day, time=_clock(spec.time), workdays_only=workdays)
    if isinstance(spec, Delay):
        return Timing(
            TimingKind.delay,
            day=spec.duration_us // US_PER_DAY,
            delay=duration_text(spec.duration_us),
            delay_us=spec.duration_us,
            workdays_only=workdays,
        )
    if isinstance(spec, NextAt):
        return Timing(TimingKind.next, day=0, time=_clock(spec.time), workdays_only=workdays)
    if isinstance(spec, Every):
        return Timing(
            TimingKind.every,
            period=spec.period.value,
            time=_clock(spec.time),
            weekday=spec.weekday.value if spec.weekday else None,
            monthday=spec.monthday,
            workdays_only=workdays,
        )
    if isinstance(spec, RRule):
        return Timing(TimingKind.rrule, rule=spec.rule, workdays_only=workdays)
    assert isinstance(spec, OnEvent)
    return Timing(TimingKind.on, event=spec.event, workdays_only=workdays)


def content_view(item: ContentItem) -> ContentView:
    if isinstance(item, Text):
        return ContentView("text", item.text)
    if isinstance(item, Link):
        return ContentView("link", item.title, item.url)
    if isinstance(item, MiniProgram):
        return ContentView("miniprogram", item.title, f"{item.appid} {item.page}")
    if isinstance(item, Image):
        return ContentView("image", item.path)
    if isinstance(item, File):
        return ContentView("file", item.path)
    assert isinstance(item, Video)
    return ContentView("video", item.path)


def step_view(step: Step, index: int) -> StepView:
    return StepView(
        id=step.id,
        index=index,
        timing=timing_of(step),
        channel=step.channel.value,
        executor=str(step.executor),
        mode=step.mode.value,
        content=tuple(content_view(item) for item in step.content),
        variants=tuple(
            VariantView(
                v.id,
                v.weight,
                None if v.content is None else tuple(content_view(item) for item in v.content),
            )
            for v in step.variants
        ),
        conditional=step.when is not None,
        notes=step.notes,
    )


# ---------------------------------------------------------------- recurrence rules


def _rule_parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def _numbers(text: str | None, default: int) -> list[int]:
    if not text:
        return [default]
    found = sorted({int(piece) for piece in text.split(",") if piece.strip().lstrip("-").isdigit()})
    return found or [default]


def rule_week_slots(rule: str) -> list[tuple[str, str]] | None:
    """(weekday, "HH:MM") of a daily or weekly rule that names its weekdays; None for any other
    rule (hourly, monthly, yearly, or weekdays with an ordinal like 1MO), which stays a band."""
    parts = _rule_parts(rule)
    if parts.get("FREQ") not in ("DAILY", "WEEKLY") or "BYDAY" not in parts:
        return None
    if any(key in parts for key in ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")):
        return None
    interval = parts.get("INTERVAL", "1")
    if interval not in ("", "1"):
        return None  # every other week does not fit a one-week grid
    days = [RRULE_WEEKDAYS.get(code.strip()) for code in parts["BYDAY"].split(",")]
    if not days or any(day is None for day in days):
        return None
    hours = _numbers(parts.get("BYHOUR"), 0)
    minutes = _numbers(parts.get("BYMINUTE"), 0)
    return [(str(day), f"{h:02d}:{m:02d}") for day in days for h in hours for m in minutes]


# ---------------------------------------------------------------- the timeline


def _weekly(step: Step) -> list[tuple[str, str]] | None:
    spec = step.at
    if isinstance(spec, Every) and spec.period is Period.week and spec.weekday is not None:
        return [(spec.weekday.value, _clock(spec.time))]
    if isinstance(spec, RRule):
        return rule_week_slots(spec.rule)
    return None


def _day_key(view: StepView) -> tuple[int, int, str, int]:
    """Order within a day: entry-relative delays first (by length), then by clock time."""
    timing = view.timing
    if timing.kind is TimingKind.delay:
        return (0, timing.delay_us or 0, "", view.index)
    return (1, 0, timing.time or "", view.index)


def _share(days: float, first: int, last: int) -> float:
    """`days` whole days as a share (%) of the axis: the axis has a column per day, first to last."""
    return round(days * 100 / (last - first + 1), 2)


def _anchor_date(sop: Sop, zone: tzinfo | None) -> date | None:
    if sop.anchor is None:
        return None
    anchor = sop.anchor.astimezone(zone) if zone is not None else sop.anchor
    return anchor.date()


def timeline(sop: Sop, zone: tzinfo | None = None) -> Timeline:
    """The time-axis view of a parsed SOP; `zone` (the brand's) gives a campaign's day 0 its
    local date (the anchor's own offset when left out)."""
    views = [step_view(step, index) for index, step in enumerate(sop.steps)]
    weekly = {step.id: _weekly(step) for step in sop.steps}
    has_week = any(slots for slots in weekly.values())

    by_day: dict[int, list[StepView]] = {}
    grid: dict[str, list[WeekSlot]] = {day: [] for day in WEEKDAYS}
    recurring: list[StepView] = []
    on_event: list[StepView] = []
    for step, view in zip(sop.steps, views, strict=True):
        kind = view.timing.kind
        slots = weekly[step.id]
        if kind in (TimingKind.day, TimingKind.delay, TimingKind.next):
            by_day.setdefault(view.timing.day or 0, []).append(view)
        elif kind is TimingKind.on:
            on_event.append(view)
        elif slots:
            for weekday, clock in slots:
                grid[weekday].append(WeekSlot(clock, view))
        elif has_week and isinstance(step.at, Every) and step.at.period is Period.day:
            for weekday in WEEKDAYS:
                grid[weekday].append(WeekSlot(_clock(step.at.time), view))
        else:
            recurring.append(view)

    campaign = sop.kind is SopKind.campaign
    bounds = list(by_day)
    if campaign:
        bounds += [0, *(p.first_day for p in sop.phases), *(p.last_day for p in sop.phases)]
    first = min(bounds, default=0)
    last = max(bounds, default=0)
    if not campaign:
        first = min(first, 0)
    anchor_date = _anchor_date(sop, zone) if campaign else None

    def phase_of(day: int) -> str | None:
        for phase in sop.phases:
            if phase.first_day <= day <= phase.last_day:
                return phase.name
        return None

    days = tuple(
        DayMark(
            day=day,
            at=_share(day - first + 0.5, first, last),
            steps=tuple(sorted(by_day[day], key=_day_key)),
            phase=phase_of(day) if campaign else None,
            date=anchor_date + timedelta(days=day) if anchor_date is not None else None,
        )
        for day in sorted(by_day)
    )
    phases = tuple(
        PhaseBand(
            name=phase.name,
            first_day=phase.first_day,
            last_day=phase.last_day,
            start=_share(phase.first_day - first, first, last),
            width=_share(phase.last_day - phase.first_day + 1, first, last),
        )
        for phase in sop.phases
    )
    week = (
        tuple(
            WeekColumn(day, tuple(sorted(grid[day], key=lambda slot: (slot.time, slot.step.index)))) for day in WEEKDAYS
        )
        if has_week
        else ()
    )
    layout = Layout.campaign if campaign else Layout.week if has_week else Layout.relative
    return Timeline(
        sop_id=sop.id,
        name=sop.name,
        kind=sop.kind.value,
        layout=layout,
        first_day=first,
        last_day=last,
        days=days,
        phases=phases,
        week=week,
        recurring=tuple(recurring),
        on_event=tuple(on_event),
        anchor_date=anchor_date,
    )


def campaign_day(day: int) -> str:
    """T−7, T, T+2 (a true minus sign)."""
    if day == 0:
        return "T"
    return f"T−{-day}" if day < 0 else f"T+{day}"


# ---------------------------------------------------------------- versions


@dataclass(frozen=True)
class DiffLine:
    kind: str  # file | hunk | add | del | same
    text: str


def source_diff(old: str, new: str, old_label: str, new_label: str, *, context: int = 3) -> list[DiffLine]:
    """The unified diff of two YAML sources, line by line with each line's kind (no line ends)."""
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="", n=context
    ):
        if line.startswith(("---", "+++")) and len(lines) < 2:
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        lines.append(DiffLine(kind, line))
    return lines
