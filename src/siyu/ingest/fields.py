"""Cell and JSON values → typed import values (pure).

Every function takes what a reader produced for one column — text from a CSV cell, text,
number, bool or None from an XLSX cell, any JSON value from a JSON Lines object — and returns
the value to store, or raises FieldError with a short message. Blank (None, or text that is
only spaces) means "no value".
"""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Enum
from typing import Final

from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR, from_us, local_day
from siyu.core.values import AttrValue, format_number, normalize

ID_MAX = 128
NAME_MAX = 200
LABEL_MAX = 100  # tags, roles, attribute names
TYPE_MAX = 64
YEARS = (1900, 2999)  # event instants outside are typos, and would overflow local-day arithmetic
LIST_SEPARATOR = ";"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FieldError(ValueError):
    """One column of one row is wrong; the message says how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Missing(Enum):
    """A key absent from a JSON Lines object: that column is left untouched."""

    MISSING = "missing"


MISSING: Final = Missing.MISSING


def kind_name(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def quoted(text: str) -> str:
    return f'"{text}"'


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise FieldError("contains a NUL character")
    return text


def _checked(text: str, max_length: int) -> str:
    if len(text) > max_length:
        raise FieldError(f"longer than {max_length} characters")
    return _no_nul(text)


def _scalar_text(value: object) -> str:
    """Text, or a number written as text (XLSX cells and JSON may carry ids as numbers)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    raise FieldError(f"expected text, got {kind_name(value)}")


def identifier(value: object, max_length: int = ID_MAX) -> str | None:
    """An external id or a reference to one; None when blank."""
    if is_blank(value):
        return None
    return _checked(_scalar_text(value), max_length)


def name(value: object) -> str:
    """A display name; blank is the empty name."""
    if is_blank(value):
        return ""
    return _checked(_scalar_text(value), NAME_MAX)


def labels(value: object) -> tuple[str, ...]:
    """Tags or roles: `a;b` in a cell, a list (or such text) in JSON. Blank is the empty list;
    empty parts are dropped and repeats kept once."""
    if is_blank(value):
        return ()
    if isinstance(value, list):
        parts = [_scalar_text(item) for item in value if not is_blank(item)]
    else:
        parts = [part.strip() for part in _scalar_text(value).split(LIST_SEPARATOR)]
    return tuple(dict.fromkeys(_checked(part, LABEL_MAX) for part in parts if part))


def role_pairs(value: object) -> tuple[tuple[str, str], ...]:
    """Group roles: `staff:role;staff:role` in a cell; in JSON a list of {staff, role}."""
    if is_blank(value):
        return ()
    items: list[tuple[str, str]] = []
    raw_items = value if isinstance(value, list) else _scalar_text(value).split(LIST_SEPARATOR)
    for item in raw_items:
        if isinstance(item, dict):
            if set(item) != {"staff", "role"}:
                raise FieldError('expected {"staff": …, "role": …} in each item')
            staff, role = identifier(item["staff"]), identifier(item["role"], LABEL_MAX)
        elif isinstance(item, str):
            if not item.strip():
                continue
            staff_text, colon, role_text = item.partition(":")
            if not colon:
                raise FieldError(f'expected "staff:role", got {quoted(item.strip())}')
            staff, role = identifier(staff_text), identifier(role_text, LABEL_MAX)
        else:
            raise FieldError(f'expected "staff:role" items, got {kind_name(item)}')
        if staff is None or role is None:
            raise FieldError(f'expected "staff:role", got {quoted(str(item).strip())}')
        items.append((staff, role))
    return tuple(dict.fromkeys(items))


def attribute(value: object) -> AttrValue | None:
    """An attribute value as core.values stores it; None (blank) removes the attribute."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        return normalize(_no_nul(value))
    if isinstance(value, bool | int | float):
        try:
            return normalize(value)
        except ValueError as exc:
            raise FieldError(str(exc)) from exc
    raise FieldError(f"an attribute value must be text, a number or true/false, not {kind_name(value)}")


def birthday(value: object) -> date | None:
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise FieldError(f"expected a date YYYY-MM-DD, got {kind_name(value)}")
    text = value.strip()
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise FieldError(f"expected a date YYYY-MM-DD, got {quoted(text)}")


def month_day(day: date) -> int:
    return day.month * 100 + day.day


def instant_us(value: object) -> int:
    """ISO 8601 date-time with an offset → microseconds since the epoch."""
    if not isinstance(value, str):
        raise FieldError(f"expected an ISO 8601 date-time with offset, got {kind_name(value)}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError(f"expected an ISO 8601 date-time with offset, got {quoted(text)}") from None
    if moment.utcoffset() is None:
        raise FieldError(f"{quoted(text)} has no offset (write e.g. 2026-06-01T10:00:00+08:00)")
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise FieldError(f"year {moment.year} is out of range ({YEARS[0]}–{YEARS[1]})")
    return us_of(moment)


def us_of(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact, faster than timeutil.to_us)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _compact_encoder() -> Callable[[object], str]:
    """JSON text without spaces that keeps non-ASCII characters. Calls the C encoder directly when
    there is one: JSONEncoder.encode builds a new one per call, which costs as much again."""
    fallback = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    make: Callable[..., Callable[[object, int], Iterable[str]]] | None = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return fallback

    def refuse(value: object) -> object:
        raise TypeError(f"{type(value).__name__} is not JSON")

    chunks = make(None, refuse, json.encoder.encode_basestring, None, ":", ",", False, False, False)

    def encode(value: object) -> str:
        return "".join(chunks(value, 0))

    return encode


encode_json = _compact_encoder()


def _reject_constant(constant: str) -> object:
    raise ValueError(f"{constant} is not valid JSON")


_decoder = json.JSONDecoder(parse_constant=_reject_constant)
decode_json = _decoder.decode
decode_json_prefix = _decoder.raw_decode  # (value, end): the value at the start of the text


def properties(value: object) -> str:
    """Event properties as JSON text: an object, or (in a CSV cell) JSON text of an object.
    Blank is {}."""
    if is_blank(value):
        return "{}"
    if isinstance(value, str):
        try:
            value = decode_json(value)
        except ValueError as exc:
            raise FieldError(f"expected a JSON object: {json_error(exc)}") from None
    if not isinstance(value, dict):
        raise FieldError(f"expected a JSON object, got {kind_name(value)}")
    if not value:
        return "{}"
    try:
        text = encode_json(value)
    except ValueError:
        raise FieldError("numbers must be finite") from None
    if "\\u0000" in text:
        raise FieldError("contains a NUL character")
    return text


def json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)


class LocalDays:
    """The local day number of an instant in the brand zone, cached per UTC hour: an hour whose
    start and end share one UTC offset maps every instant in it with that offset."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.offsets: dict[int, int | None] = {}  # UTC hour → offset in µs, None when it changes

    def __call__(self, us: int) -> int:
        hour = us // US_PER_HOUR
        try:
            offset = self.offsets[hour]
        except KeyError:
            offset = self.offsets[hour] = self._hour_offset(hour)
        if offset is None:
            return local_day(us, self.zone)
        return (us + offset) // US_PER_DAY

    def _hour_offset(self, hour: int) -> int | None:
        start = from_us(hour * US_PER_HOUR, self.zone).utcoffset()
        end = from_us((hour + 1) * US_PER_HOUR - 1, self.zone).utcoffset()
        if start is None or start != end:
            return None
        return start // timedelta(microseconds=1)
