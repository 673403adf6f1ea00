"""The condition parser's machinery: a reader that collects every problem with its path, finds
each mapping's head and hands it to that head's parser (from the registry in `leaves`), and
reads the parts several leaves share — names, bounds, time windows, `where` and `since_entry`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from siyu.core.bounds import BOUND_OPS, Between, Bound, Ever, Range, Window, Within
from siyu.core.conditions.nodes import Condition, PropertyMatch, TargetKind
from siyu.core.errors import PathPart, Problem, format_path
from siyu.core.timeutil import parse_duration_us, to_us

Path = tuple[PathPart, ...]
# A head's parser: the reader, the mapping holding the head, the target kind and its path.
HeadParser = Callable[["ConditionReader", Mapping[Any, Any], TargetKind, Path], Condition | None]

WINDOW_KEYS = ("within", "between", "from", "to")


class ConditionReader:
    """Reads one condition tree; `problems` holds everything wrong with it, each with its path."""

    def __init__(self, heads: Mapping[TargetKind, Mapping[str, HeadParser]], *, allow_since_entry: bool) -> None:
        self.heads = heads
        self.allow_since_entry = allow_since_entry
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(format_path(path), message))

    def condition(self, raw: object, target: TargetKind, path: Path) -> Condition | None:
        if not isinstance(raw, Mapping) or not raw:
            self.fail(
                path,
                f"expected a condition (a mapping such as {{tag: 会员}}), got {describe(raw)}",
            )
            return None
        heads = self.heads[target]
        present = [key for key in raw if key in heads]
        if len(present) != 1:
            self._no_single_head(raw, target, path, present)
            return None
        return heads[str(present[0])](self, raw, target, path)

    def _no_single_head(self, raw: Mapping[Any, Any], target: TargetKind, path: Path, present: list[Any]) -> None:
        heads = list(self.heads[target])
        if present:
            self.fail(
                path,
                f"one condition per mapping, found {', '.join(map(str, present))}; wrap them in all: or any:",
            )
            return
        every_head = {head for target_heads in self.heads.values() for head in target_heads}
        known = [str(k) for k in raw if k in every_head]
        if known:
            self.fail(
                path,
                f"{known[0]} is not a {target.value} condition here (use: {', '.join(heads)})",
            )
        else:
            self.fail(
                path,
                f"unknown condition {_keys(raw)}{suggest(raw, heads)} (expected one of: {', '.join(heads)})",
            )

    def allowed(self, raw: Mapping[Any, Any], allowed: Sequence[str], path: Path) -> bool:
        extra = [key for key in raw if key not in allowed]
        for key in extra:
            hint = suggest({key: None}, allowed)
            self.fail((*path, str(key)), f"unknown key {key!s}{hint} (allowed here: {', '.join(allowed)})")
        return not extra

    def name(self, raw: Mapping[Any, Any], key: str, path: Path, what: str) -> str | None:
        value = raw[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.fail((*path, key), f"expected {what} (text), got {describe(value)}")
            return None
        if (found := control_character(value.strip())) is not None:
            self.fail((*path, key), control_message(value.strip(), found))
            return None
        return value.strip()

    def bound(
        self,
        value: object,
        path: Path,
        *,
        allow_plain: bool = False,
        whole: bool = False,
    ) -> Bound | None:
        if allow_plain and is_number(value):
            value = {"eq": value}
        if not isinstance(value, Mapping) or not value:
            self.fail(
                path,
                f"expected a bound such as {{gte: 3}} ({', '.join(BOUND_OPS)}), got {describe(value)}",
            )
            return None
        comparisons: list[tuple[str, float]] = []
        ok = True
        for op, limit in value.items():
            where = (*path, str(op))
            if op not in BOUND_OPS:
                self.fail(
                    where,
                    f"unknown comparison {op!s}{suggest({op: None}, BOUND_OPS)} (expected: {', '.join(BOUND_OPS)})",
                )
                ok = False
            elif op == "between":
                if not isinstance(limit, list) or len(limit) != 2 or not all(is_number(v) for v in limit):
                    self.fail(where, f"expected [low, high] numbers, got {describe(limit)}")
                    ok = False
                elif limit[0] > limit[1]:
                    self.fail(where, f"low {limit[0]} is above high {limit[1]}")
                    ok = False
                else:
                    comparisons += [("gte", float(limit[0])), ("lte", float(limit[1]))]
            elif not is_number(limit):
                self.fail(where, f"expected a number, got {describe(limit)}")
                ok = False
            elif whole and not float(limit).is_integer():
                self.fail(where, f"expected a whole number, got {limit}")
                ok = False
            else:
                comparisons.append((str(op), float(limit)))
        return Bound(tuple(comparisons)) if ok else None

    def window(self, raw: Mapping[Any, Any], path: Path) -> Window | None:
        keys = [key for key in WINDOW_KEYS if key in raw]
        if not keys:
            return Ever()
        if ("within" in keys and len(keys) > 1) or ("between" in keys and len(keys) > 1):
            self.fail(path, f"use one window: within, between, or from/to (found {', '.join(keys)})")
            return None
        if keys == ["within"]:
            try:
                return Within(parse_duration_us(_text(raw["within"])))
            except ValueError as exc:
                self.fail((*path, "within"), str(exc))
                return None
        if keys == ["between"]:
            return self._between(raw["between"], (*path, "between"))
        if set(keys) != {"from", "to"}:
            self.fail(
                path,
                "from and to go together: from: 2026-06-01T00:00:00+08:00, to: 2026-06-19T00:00:00+08:00",
            )
            return None
        start = self._instant(raw["from"], (*path, "from"))
        end = self._instant(raw["to"], (*path, "to"))
        if start is None or end is None:
            return None
        if start >= end:
            self.fail((*path, "to"), "to must be after from")
            return None
        return Range(start, end)

    def _between(self, value: object, path: Path) -> Window | None:
        if not isinstance(value, list) or len(value) != 2:
            self.fail(path, f"expected [older, newer] durations like [8d, 7d], got {describe(value)}")
            return None
        try:
            older, newer = (parse_duration_us(_text(v)) for v in value)
        except ValueError as exc:
            self.fail(path, str(exc))
            return None
        if older <= newer:
            self.fail(
                path,
                f"the first duration must be the older one, e.g. [8d, 7d]; got [{value[0]}, {value[1]}]",
            )
            return None
        return Between(older, newer)

    def _instant(self, value: object, path: Path) -> int | None:
        text = value.isoformat() if isinstance(value, datetime) else value
        if not isinstance(text, str):
            self.fail(path, f"expected an ISO 8601 date-time with offset, got {describe(value)}")
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(path, f"expected an ISO 8601 date-time like 2026-06-01T00:00:00+08:00, got {text!r}")
            return None
        if moment.tzinfo is None:
            self.fail(path, f"{text!r} has no offset; write it like 2026-06-01T00:00:00+08:00")
            return None
        return to_us(moment)

    def where(self, raw: Mapping[Any, Any], path: Path) -> tuple[PropertyMatch, ...] | None:
        if "where" not in raw:
            return ()
        value = raw["where"]
        if not isinstance(value, Mapping) or not value:
            self.fail((*path, "where"), f"expected a mapping of property: value, got {describe(value)}")
            return None
        matches: list[PropertyMatch] = []
        ok = True
        for key, wanted in value.items():
            where = (*path, "where", str(key))
            if isinstance(key, str) and (found := control_character(key)) is not None:
                # the key is not part of the path: a control character would garble the message
                self.fail((*path, "where"), control_message(key, found))
                ok = False
                continue
            if not isinstance(key, str) or not key or '"' in key or "\\" in key:
                self.fail(where, "a property name must be non-empty text without quotes or backslashes")
                ok = False
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            if not values or not all(is_scalar(v) for v in values):
                self.fail(where, f"expected a value or a list of values, got {describe(wanted)}")
                ok = False
                continue
            matches.append(PropertyMatch(key, tuple(values)))
        return tuple(matches) if ok else None

    def since_entry(self, raw: Mapping[Any, Any], path: Path) -> bool | None:
        value = raw.get("since_entry", False)
        if not isinstance(value, bool):
            self.fail((*path, "since_entry"), f"expected true or false, got {describe(value)}")
            return None
        if value and not self.allow_since_entry:
            self.fail(
                (*path, "since_entry"),
                "since_entry is only meaningful in exit and when conditions",
            )
            return None
        return value


def control_character(text: str) -> str | None:
    """The first control character (C0, DEL or C1) in `text`, if any. Names and keys become SQL
    values and JSON paths: a NUL breaks the SQLite query, and no one means any of them."""
    return next((c for c in text if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F), None)


def control_message(text: str, found: str) -> str:
    """The problem, in Chinese and in English, naming the character and the text it is in."""
    code = f"U+{ord(found):04X}"
    shown = "".join(f"\\u{ord(c):04x}" if control_character(c) else c for c in text)
    return (
        f"名称或键 {shown} 含有控制字符 {code}，不允许使用 (the name or key {shown} holds the control character {code})"
    )


def is_scalar(value: object) -> bool:
    return isinstance(value, str | bool | int | float) and not (isinstance(value, float) and not math.isfinite(value))


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def describe(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


def suggest(raw: Mapping[Any, Any], options: Sequence[str]) -> str:
    for key in raw:
        close = difflib.get_close_matches(str(key), list(options), n=1)
        if close:
            return f" (did you mean {close[0]}?)"
    return ""


def _keys(raw: Mapping[Any, Any]) -> str:
    return ", ".join(str(k) for k in raw)


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)
