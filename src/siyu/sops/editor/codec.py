"""One value ↔ the text of one form field: scalars, lists of scalars, numbers, `where`-style
mappings and YAML snippets, each pair a strict inverse for what the form can show."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from siyu.core.errors import ValidationError
from siyu.core.yamlsource import load_yaml
from siyu.sops.yaml_writer import dump, flow, quoted

_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
BOOL_TEXT = {"true": True, "false": False}


def inline_ok(text: str) -> bool:
    """Text a one-line <input> posts back unchanged (browsers drop line breaks from input values)."""
    return not any(ch in "\r\n\x00" for ch in text)


def block_ok(text: str) -> bool:
    """Text a <textarea> posts back unchanged (a lone carriage return comes back as a line break)."""
    return not any(ch in "\r\x00" for ch in text)


def scalar_text(value: object) -> str:
    """A scalar as the form shows it: text as typed; numbers and true/false as written in YAML;
    text that would read as something else (or with spaces around it) in double quotes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float_text(value) if isinstance(value, float) else repr(value)
    text = str(value)
    if _reads_as_other(text):
        return quoted(text)
    return text


def float_text(value: float) -> str:
    """A float as YAML that reads back as the same float (1e999 for infinity, as the reader has it)."""
    if value in (float("inf"), float("-inf")):
        return "1e999" if value > 0 else "-1e999"
    return repr(value)


def _reads_as_other(text: str) -> bool:
    return (
        text != text.strip()
        or not text
        or text.startswith('"')
        or any(ch < " " or ch == "\x7f" for ch in text)
        or text in BOOL_TEXT
        or bool(_INT.match(text) or _FLOAT.match(text))
    )


def scalar_value(text: str) -> Any:
    """The inverse of `scalar_text`: "" is nothing, 12 a number, true a boolean, "…" quoted text."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped in BOOL_TEXT:
        return BOOL_TEXT[stripped]
    if _INT.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    if stripped.startswith('"'):
        unquoted = _unquote(stripped)
        if unquoted is not None:
            return unquoted
    return text


def _unquote(token: str) -> str | None:
    try:
        value, _, _ = load_yaml(token, "<value>")
    except ValidationError:
        return None
    return value if isinstance(value, str) else None


_SEPARATORS = (",", "，")


def list_text(values: list[Any]) -> str:
    """A list of scalars as `a, b, "c, d"`."""
    parts = []
    for value in values:
        text = scalar_text(value)
        if isinstance(value, str) and any(sep in text for sep in _SEPARATORS) and not text.startswith('"'):
            text = quoted(value)
        parts.append(text)
    return ", ".join(parts)


def list_value(text: str) -> list[Any]:
    """The inverse of `list_text`; commas (also `，`) separate, double quotes protect."""
    items: list[Any] = []
    rest = text.strip()
    if not rest:
        return items
    while True:
        if rest.startswith('"'):
            end = _closing_quote(rest)
            if end is not None:
                items.append(scalar_value(rest[: end + 1]))
                rest = rest[end + 1 :].lstrip()
                if not rest:
                    return items
                if rest[0] in _SEPARATORS:
                    rest = rest[1:].lstrip()
                    continue
        cut = min((i for i in (rest.find(sep) for sep in _SEPARATORS) if i >= 0), default=-1)
        if cut < 0:
            items.append(scalar_value(rest.strip()))
            return items
        items.append(scalar_value(rest[:cut].strip()))
        rest = rest[cut + 1 :].lstrip()


def _closing_quote(text: str) -> int | None:
    escaped = False
    for index, ch in enumerate(text[1:], start=1):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            return index
    return None


def number_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float_text(value) if isinstance(value, float) else repr(value)


def number_value(text: str) -> Any:
    """Whole number, decimal, or the text as typed (the validator then says what is wrong)."""
    stripped = text.strip()
    if _INT.match(stripped):
        return int(stripped)
    if _FLOAT.match(stripped):
        return float(stripped)
    return text


def mapping_text(value: Mapping[str, Any]) -> str:
    """`where`-style mappings as the inside of a YAML flow mapping: `channel: 门店活码, sku: [A, B]`."""
    return flow(value)[1:-1]


def mapping_value(text: str) -> Any:
    """The inverse of `mapping_text`; text that is not such a mapping is kept as typed."""
    if not text.strip():
        return None
    try:
        value, _, _ = load_yaml("{" + text + "}", "<where>")
    except ValidationError:
        return text
    return value if isinstance(value, dict) else text


def yaml_text(value: object) -> str:
    return dump(value)


def yaml_value(text: str) -> Any:
    """A YAML snippet typed in the form; text that does not read as YAML is kept as text."""
    try:
        value, _, _ = load_yaml(text, "<snippet>")
    except (ValidationError, RecursionError):
        return text
    return value
