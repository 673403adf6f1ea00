"""What an SOP is once parsed: frozen dataclasses and enums (see docs/sop-format-notes.md).

`core.sopparse` builds these from a file's raw mapping; every other part of the engine reads
them. Durations are integer microseconds (like every instant in siyu), clock times are
`datetime.time` in the brand's local time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from siyu.core.bounds import Bound
from siyu.core.conditions.nodes import Condition, PropertyMatch, TargetKind
from siyu.core.errors import PathPart


class SopKind(StrEnum):
    customer = "customer"
    group = "group"
    moments = "moments"
    campaign = "campaign"


class Channel(StrEnum):
    private = "private"
    group = "group"
    moments = "moments"
    sms = "sms"
    internal = "internal"


CUSTOMER_FACING = frozenset({Channel.private, Channel.sms})  # the channels that frequency caps count


class Mode(StrEnum):
    remind = "remind"  # a task for a person
    auto = "auto"  # sent by the channel adapter


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"

    @property
    def number(self) -> int:
        """Monday = 0 … Sunday = 6, as `date.weekday()`."""
        return list(Weekday).index(self)


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"


# ---------------------------------------------------------------- time specs


@dataclass(frozen=True)
class Delay:
    """Entry + duration."""

    duration_us: int


@dataclass(frozen=True)
class DayAt:
    """Local date of entry (or of the campaign anchor) + `day` days, at `time`."""

    day: int
    time: time


@dataclass(frozen=True)
class NextAt:
    """The first local `time` at or after entry."""

    time: time


@dataclass(frozen=True)
class Every:
    """Recurring: every day, every week on `weekday`, or every month on `monthday`, at `time`.

    A `monthday` past the end of a month (31 in April) fires on that month's last day."""

    period: Period
    time: time
    weekday: Weekday | None = None
    monthday: int | None = None


@dataclass(frozen=True)
class RRule:
    """An RFC 5545 recurrence rule in local time; it starts at the entry (no DTSTART in the text)."""

    rule: str


@dataclass(frozen=True)
class OnEvent:
    """Each time an event of this type happens on the target (`member_joined` on a group)."""

    event: str


TimeSpec = Delay | DayAt | NextAt | Every | RRule | OnEvent

MEMBER_JOINED = "member_joined"

# ---------------------------------------------------------------- executors


class ExecutorKind(StrEnum):
    owner = "owner"
    group_owner = "group_owner"
    self_ = "self"
    role = "role"
    staff = "staff"


@dataclass(frozen=True)
class Executor:
    """`role:<name>` and `staff:<id>` carry `name`; the others do not."""

    kind: ExecutorKind
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.name}" if self.name is not None else self.kind.value


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Image:
    path: str


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class MiniProgram:
    title: str
    appid: str
    page: str


@dataclass(frozen=True)
class File:
    path: str


@dataclass(frozen=True)
class Video:
    path: str


ContentItem = Text | Image | Link | MiniProgram | File | Video


@dataclass(frozen=True)
class Variant:
    """An A/B variant; `content` None means the step's content."""

    id: str
    weight: int
    content: tuple[ContentItem, ...] | None = None


# ---------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    id: str
    at: TimeSpec
    channel: Channel
    executor: Executor
    content: tuple[ContentItem, ...]
    mode: Mode = Mode.remind
    name: str | None = None  # the title staff and operators see instead of the id
    workdays_only: bool = False
    when: Condition | None = None
    variants: tuple[Variant, ...] = ()
    notes: str | None = None

    def content_of(self, variant_id: str | None) -> tuple[ContentItem, ...]:
        """The content a variant sends (the step's own when the variant has none)."""
        for variant in self.variants:
            if variant.id == variant_id and variant.content is not None:
                return variant.content
        return self.content


# ---------------------------------------------------------------- standards


@dataclass(frozen=True)
class TaskDoneWithin:
    """Every task of the SOP is done (or sent) within `within_us` of its due time."""

    id: str
    within_us: int


@dataclass(frozen=True)
class FirstContactWithin:
    """The first staff contact with the target comes within `within_us` of `after_event`."""

    id: str
    within_us: int
    after_event: str


@dataclass(frozen=True)
class ContactsPerWeek:
    """Staff contacts per week meet `bound` during the first `during_days` days in the SOP (None = all along)."""

    id: str
    bound: Bound
    during_days: int | None = None


Standard = TaskDoneWithin | FirstContactWithin | ContactsPerWeek

# ---------------------------------------------------------------- entry, re-entry, phases


@dataclass(frozen=True)
class AudienceEntry:
    """A target enters when the audience starts to hold."""


@dataclass(frozen=True)
class EventEntry:
    """A target enters when such an event (matching `where`) arrives and the audience holds."""

    event: str
    where: tuple[PropertyMatch, ...] = ()


Entry = AudienceEntry | EventEntry


class ReentryMode(StrEnum):
    never = "never"
    always = "always"
    after = "after"


@dataclass(frozen=True)
class Reentry:
    """`never` (permanent filter), `always` (no filter) or `after` a window since the last entry."""

    mode: ReentryMode = ReentryMode.never
    after_us: int | None = None


@dataclass(frozen=True)
class Phase:
    """A named span of campaign days, both ends included."""

    name: str
    first_day: int
    last_day: int


# ---------------------------------------------------------------- the SOP


@dataclass(frozen=True)
class Ramp:
    """At most `per_day` new entries a local day; the rest enter on later days, lowest target
    id first (a stable order)."""

    per_day: int


@dataclass(frozen=True)
class Sop:
    id: str
    name: str
    kind: SopKind
    steps: tuple[Step, ...]
    goal: str | None = None
    enabled: bool = True
    priority: int = 0
    audience: Condition | None = None
    entry: Entry = AudienceEntry()
    reentry: Reentry = Reentry()
    exit: Condition | None = None
    holdout_percent: float = 0.0
    standards: tuple[Standard, ...] = ()
    visible_to: Condition | None = None  # moments: who may see the posts (a customer condition)
    anchor: datetime | None = None  # campaign: day 0 is the anchor's local date
    groups: Condition | None = None  # campaign: the groups its group steps reach
    phases: tuple[Phase, ...] = ()
    ramp: Ramp | None = None

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def target_of(self, step: Step) -> TargetKind:
        return step_target(self.kind, step.channel)

    @property
    def audience_target(self) -> TargetKind:
        return audience_target(self.kind)


def audience_target(kind: SopKind) -> TargetKind:
    """What `audience` (and `exit`) select: a campaign's audience is its customers."""
    return {
        SopKind.customer: TargetKind.customer,
        SopKind.group: TargetKind.group,
        SopKind.moments: TargetKind.staff,
        SopKind.campaign: TargetKind.customer,
    }[kind]


def step_target(kind: SopKind, channel: Channel) -> TargetKind:
    """Whom a step of this kind and channel is about (and so which `when` and variables apply)."""
    if kind is SopKind.customer:
        return TargetKind.customer
    if kind is SopKind.group:
        return TargetKind.group
    if kind is SopKind.moments:
        return TargetKind.staff
    if channel in CUSTOMER_FACING:
        return TargetKind.customer
    if channel is Channel.group:
        return TargetKind.group
    return TargetKind.staff  # a campaign's internal work item: the executor alone


# ---------------------------------------------------------------- walking content

ASSET_KINDS = (Image, File, Video)


def step_items(step: Step) -> Iterator[tuple[tuple[PathPart, ...], ContentItem]]:
    """Every content item of a step and of its variants, with its path inside the step."""
    for item_index, item in enumerate(step.content):
        yield ("content", item_index), item
    for variant_index, variant in enumerate(step.variants):
        for item_index, item in enumerate(variant.content or ()):
            yield ("variants", variant_index, "content", item_index), item


def content_paths(
    sop: Sop, base: tuple[PathPart, ...] = ()
) -> Iterator[tuple[Step, tuple[PathPart, ...], ContentItem]]:
    """Every content item of every step and variant, with its path in the file."""
    for step_index, step in enumerate(sop.steps):
        for item_path, item in step_items(step):
            yield step, (*base, "steps", step_index, *item_path), item


def templates_of(item: ContentItem) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(path inside the item, text) of the fields of a content item that are templates."""
    if isinstance(item, Text):
        return ((("text",), item.text),)
    if isinstance(item, Link):
        return ((("link", "title"), item.title), (("link", "url"), item.url))
    if isinstance(item, MiniProgram):
        return ((("miniprogram", "title"), item.title), (("miniprogram", "page"), item.page))
    return ()


def asset_of(item: ContentItem) -> tuple[str, str] | None:
    """(key, path) of an image, file or video item."""
    if isinstance(item, Image):
        return "image", item.path
    if isinstance(item, File):
        return "file", item.path
    if isinstance(item, Video):
        return "video", item.path
    return None
