"""An `at` time spec: delay, day + time, next, every (day, week, month), an RFC 5545 rule, or on an
event; `workdays_only` beside it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from dateutil.rrule import rrulestr

from siyu.core.model import (
    MEMBER_JOINED,
    DayAt,
    Delay,
    Every,
    NextAt,
    OnEvent,
    Period,
    RRule,
    SopKind,
    TimeSpec,
    Weekday,
)
from siyu.core.sopparse.reader import MAX_DAYS, Path, Reader, describe, did_you_mean, is_int
from siyu.core.vocabulary import AT_FORMS

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


class TimingReader(Reader):
    """The `at` of a step: one time spec, and `workdays_only` if given there."""

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
        if not is_int(value):
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
        self.fail(path, f"expected one of {', '.join(Weekday)}, got {describe(value)}{did_you_mean(value, Weekday)}")
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
