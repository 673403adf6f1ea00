"""Raw SOP mapping (from YAML or JSON) → `core.model.Sop`, collecting every problem with its path.

`parse_sop` raises one ValidationError listing every problem found, each located by its path inside
the file (`steps[2].at.time`); `warnings_of` lists what is valid but reaches no one."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from siyu.core.conditions.nodes import Condition, Event, PropertyMatch, TargetKind
from siyu.core.errors import PathPart, Problem, ValidationError, format_path
from siyu.core.model import (
    AudienceEntry,
    Channel,
    Entry,
    EventEntry,
    Phase,
    Ramp,
    Reentry,
    ReentryMode,
    Sop,
    SopKind,
    audience_target,
)
from siyu.core.sopparse.reader import Path, describe, did_you_mean, is_int, unknown_key
from siyu.core.sopparse.standards import StandardReader
from siyu.core.sopparse.steps import StepReader

_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")
MAX_PRIORITY = 1_000_000
MAX_RAMP_PER_DAY = 10_000_000
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
    "ramp",
    "steps",
    "standards",
)
KIND_KEYS: dict[SopKind, tuple[str, ...]] = {
    SopKind.customer: (),
    SopKind.group: (),
    SopKind.moments: ("visible_to",),
    SopKind.campaign: ("anchor", "groups", "phases"),
}


def parse_sop(raw: object, path: Sequence[PathPart] = ()) -> Sop:
    """Parse one SOP; raises ValidationError listing every problem, located by path."""
    parser = SopReader()
    sop = parser.sop(raw, tuple(path))
    if parser.problems or sop is None:
        raise ValidationError(parser.problems or [Problem(format_path(path), "not an SOP")])
    return sop


class SopReader(StepReader, StandardReader):
    """A whole SOP: the top-level keys of every kind, then its steps and standards."""

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
        ramp = self.ramp(top["ramp"], (*path, "ramp"), entry) if "ramp" in top else None
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
            ramp=ramp,
        )

    def kind(self, top: Mapping[str, Any], path: Path) -> SopKind | None:
        if not self.require(top, "kind", path):
            return None
        value = top["kind"]
        if isinstance(value, str) and value in SopKind.__members__:
            return SopKind(value)
        self.fail(
            (*path, "kind"),
            f"expected one of {', '.join(SopKind)}, got {describe(value)}{did_you_mean(value, SopKind)}",
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

    def ramp(self, value: object, path: Path, entry: Entry) -> Ramp | None:
        if not isinstance(entry, AudienceEntry):
            self.fail(path, "ramp spreads entries by the audience; an SOP entered by an event takes every event")
            return None
        if not isinstance(value, Mapping) or "per_day" not in value:
            self.fail(path, f"expected {{per_day: 2000}}, got {describe(value)}")
            return None
        self.keys(value, ("per_day",), path)
        return Ramp(self.whole(value["per_day"], (*path, "per_day"), low=1, high=MAX_RAMP_PER_DAY))

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
            if not (isinstance(days, list) and len(days) == 2 and all(is_int(d) for d in days)):
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
