"""The parser's base: problems collected with their paths, and the small values every part reads
(keys, texts, whole numbers, ids, durations, clock times, event types, conditions)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import time
from typing import Any

from siyu.core.conditions.nodes import Condition, TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import PathPart, Problem, ValidationError, format_path
from siyu.core.timeutil import parse_duration_us

Path = tuple[PathPart, ...]

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
SLUG_RULE = "lowercase letters, digits and -, 1 to 100 characters, not starting with -"
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MAX_DAYS = 3650


def describe(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    if value is None:
        return "nothing"
    return repr(value)


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) and math.isfinite(value)


def unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown key {key}{hint} (allowed here: {', '.join(allowed)})"


def did_you_mean(value: object, options: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, [str(o) for o in options], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


class Reader:
    """Reads parts of an SOP file, noting each problem with where it is instead of stopping."""

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
        if is_number(value):
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
        if not is_int(value):
            self.fail(path, f"expected {what}, got {describe(value)}")
            return 0
        assert isinstance(value, int)
        if not low <= value <= high:
            self.fail(path, f"expected {what} from {low} to {high}, got {value}")
        return value

    def slug(self, value: object, path: Path) -> str:
        if is_int(value):
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
