"""How an attribute value is stored and compared.

Every attribute value is kept three ways so that SQL and Python compare it the same way:
its text (what templates show and text compares read), its number when it is a number or text
that reads as one (numeric compares read it), and its day number when it is an ISO date or
date-time (date compares read it). JSON booleans are text `true` / `false`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from siyu.core.timeutil import day_number

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")

Scalar = str | int | float | bool


@dataclass(frozen=True)
class AttrValue:
    text: str
    num: float | None
    day: int | None
    kind: str  # "text" | "number" | "bool"

    @property
    def typed(self) -> Scalar:
        """The value as the user gave it (for display and JSON output)."""
        if self.kind == "bool":
            return self.text == "true"
        if self.kind == "number" and self.num is not None:
            return int(self.num) if self.num.is_integer() and "." not in self.text else self.num
        return self.text


def number_of_text(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def day_of_text(text: str) -> int | None:
    match = _ISO_DATE.match(text)
    if not match:
        return None
    try:
        return day_number(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    except ValueError:
        return None


def format_number(value: float | int) -> str:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return repr(float(value))


def normalize(value: Scalar) -> AttrValue:
    """Raises TypeError for values that are not scalars (lists, objects) and ValueError for NaN."""
    if isinstance(value, bool):
        return AttrValue("true" if value else "false", None, None, "bool")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite")
        return AttrValue(format_number(value), float(value), None, "number")
    if isinstance(value, str):
        return AttrValue(value, number_of_text(value), day_of_text(value), "text")
    raise TypeError(f"an attribute value must be text, a number or true/false, not {type(value).__name__}")
