"""Raw SOP mapping (from YAML or JSON) → `core.model.Sop`, collecting every problem with its path.

Pure: no IO, no clock. `parse_sop` raises one ValidationError listing every problem found, each
located by its path inside the file (`steps[2].at.time`); `yamlsource` turns paths into lines.
The rules are those of /shared/design/SOP-FORMAT.md plus the choices written down in
docs/sop-format-notes.md.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any

from dateutil.rrule import rrulestr

from siyu.core.bounds import BOUND_OPS, Bound
from siyu.core.conditions import Condition, Event, PropertyMatch, TargetKind, parse_condition
from siyu.core.errors import PathPart, Problem, ValidationError, format_path
from siyu.core.model import (
    MEMBER_JOINED,
    AudienceEntry,
    Channel,
    ContactsPerWeek,
    ContentItem,
    DayAt,
    Delay,
    Entry,
    EventEntry,
    Every,
    Executor,
    ExecutorKind,
    File,
    FirstContactWithin,
    Image,
    Link,
    MiniProgram,
    Mode,
    NextAt,
    OnEvent,
    Period,
    Phase,
    Reentry,
    ReentryMode,
    RRule,
    Sop,
    SopKind,
    Standard,
    Step,
    TaskDoneWithin,
    Text,
    TimeSpec,
    Variant,
    Video,
    Weekday,
    audience_target,
    step_target,
    templates_of,
)
from siyu.core.render import Scope, check_template, scope_for
from siyu.core.timeutil import parse_duration_us
from siyu.core.vocabulary import (
    AT_FORMS,
    CHANNEL_CONTENT,
    CHANNELS,
    CONTENT_FIELDS,
    CONTENT_KINDS,
    NAMED_EXECUTORS,
    PLAIN_EXECUTORS,
    STEP_KEYS,
    executor_form,
    executors_for,
)

Path = tuple[PathPart, ...]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
SLUG_RULE = "lowercase letters, digits and -, 1 to 100 characters, not starting with -"
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")
MAX_DAYS = 3650
MAX_PRIORITY = 1_000_000
NAME_MAX = 200

COMMON_KEYS = (
    "id",
    "name",
    "kind",
    "goal",
    "enabled",
    "priority",
    "audience",
    "entry",
    "reentry",
    "exit",
    "holdout",
    "steps",
    "standards",
)
KIND_KEYS: dict[SopKind, tuple[str, ...]] = {
    SopKind.customer: (),
    SopKind.group: (),
    SopKind.moments: ("visible_to",),
    SopKind.campaign: ("anchor", "groups", "phases"),
}
STANDARD_KINDS: dict[str, tuple[str, ...]] = {
    "task_done_within": ("id", "task_done_within"),
    "first_contact_within": ("id", "first_contact_within", "after_event"),
    "contacts_per_week": ("id", "contacts_per_week", "during_days"),
}
_EXECUTOR_FORMS = [executor_form(kind) for kind in ExecutorKind]
EXECUTOR_FORMS = f"{', '.join(_EXECUTOR_FORMS[:-1])} or {_EXECUTOR_FORMS[-1]}"
_RRULE_KEYS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYWEEKDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
    "BYEASTER",
}
_RRULE_FREQS = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_RRULE_CHECK_START = datetime(2000, 1, 3)  # any fixed start: the rule is only checked, not expanded


def parse_sop(raw: object, path: Sequence[PathPart] = ()) -> Sop:
    """Parse one SOP; raises ValidationError listing every problem, located by path."""
    parser = _SopParser()
    sop = parser.sop(raw, tuple(path))
    if parser.problems or sop is None:
        raise ValidationError(parser.problems or [Problem(format_path(path), "not an SOP")])
    return sop


def describe(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing"
    return repr(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) and math.isfinite(value)


class _SopParser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(format_path(path), message))

    # ------------------------------------------------------------ small values

    def keys(self, raw: Mapping[str, Any], allowed: Sequence[str], path: Path) -> None:
        for key in raw:
            if key not in allowed:
                self.fail((*path, key), unknown_key(str(key), allowed))

    def require(self, raw: Mapping[str, Any], key: str, path: Path) -> bool:
        if key in raw:
            return True
        self.fail(path, f"missing required key: {key}")
        return False

    def mapping(self, value: object, path: Path, example: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.fail(path, f"expected a mapping such as {example}, got {describe(value)}")
        return None

    def text(self, value: object, path: Path, *, limit: int | None = None) -> str:
        if _is_number(value):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"expected text, got {describe(value)}" if value != "" else "expected text, got nothing")
            return ""
        if limit is not None and len(value) > limit:
            self.fail(path, f"at most {limit} characters, got {len(value)}")
        return value.strip()

    def boolean(self, value: object, path: Path) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {describe(value)}")
            return False
        return value

    def whole(self, value: object, path: Path, *, low: int, high: int, what: str = "a whole number") -> int:
        if not _is_int(value):
            self.fail(path, f"expected {what}, got {describe(value)}")
            return 0
        assert isinstance(value, int)
        if not low <= value <= high:
            self.fail(path, f"expected {what} from {low} to {high}, got {value}")
        return value

    def slug(self, value: object, path: Path) -> str:
        if _is_int(value):
            value = str(value)
        if not isinstance(value, str) or not SLUG.match(value):
            self.fail(path, f"expected an id made of {SLUG_RULE}, got {describe(value)}")
            return ""
        return value

    def duration(self, value: object, path: Path, *, positive: bool = False) -> int:
        if not isinstance(value, str):
            self.fail(path, f"expected a duration like 30m, 24h or 7d, got {describe(value)}")
            return 0
        try:
            us = parse_duration_us(value)
        except ValueError as exc:
            self.fail(path, str(exc))
            return 0
        if positive and us <= 0:
            self.fail(path, f"expected a duration above zero, got {value!r}")
        return us

    def clock(self, value: object, path: Path) -> time:
        match = _TIME.match(value) if isinstance(value, str) else None
        if match is None:
            self.fail(path, f'expected a time "HH:MM" from 00:00 to 23:59, got {describe(value)}')
            return time(0, 0)
        return time(int(match.group(1)), int(match.group(2)))

    def event_type(self, value: object, path: Path) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"expected an event type such as friend_added, got {describe(value)}")
            return ""
        return value.strip()

    def condition(
        self, raw: object, target: TargetKind, path: Path, *, allow_since_entry: bool = False
    ) -> Condition | None:
        try:
            return parse_condition(raw, target, path, allow_since_entry=allow_since_entry)
        except ValidationError as exc:
            self.problems += exc.problems
            return None

    def unique(self, value: str, seen: dict[str, int], path: Path, what: str, index: int) -> None:
        """Report `value` if an earlier item (`what[seen[value]]`) has it already."""
        if value in seen:
            self.fail(path, f"duplicate {path[-1]} {value} (also {what}[{seen[value]}])")
        elif value:
            seen[value] = index

    # ------------------------------------------------------------ the SOP

    def sop(self, raw: object, path: Path) -> Sop | None:
        top = self.mapping(raw, path, "{id: …, name: …, kind: customer, steps: […]}")
        if top is None:
            return None
        kind = self.kind(top, path)
        allowed = (*COMMON_KEYS, *(KIND_KEYS[kind] if kind else ()))
        for key in top:
            if key in allowed or (kind is None and any(key in extra for extra in KIND_KEYS.values())):
                continue
            owners = [k.value for k, extra in KIND_KEYS.items() if key in extra]
            if owners:
                self.fail((*path, key), f"{key} is only for {owners[0]} SOPs")
            else:
                self.fail((*path, key), unknown_key(str(key), allowed))
        sop_id = self.slug(top["id"], (*path, "id")) if self.require(top, "id", path) else ""
        name = self.text(top["name"], (*path, "name"), limit=NAME_MAX) if self.require(top, "name", path) else ""
        goal = self.text(top["goal"], (*path, "goal")) if "goal" in top else None
        enabled = self.boolean(top["enabled"], (*path, "enabled")) if "enabled" in top else True
        priority = (
            self.whole(top["priority"], (*path, "priority"), low=-MAX_PRIORITY, high=MAX_PRIORITY)
            if "priority" in top
            else 0
        )
        holdout = self.holdout(top["holdout"], (*path, "holdout")) if "holdout" in top else 0.0
        reentry = self.reentry(top["reentry"], (*path, "reentry")) if "reentry" in top else Reentry()
        standards = self.standards(top["standards"], (*path, "standards"), kind) if "standards" in top else ()
        steps_raw = top["steps"] if self.require(top, "steps", path) else None
        if kind is None:
            return None
        entry = self.entry(top["entry"], (*path, "entry"), kind) if "entry" in top else AudienceEntry()
        audience = self.audience(top, path, kind, entry)
        exit_ = (
            self.condition(top["exit"], audience_target(kind), (*path, "exit"), allow_since_entry=True)
            if "exit" in top
            else None
        )
        steps = self.steps(steps_raw, (*path, "steps"), kind) if steps_raw is not None else ()
        extras = self.kind_extras(top, path, kind)
        return Sop(
            id=sop_id,
            name=name,
            kind=kind,
            steps=steps,
            goal=goal,
            enabled=enabled,
            priority=priority,
            audience=audience,
            entry=entry,
            reentry=reentry,
            exit=exit_,
            holdout_percent=holdout,
            standards=standards,
            visible_to=extras[0],
            anchor=extras[1],
            groups=extras[2],
            phases=extras[3],
        )

    def kind(self, top: Mapping[str, Any], path: Path) -> SopKind | None:
        if not self.require(top, "kind", path):
            return None
        value = top["kind"]
        if isinstance(value, str) and value in SopKind.__members__:
            return SopKind(value)
        self.fail(
            (*path, "kind"), f"expected one of {', '.join(SopKind)}, got {describe(value)}{_hint(value, SopKind)}"
        )
        return None

    def audience(self, top: Mapping[str, Any], path: Path, kind: SopKind, entry: Entry) -> Condition | None:
        if "audience" in top:
            return self.condition(top["audience"], audience_target(kind), (*path, "audience"))
        if kind is SopKind.group or (kind is SopKind.customer and isinstance(entry, AudienceEntry)):
            self.fail(path, "missing required key: audience")
        return None

    def holdout(self, value: object, path: Path) -> float:
        match = _PERCENT.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            self.fail(path, f"expected a percentage like 10%, got {describe(value)}")
            return 0.0
        percent = float(match.group(1))
        if percent >= 100:
            self.fail(path, f"expected a percentage from 0% to below 100%, got {value}")
        return percent

    def reentry(self, value: object, path: Path) -> Reentry:
        if value in ("never", "always"):
            return Reentry(ReentryMode(str(value)))
        if isinstance(value, Mapping) and "after" in value:
            self.keys(value, ("after",), path)
            return Reentry(ReentryMode.after, self.duration(value["after"], (*path, "after"), positive=True))
        self.fail(path, f"expected never, always or {{after: 30d}}, got {describe(value)}")
        return Reentry()

    def entry(self, value: object, path: Path, kind: SopKind) -> Entry:
        if value == "audience":
            return AudienceEntry()
        if not isinstance(value, Mapping) or "event" not in value:
            self.fail(path, f"expected audience or {{event: friend_added}}, got {describe(value)}")
            return AudienceEntry()
        if kind not in (SopKind.customer, SopKind.group):
            self.fail(path, f"a {kind.value} SOP enters by its audience only (entry: audience)")
            return AudienceEntry()
        self.keys(value, ("event", "where"), path)
        event = self.event_type(value["event"], (*path, "event"))
        if "where" not in value or not event:
            return EventEntry(event)
        parsed = self.condition({"event": event, "where": value["where"]}, audience_target(kind), path)
        where: tuple[PropertyMatch, ...] = parsed.where if isinstance(parsed, Event) else ()
        return EventEntry(event, where)

    # ------------------------------------------------------------ kind-specific keys

    def kind_extras(
        self, top: Mapping[str, Any], path: Path, kind: SopKind
    ) -> tuple[Condition | None, datetime | None, Condition | None, tuple[Phase, ...]]:
        visible_to = anchor = groups = None
        phases: tuple[Phase, ...] = ()
        if kind is SopKind.moments and "visible_to" in top:
            visible_to = self.condition(top["visible_to"], TargetKind.customer, (*path, "visible_to"))
        if kind is SopKind.campaign:
            if self.require(top, "anchor", path):
                anchor = self.anchor(top["anchor"], (*path, "anchor"))
            if "groups" in top:
                groups = self.condition(top["groups"], TargetKind.group, (*path, "groups"))
            if "phases" in top:
                phases = self.phases(top["phases"], (*path, "phases"))
        return visible_to, anchor, groups, phases

    def anchor(self, value: object, path: Path) -> datetime | None:
        example = "2026-12-07T19:00:00+08:00"
        if not isinstance(value, str):
            self.fail(path, f"expected an ISO 8601 date-time with offset like {example}, got {describe(value)}")
            return None
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(path, f"expected an ISO 8601 date-time with offset like {example}, got {value!r}")
            return None
        if moment.tzinfo is None:
            self.fail(path, f"{value!r} has no offset; write it like {example}")
            return None
        return moment

    def phases(self, value: object, path: Path) -> tuple[Phase, ...]:
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a list of {{name: 预热期, days: [-3, -1]}}, got {describe(value)}")
            return ()
        phases: list[Phase] = []
        names: dict[str, int] = {}
        for index, item in enumerate(value):
            where = (*path, index)
            spec = self.mapping(item, where, "{name: 预热期, days: [-3, -1]}")
            if spec is None:
                continue
            self.keys(spec, ("name", "days"), where)
            name = self.text(spec["name"], (*where, "name")) if self.require(spec, "name", where) else ""
            self.unique(name, names, (*where, "name"), "phases", index)
            if not self.require(spec, "days", where):
                continue
            days = spec["days"]
            if not (isinstance(days, list) and len(days) == 2 and all(_is_int(d) for d in days)):
                self.fail((*where, "days"), f"expected [from, to], two whole numbers, got {describe(days)}")
                continue
            if days[0] > days[1]:
                self.fail((*where, "days"), f"from {days[0]} is after to {days[1]}")
                continue
            phases.append(Phase(name, days[0], days[1]))
        ordered = sorted(phases, key=lambda p: p.first_day)
        for before, after in itertools.pairwise(ordered):
            if after.first_day <= before.last_day:
                self.fail(
                    path,
                    f"phase {after.name} (days {after.first_day} to {after.last_day}) overlaps "
                    f"phase {before.name} (days {before.first_day} to {before.last_day})",
                )
        return tuple(phases)

    # ------------------------------------------------------------ steps

    def steps(self, value: object, path: Path, kind: SopKind) -> tuple[Step, ...]:
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a non-empty list of steps, got {describe(value)}")
            return ()
        ids: dict[str, int] = {}
        steps: list[Step] = []
        for index, item in enumerate(value):
            step = self.step(item, (*path, index), kind, ids)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def step(self, value: object, path: Path, kind: SopKind, ids: dict[str, int]) -> Step | None:
        raw = self.mapping(value, path, '{id: ask, at: {day: 0, time: "10:00"}, channel: private, …}')
        if raw is None:
            return None
        self.keys(raw, STEP_KEYS, path)
        step_id = self.slug(raw["id"], (*path, "id")) if self.require(raw, "id", path) else ""
        self.unique(step_id, ids, (*path, "id"), "steps", int(path[-1]))
        channel = self.channel(raw["channel"], (*path, "channel"), kind) if self.require(raw, "channel", path) else None
        at, at_workdays = self.at(raw["at"], (*path, "at"), kind) if self.require(raw, "at", path) else (None, None)
        workdays = self.boolean(raw["workdays_only"], (*path, "workdays_only")) if "workdays_only" in raw else None
        if workdays is not None and at_workdays is not None and workdays != at_workdays:
            self.fail((*path, "workdays_only"), "workdays_only is given twice (here and in at) with different values")
        mode = self.mode(raw["mode"], (*path, "mode"), channel) if "mode" in raw else Mode.remind
        target = step_target(kind, channel) if channel is not None else None
        executor = (
            self.executor(raw["executor"], (*path, "executor"), kind, target)
            if self.require(raw, "executor", path)
            else None
        )
        when = None
        if "when" in raw and target is not None:
            when = self.condition(raw["when"], target, (*path, "when"), allow_since_entry=True)
        scope = _scope(kind, channel, at) if channel is not None else None
        variants = self.variants(raw["variants"], (*path, "variants"), channel, scope) if "variants" in raw else ()
        if "content" in raw:
            content = self.content(raw["content"], (*path, "content"), channel, scope)
        else:
            content = ()
            if not variants or any(variant.content is None for variant in variants):
                self.fail(path, "missing required key: content")
        notes = self.text(raw["notes"], (*path, "notes")) if "notes" in raw else None
        if channel is None or at is None or executor is None:
            return None
        return Step(
            id=step_id,
            at=at,
            channel=channel,
            executor=executor,
            content=content,
            mode=mode,
            workdays_only=bool(workdays or at_workdays),
            when=when,
            variants=variants,
            notes=notes,
        )

    def channel(self, value: object, path: Path, kind: SopKind) -> Channel | None:
        allowed = CHANNELS[kind]
        if isinstance(value, str) and value in Channel.__members__:
            channel = Channel(value)
            if channel in allowed:
                return channel
            self.fail(path, f"a {kind.value} SOP cannot use channel {value} (use: {', '.join(allowed)})")
            return None
        self.fail(path, f"expected one of {', '.join(allowed)}, got {describe(value)}{_hint(value, allowed)}")
        return None

    def mode(self, value: object, path: Path, channel: Channel | None) -> Mode:
        if not (isinstance(value, str) and value in Mode.__members__):
            self.fail(path, f"expected remind or auto, got {describe(value)}")
            return Mode.remind
        mode = Mode(value)
        if mode is Mode.auto and channel is Channel.internal:
            self.fail(path, "internal work is done by a person: mode auto is not possible on the internal channel")
        return mode

    def executor(self, value: object, path: Path, kind: SopKind, target: TargetKind | None) -> Executor | None:
        executor = _read_executor(value)
        if executor is None:
            self.fail(path, f"expected {EXECUTOR_FORMS}, got {describe(value)}")
            return None
        if target is None:
            return executor
        allowed = executors_for(kind, target)
        if executor.kind in allowed:
            return executor
        use = ", ".join(executor_form(k) for k in allowed)
        if executor.kind is ExecutorKind.owner:
            reason = "owner (the customer's owner) needs a step about a customer"
        elif executor.kind is ExecutorKind.group_owner:
            reason = "group_owner needs a step about a group"
        elif executor.kind is ExecutorKind.self_:
            reason = "self (the posting account) is only for moments SOPs"
        else:
            reason = "a moments post goes out from the account itself"
        self.fail(path, f"{reason}; in this {kind.value} SOP step use: {use}")
        return None

    # ------------------------------------------------------------ time specs

    def at(self, value: object, path: Path, kind: SopKind) -> tuple[TimeSpec | None, bool | None]:
        raw = self.mapping(value, path, '{day: 0, time: "10:00"}')
        if raw is None:
            return None, None
        forms = [form for form in AT_FORMS if form in raw]
        if len(forms) != 1:
            found = f"found {', '.join(forms)}" if forms else f"found {', '.join(map(str, raw)) or 'nothing'}"
            self.fail(path, f"expected exactly one of {', '.join(AT_FORMS)} ({found})")
            return None, None
        form = forms[0]
        self.keys(raw, (*AT_FORMS[form], "workdays_only"), path)
        workdays = self.boolean(raw["workdays_only"], (*path, "workdays_only")) if "workdays_only" in raw else None
        if kind is SopKind.campaign and form != "day":
            self.fail(path, 'campaign steps sit on the anchor\'s time axis: use {day: N, time: "HH:MM"}')
            return None, workdays
        spec: TimeSpec | None
        if form == "delay":
            spec = Delay(self.duration(raw["delay"], (*path, "delay")))
        elif form == "day":
            spec = self.day_at(raw, path, kind)
        elif form == "next":
            spec = NextAt(self.clock(raw["next"], (*path, "next")))
        elif form == "every":
            spec = self.every(raw, path)
        elif form == "rrule":
            spec = self.rrule(raw["rrule"], (*path, "rrule"))
        else:
            spec = self.on_event(raw["on"], (*path, "on"), kind)
        return spec, workdays

    def day_at(self, raw: Mapping[str, Any], path: Path, kind: SopKind) -> DayAt:
        low = -MAX_DAYS if kind is SopKind.campaign else 0
        value = raw["day"]
        day = 0
        if not _is_int(value):
            self.fail((*path, "day"), f"expected a whole number of days, got {describe(value)}")
        elif value < 0 and kind is not SopKind.campaign:
            self.fail((*path, "day"), f"expected 0 or more (negative days are for campaign SOPs), got {value}")
        else:
            day = self.whole(value, (*path, "day"), low=low, high=MAX_DAYS, what="a whole number of days")
        if "time" not in raw:
            self.fail(path, 'day needs a time, e.g. {day: 1, time: "20:00"}')
            return DayAt(day, time(0, 0))
        return DayAt(day, self.clock(raw["time"], (*path, "time")))

    def every(self, raw: Mapping[str, Any], path: Path) -> Every | None:
        value = raw["every"]
        if not (isinstance(value, str) and value in Period.__members__):
            self.fail((*path, "every"), f"expected day, week or month, got {describe(value)}")
            return None
        period = Period(value)
        at = self.clock(raw["time"], (*path, "time")) if self.require(raw, "time", path) else time(0, 0)
        weekday: Weekday | None = None
        monthday: int | None = None
        if period is Period.week:
            if self.require(raw, "weekday", path):
                weekday = self.weekday(raw["weekday"], (*path, "weekday"))
        elif "weekday" in raw:
            self.fail((*path, "weekday"), f"weekday goes with every: week, not every: {period.value}")
        if period is Period.month:
            if self.require(raw, "monthday", path):
                monthday = self.whole(raw["monthday"], (*path, "monthday"), low=1, high=31, what="a day of the month")
        elif "monthday" in raw:
            self.fail((*path, "monthday"), f"monthday goes with every: month, not every: {period.value}")
        return Every(period, at, weekday, monthday)

    def weekday(self, value: object, path: Path) -> Weekday | None:
        if isinstance(value, str) and value in Weekday.__members__:
            return Weekday(value)
        self.fail(path, f"expected one of {', '.join(Weekday)}, got {describe(value)}{_hint(value, Weekday)}")
        return None

    def rrule(self, value: object, path: Path) -> RRule | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(
                path,
                f'expected an RFC 5545 rule such as "FREQ=WEEKLY;BYDAY=TU;BYHOUR=15;BYMINUTE=0", got {describe(value)}',
            )
            return None
        rule = value.strip().removeprefix("RRULE:")
        parts: dict[str, str] = {}
        for part in rule.split(";"):
            key, _, setting = part.partition("=")
            parts[key.strip().upper()] = setting.strip()
        unknown = [key for key in parts if key not in _RRULE_KEYS]
        if unknown:
            self.fail(path, f"unknown rule part {unknown[0]} (DTSTART is the entry and is not written)")
            return None
        if parts.get("FREQ") not in _RRULE_FREQS:
            self.fail(path, f"FREQ must be one of {', '.join(_RRULE_FREQS)}, got {parts.get('FREQ')!r}")
            return None
        missing = [
            key
            for key in ("BYHOUR", "BYMINUTE")
            if key not in parts and not (key == "BYHOUR" and parts["FREQ"] == "HOURLY")
        ]
        if missing:
            self.fail(path, f"say when in the day it fires: add {' and '.join(missing)}")
            return None
        try:
            rrulestr(rule, dtstart=_RRULE_CHECK_START)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
            self.fail(path, f"not a valid recurrence rule: {exc}")
            return None
        return RRule(rule)

    def on_event(self, value: object, path: Path, kind: SopKind) -> OnEvent | None:
        event = self.event_type(value, path)
        if not event:
            return None
        if kind is SopKind.group and event != MEMBER_JOINED:
            self.fail(path, f"group steps can only use on: {MEMBER_JOINED}, got {event}")
            return None
        if kind is SopKind.customer and event == MEMBER_JOINED:
            self.fail(path, f"{MEMBER_JOINED} is a group event; a customer SOP step can use on: group_joined")
            return None
        if kind in (SopKind.moments, SopKind.campaign):
            self.fail(path, f"on: is for group SOPs (on: {MEMBER_JOINED}) and customer SOPs (on: <event type>)")
            return None
        return OnEvent(event)

    # ------------------------------------------------------------ content

    def content(
        self, value: object, path: Path, channel: Channel | None, scope: Scope | None
    ) -> tuple[ContentItem, ...]:
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a non-empty list of content items such as - text: 你好, got {describe(value)}")
            return ()
        items: list[ContentItem] = []
        for index, raw in enumerate(value):
            item = self.content_item(raw, (*path, index), channel)
            if item is None:
                continue
            items.append(item)
            if scope is not None:
                self.templates(item, (*path, index), scope)
        return tuple(items)

    def content_item(self, value: object, path: Path, channel: Channel | None) -> ContentItem | None:
        if not isinstance(value, Mapping) or len(value) != 1:
            found = f"found {', '.join(map(str, value))}" if isinstance(value, Mapping) else f"got {describe(value)}"
            self.fail(path, f"expected exactly one of {', '.join(CONTENT_KINDS)} per item ({found})")
            return None
        key, item = next(iter(value.items()))
        where = (*path, key)
        if key not in CONTENT_KINDS:
            self.fail(where, unknown_key(str(key), CONTENT_KINDS))
            return None
        allowed = CHANNEL_CONTENT.get(channel) if channel is not None else None
        if allowed is not None and key not in allowed:
            self.fail(where, f"the {channel} channel cannot carry {key} (it takes: {', '.join(allowed)})")
            return None
        if key == "text":
            text = self.text(item, where)
            return Text(text) if text else None
        if key in ("image", "file", "video"):
            asset = self.text(item, where)
            if not asset:
                return None
            return Image(asset) if key == "image" else File(asset) if key == "file" else Video(asset)
        fields = CONTENT_FIELDS[key]
        spec = self.mapping(
            item, where, "{title: 满意度问卷, url: https://…}" if key == "link" else "{title, appid, page}"
        )
        if spec is None:
            return None
        self.keys(spec, fields, where)
        values = {f: self.text(spec[f], (*where, f)) if self.require(spec, f, where) else "" for f in fields}
        if key == "link" and values["url"] and not values["url"].startswith(("http://", "https://")):
            self.fail((*where, "url"), f"expected an http:// or https:// address, got {values['url']!r}")
            return None
        if not all(values.values()):
            return None
        if key == "link":
            return Link(values["title"], values["url"])
        return MiniProgram(values["title"], values["appid"], values["page"])

    def templates(self, item: ContentItem, path: Path, scope: Scope) -> None:
        for field_path, text in templates_of(item):
            for error in check_template(text, scope):
                self.fail((*path, *field_path), str(error))

    def variants(self, value: object, path: Path, channel: Channel | None, scope: Scope | None) -> tuple[Variant, ...]:
        if not isinstance(value, list) or not value:
            self.fail(
                path, f"expected a non-empty list of variants such as {{id: a, weight: 50}}, got {describe(value)}"
            )
            return ()
        ids: dict[str, int] = {}
        variants: list[Variant] = []
        for index, item in enumerate(value):
            where = (*path, index)
            raw = self.mapping(item, where, "{id: a, weight: 50}")
            if raw is None:
                continue
            self.keys(raw, ("id", "weight", "content"), where)
            variant_id = self.slug(raw["id"], (*where, "id")) if self.require(raw, "id", where) else ""
            self.unique(variant_id, ids, (*where, "id"), "variants", index)
            weight = 0
            if self.require(raw, "weight", where):
                weight = self.whole(
                    raw["weight"], (*where, "weight"), low=1, high=1_000_000, what="a positive whole number"
                )
            content = self.content(raw["content"], (*where, "content"), channel, scope) if "content" in raw else None
            variants.append(Variant(variant_id, weight, content))
        return tuple(variants)

    # ------------------------------------------------------------ standards

    def standards(self, value: object, path: Path, kind: SopKind | None) -> tuple[Standard, ...]:
        if not isinstance(value, list):
            self.fail(
                path,
                f"expected a list of standards such as {{id: done-24h, task_done_within: 24h}}, got {describe(value)}",
            )
            return ()
        ids: dict[str, int] = {}
        standards: list[Standard] = []
        for index, item in enumerate(value):
            standard = self.standard(item, (*path, index), kind, ids)
            if standard is not None:
                standards.append(standard)
        return tuple(standards)

    def standard(self, value: object, path: Path, kind: SopKind | None, ids: dict[str, int]) -> Standard | None:
        raw = self.mapping(value, path, "{id: done-24h, task_done_within: 24h}")
        if raw is None:
            return None
        standard_id = self.slug(raw["id"], (*path, "id")) if self.require(raw, "id", path) else ""
        self.unique(standard_id, ids, (*path, "id"), "standards", int(path[-1]))
        forms = [form for form in STANDARD_KINDS if form in raw]
        if len(forms) != 1:
            found = f" (found {', '.join(forms)})" if forms else ""
            self.fail(path, f"expected exactly one of {', '.join(STANDARD_KINDS)}{found}")
            return None
        form = forms[0]
        self.keys(raw, STANDARD_KINDS[form], path)
        if form != "task_done_within" and kind not in (None, SopKind.customer, SopKind.campaign):
            self.fail((*path, form), f"{form} measures contacts with customers; a {kind} SOP has none")
            return None
        if form == "task_done_within":
            return TaskDoneWithin(standard_id, self.duration(raw[form], (*path, form), positive=True))
        if form == "first_contact_within":
            within = self.duration(raw[form], (*path, form), positive=True)
            event = (
                self.event_type(raw["after_event"], (*path, "after_event"))
                if self.require(raw, "after_event", path)
                else ""
            )
            return FirstContactWithin(standard_id, within, event)
        bound = self.bound(raw[form], (*path, form))
        days = None
        if "during_days" in raw:
            days = self.whole(
                raw["during_days"], (*path, "during_days"), low=1, high=MAX_DAYS, what="a positive whole number of days"
            )
        return ContactsPerWeek(standard_id, bound, days) if bound is not None else None

    def bound(self, value: object, path: Path) -> Bound | None:
        if not isinstance(value, Mapping) or not value:
            self.fail(path, f"expected a bound such as {{gte: 3}} ({', '.join(BOUND_OPS)}), got {describe(value)}")
            return None
        comparisons: list[tuple[str, float]] = []
        for op, limit in value.items():
            where = (*path, op)
            if op not in BOUND_OPS:
                self.fail(where, unknown_key(str(op), BOUND_OPS))
            elif op == "between":
                if not (isinstance(limit, list) and len(limit) == 2 and all(_is_number(v) for v in limit)):
                    self.fail(where, f"expected [low, high] numbers, got {describe(limit)}")
                elif limit[0] > limit[1]:
                    self.fail(where, f"low {limit[0]} is above high {limit[1]}")
                else:
                    comparisons += [("gte", float(limit[0])), ("lte", float(limit[1]))]
            elif not _is_number(limit):
                self.fail(where, f"expected a number, got {describe(limit)}")
            else:
                comparisons.append((op, float(limit)))
        return Bound(tuple(comparisons)) if comparisons else None


# ---------------------------------------------------------------- helpers


def _scope(kind: SopKind, channel: Channel, at: TimeSpec | None) -> Scope:
    target = step_target(kind, channel)
    member = target is TargetKind.group and isinstance(at, OnEvent) and at.event == MEMBER_JOINED
    return scope_for(target, member_event=member)


def _read_executor(value: object) -> Executor | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in PLAIN_EXECUTORS:
        return Executor(ExecutorKind(text))
    prefix, colon, name = text.partition(":")
    if colon and prefix in NAMED_EXECUTORS and name.strip():
        return Executor(ExecutorKind(prefix), name.strip())
    return None


def unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown key {key}{hint} (allowed here: {', '.join(allowed)})"


def _hint(value: object, options: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(o) for o in options], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


# ---------------------------------------------------------------- warnings (valid, but probably not meant)


def warnings_of(sop: Sop, path: Sequence[PathPart] = ()) -> list[Problem]:
    """Things that are valid but reach no one; the apply command prints them."""
    base = tuple(path)
    found: list[Problem] = []
    if sop.kind is SopKind.campaign:
        for index, step in enumerate(sop.steps):
            where = format_path((*base, "steps", index, "channel"))
            if step.channel in (Channel.private, Channel.sms) and sop.audience is None:
                found.append(Problem(where, f"{step.channel} steps reach no one: the campaign has no audience"))
            if step.channel is Channel.group and sop.groups is None:
                found.append(Problem(where, "group steps reach no group: the campaign has no groups"))
    return found
