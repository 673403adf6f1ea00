"""Writing an SOP definition (plain data) as YAML that reads like the files operators write.

`dump(value)` lays a definition out the way examples/sops does: the SOP and its steps as block
mappings, every short mapping or list on one line (`at: {day: 0, time: "09:00"}`,
`- {tag: 会员}`), `steps` and `content` one item per line, texts with line breaks as literal
blocks. A string is left unquoted only when `core.yamlsource` (the strict reader siyu uses) and
PyYAML's YAML 1.1 reader would both read it back as the same text; times, addresses and
templates are quoted. The text always reads back (with `core.yamlsource.load_yaml`) to exactly
the value written, types included; `dump` checks that and falls back to PyYAML's own dump in the
unexpected case that it would not.

Pure: no IO.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import yaml

from siyu.core.errors import ValidationError
from siyu.core.yamlsource import load_yaml

MAX_NESTING = 100  # deeper values are written as one line of JSON (which is YAML too)
WIDTH = 110  # a mapping or list goes on one line when the line stays this short
# lists written one item per line, whatever their length
BLOCK_LISTS = frozenset({"steps", "content", "variants", "standards", "phases"})
# lists whose items (mappings) are written as block mappings themselves
BLOCK_ITEMS = frozenset({"steps", "content"})
# condition groups of two or more conditions: one condition per line, as operators write them
GROUP_KEYS = frozenset({"all", "any"})

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_NULL = re.compile(r"^(?:~|null|Null|NULL)$")
_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`<=")
_ANYWHERE = frozenset("#,?[]{}\"'\\")  # in flow context PyYAML ends a plain scalar at ,?[]{}
_COLON_ENDS = re.compile(r":(?=$|[\s,\[\]{}])")  # a colon that would end a plain scalar
# words PyYAML (YAML 1.1) reads as something else than text
_YAML11_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~", "="})
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _printable(ch: str) -> bool:
    """Characters PyYAML accepts raw in a document and does not treat as a line break."""
    code = ord(ch)
    return (
        ch in "\t"
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    ) and ch not in "\u2028\u2029"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (escapes for quotes, backslashes and unprintable characters)."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch == "\t" or _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or text[0] in _FIRST:
        return False
    if any(ch in _ANYWHERE or ch == "\t" or not _printable(ch) for ch in text) or _COLON_ENDS.search(text):
        return False
    if _BOOL.match(text) or _INT.match(text) or _FLOAT.match(text) or _NULL.match(text):
        return False
    if text.lower() in _YAML11_WORDS:
        return False
    if text[0].isdigit() and ":" in text:
        return False  # times: "09:00" is text to siyu, 09:00 alone reads as a number to YAML 1.1
    if text[0] in "+-.0123456789~":
        try:
            again = yaml.safe_load(text)
        except yaml.YAMLError:
            return False
        return isinstance(again, str) and again == text
    return True


def scalar(value: object) -> str:
    """One scalar as it is written inside a line (flow or block)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            # the strict reader has no .inf; 1e999 reads back as infinity
            return ".nan" if math.isnan(value) else ("1e999" if value > 0 else "-1e999")
        return repr(value)
    text = str(value)
    return text if _plain_ok(text) else quoted(text)


def _literal(text: str, indent: int) -> list[str] | None:
    """`|-` / `|` block for a text with line breaks, when it reads back exactly; else None."""
    if "\n" not in text or text.startswith((" ", "\n", "\t")):
        return None
    if any(ch != "\n" and not _printable(ch) for ch in text) or "\r" in text:
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n"):
        return None  # several trailing line breaks: quoted is clearer
    chomp = "|" if text.endswith("\n") else "|-"
    pad = " " * (indent + 2)
    lines = [chomp] + [pad + line if line else "" for line in body.split("\n")]
    try:
        again, _, _ = load_yaml("k: " + "\n".join(lines) + "\n", "<literal>")
    except ValidationError:
        return None
    return lines if again == {"k": text} else None


def flow(value: object) -> str:
    """A value on one line: `{a: 1, b: [x, y]}`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def _fits(prefix: str, value: object, indent: int) -> bool:
    return indent + len(prefix) + len(flow(value)) <= WIDTH


def _group(value: Mapping[str, Any]) -> bool:
    """`{all: [a, b, …]}` (or any): written as a block, one condition per line."""
    return len(value) == 1 and any(key in GROUP_KEYS and isinstance(v, list) and len(v) > 1 for key, v in value.items())


def _mapping_lines(value: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, item in value.items():
        head = f"{pad}{scalar(str(key))}:"
        if isinstance(item, Mapping | list | tuple):
            one_line = (isinstance(item, Mapping) and not _group(item)) or (
                isinstance(item, list | tuple) and key not in BLOCK_LISTS and not (key in GROUP_KEYS and len(item) > 1)
            )
            if not item or (one_line and _fits(head + " ", item, 0)):
                lines.append(f"{head} {flow(item)}")
            elif isinstance(item, Mapping):
                lines.append(head)
                lines += _mapping_lines(item, indent + 2)
            else:
                lines.append(head)
                lines += _list_lines(list(item), indent + 2, block_items=key in BLOCK_ITEMS)
        elif isinstance(item, str) and (block := _literal(item, indent)) is not None:
            lines.append(f"{head} {block[0]}")
            lines += block[1:]
        else:
            lines.append(f"{head} {scalar(item)}")
    return lines


def _list_lines(items: list[Any], indent: int, *, block_items: bool = False) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item and (block_items or not _fits(pad + "- ", item, 0)):
            inner = _mapping_lines(item, indent + 2)
            inner[0] = pad + "- " + inner[0][indent + 2 :]
            lines += inner
        elif isinstance(item, list | tuple) and item and not _fits(pad + "- ", item, 0):
            inner = _list_lines(list(item), indent + 2)
            inner[0] = pad + "- " + inner[0][indent + 2 :]
            lines += inner
        elif isinstance(item, str) and (block := _literal(item, indent)) is not None:
            lines.append(f"{pad}- {block[0]}")
            lines += block[1:]
        else:
            lines.append(f"{pad}- {flow(item)}")
    return lines


def emit(value: object) -> str:
    """The layout described in the module docstring, unchecked."""
    if isinstance(value, Mapping) and value:
        lines = _mapping_lines(value, 0)
    elif isinstance(value, list | tuple) and value:
        lines = _list_lines(list(value), 0)
    else:
        lines = [flow(value)]
    return "\n".join(lines) + "\n"


def same(left: object, right: object) -> bool:
    """Equal values of the same types all the way down (True is not 1, 1 is not 1.0)."""
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            if a.keys() != b.keys():
                return False
            pending += [(a[k], b[k]) for k in a]
        elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
            if len(a) != len(b):
                return False
            pending += list(zip(a, b, strict=True))
        elif type(a) is not type(b) or not (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))):  # type: ignore[arg-type]
            return False
    return True


def depth(value: object) -> int:
    """How deeply mappings and lists nest in `value` (a scalar is 0)."""
    deepest = 0
    pending = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, Mapping):
            pending += [(v, level + 1) for v in item.values()]
        elif isinstance(item, list | tuple):
            pending += [(v, level + 1) for v in item]
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
    return deepest


def dump(value: object, *, comment: str = "") -> str:
    """`value` as YAML (after `comment`, a block of `#` lines), reading back to exactly `value`."""
    head = comment.rstrip("\n") + "\n" if comment.strip() else ""
    if depth(value) > MAX_NESTING:
        # JSON is YAML too; the layout above would recurse once per level
        return head + json.dumps(value, ensure_ascii=False) + "\n"
    text = emit(value)
    try:
        again, _, _ = load_yaml(text, "<dump>")
    except ValidationError:
        again = _Unreadable
    if not same(again, value):
        text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=WIDTH)
    return head + text


class _Unreadable:
    """Stands for text that did not read back at all."""


def leading_comment(source: str) -> str:
    """The `#` lines (and blank lines among them) that open a YAML text, as they are written."""
    kept: list[str] = []
    for line in source.splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and kept):
            kept.append(line)
        else:
            break
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)
