"""Loading SOP files: a strict YAML reader that remembers where every value was written.

YAML 1.1 (what PyYAML implements) turns `on`, `off`, `yes`, `no`, `y` and `n` into booleans,
`10:30` into the number 630 and `2026-06-01` into a date. SOP files are written by operators,
so this loader resolves plain scalars the way a reader expects:

* `true` / `false` (any of the three YAML casings) are booleans; every other word is text;
* whole numbers (`0`, `-3`, `42`; no leading zeros) and decimals (`1.5`, `1e3`) are numbers;
* `null`, `~` and an empty value are null;
* everything else — times (`10:30`), dates, timestamps, `on`, `yes`, `007` — stays text.

Mapping keys are always text, a key written twice is an error, and merge keys (`<<`) are not
supported. Every node's path (`("steps", 2, "at", "time")`) is mapped to its line, so that a
problem found later can be printed as `file:LINE: steps[2].at.time: message`.

Pure: the caller reads the file and passes its text and a name to print.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from siyu.core.errors import PathPart, Problem, ValidationError, format_path

MAX_NODES = 200_000  # guards against alias bombs ("billion laughs")
# no SOP needs more; the parser and the condition walkers recurse per level
MAX_DEPTH = 64

_TAG = "tag:yaml.org,2002:"
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class _Resolver(BaseResolver):
    """Only the implicit types listed in the module docstring; no timestamps, no sexagesimals."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012  (PyYAML's class-level registry)


_Resolver.add_implicit_resolver(f"{_TAG}bool", _BOOL, list("tTfF"))
_Resolver.add_implicit_resolver(f"{_TAG}int", _INT, list("-+0123456789"))
_Resolver.add_implicit_resolver(f"{_TAG}float", _FLOAT, list("-+0123456789."))
_Resolver.add_implicit_resolver(f"{_TAG}null", _NULL, ["~", "n", "N", ""])


class _Loader(Reader, Scanner, Parser, Composer, _Resolver):
    """Composes a node tree only; values are built by `_Builder` so that paths and lines are kept."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


class LineMap:
    """Formatted path (`steps[2].at.time`) → 1-based line; unknown paths fall back to their parent."""

    def __init__(self, lines: dict[str, int] | None = None) -> None:
        self._lines: dict[str, int] = dict(lines or {})

    def add(self, path: Sequence[PathPart], line: int) -> None:
        self._lines.setdefault(format_path(path), line)

    def line_of(self, where: str) -> int:
        """The line of `where` (a formatted path) or of its nearest ancestor; 1 if none is known."""
        current = where
        while True:
            if current in self._lines:
                return self._lines[current]
            parent = _parent_path(current)
            if parent is None:
                return self._lines.get("(top)", 1)
            current = parent


def _parent_path(where: str) -> str | None:
    if where == "(top)" or not where:
        return None
    cut = where.rfind("[") if where.endswith("]") else where.rfind(".")
    if cut <= 0:
        return "(top)"
    return where[:cut]


@dataclass(frozen=True)
class LoadedSop:
    """One SOP as found in a file: its raw mapping, its own YAML text and where it sits."""

    filename: str
    path: tuple[PathPart, ...]  # () for a one-SOP file, (index,) inside a list
    raw: dict[str, Any]
    source: str
    lines: LineMap

    def locate(self, problem: Problem) -> Problem:
        """`steps[2].at` + message → `file:LINE: steps[2].at` + message."""
        return Problem(f"{self.filename}:{self.lines.line_of(problem.where)}: {problem.where}", problem.message)

    @property
    def line(self) -> int:
        return self.lines.line_of(format_path(self.path))


class _Builder:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines = LineMap()
        self.problems: list[Problem] = []
        self.count = 0

    def fail(self, node: Node, path: tuple[PathPart, ...], message: str) -> None:
        where = f"{self.filename}:{node.start_mark.line + 1}: {format_path(path)}"
        self.problems.append(Problem(where, message))

    def build(self, node: Node, path: tuple[PathPart, ...], line: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        if len(path) > MAX_DEPTH:
            raise _TooDeep(line, path)
        self.lines.add(path, line)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != f"{_TAG}seq":
                self.fail(node, path, f"unsupported tag {_short(node.tag)}")
            return [self.build(item, (*path, index), item.start_mark.line + 1) for index, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: tuple[PathPart, ...]) -> dict[str, Any]:
        if node.tag != f"{_TAG}map":
            self.fail(node, path, f"unsupported tag {_short(node.tag)}")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, path, "a key must be plain text, not a list or a mapping")
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.fail(key_node, (*path, key), f"duplicate key {key} (first at line {first_line[key]})")
                continue
            first_line[key] = line
            result[key] = self.build(value_node, (*path, key), line)
        return result

    def _scalar(self, node: ScalarNode, path: tuple[PathPart, ...]) -> Any:
        value = str(node.value)
        tag = node.tag
        if tag in (f"{_TAG}str", "!"):
            return value
        if tag == f"{_TAG}null":
            if not _NULL.match(value):
                self.fail(node, path, f"{value!r} is not null")
            return None
        if tag == f"{_TAG}bool":
            if not _BOOL.match(value):
                self.fail(node, path, f"{value!r} is not true or false")
                return value
            return value.lower() == "true"
        if tag == f"{_TAG}int":
            if not _INT.match(value.strip()):
                self.fail(node, path, f"{value!r} is not a whole number")
                return value
            return int(value)
        if tag == f"{_TAG}float":
            if not _FLOAT.match(value.strip()):
                self.fail(node, path, f"{value!r} is not a number")
                return value
            return float(value)
        self.fail(node, path, f"unsupported tag {_short(tag)}")
        return value


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, line: int, path: tuple[PathPart, ...]) -> None:
        self.line = line
        self.path = path
        super().__init__(line, path)


def load_yaml(text: str, filename: str) -> tuple[Any, LineMap, Node | None]:
    """Parse one YAML document into plain values; raises ValidationError with located problems."""
    try:
        # the reader checks the characters as the loader is made: a control character fails here
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise ValidationError([Problem(filename, str(exc))]) from exc
    try:
        node = loader.get_single_node()
    except RecursionError as exc:  # the composer recurses once per level of nesting
        raise ValidationError([Problem(filename, f"nested more than {MAX_DEPTH} levels deep")]) from exc
    except yaml.MarkedYAMLError as exc:
        raise ValidationError([_yaml_problem(exc, filename)]) from exc
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        raise ValidationError([Problem(filename, str(exc))]) from exc
    finally:
        loader.dispose()
    if node is None:
        return None, LineMap(), None
    builder = _Builder(filename)
    try:
        value = builder.build(node, (), node.start_mark.line + 1)
    except _TooLarge as exc:
        raise ValidationError([Problem(filename, f"more than {MAX_NODES} values (aliases expand too far)")]) from exc
    except _TooDeep as exc:
        where = f"{filename}:{exc.line}: {format_path(exc.path[:MAX_DEPTH])}"
        raise ValidationError([Problem(where, f"nested more than {MAX_DEPTH} levels deep")]) from exc
    if builder.problems:
        raise ValidationError(builder.problems)
    return value, builder.lines, node


def _yaml_problem(exc: yaml.MarkedYAMLError, filename: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark is not None else filename
    message = exc.problem or "invalid YAML"
    if exc.context:
        context = exc.context
        if exc.context_mark is not None and exc.context_mark is not mark:
            context += f" at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message += f" ({context})"
    return Problem(where, message)


def load_sops(text: str, filename: str) -> list[LoadedSop]:
    """One SOP (a mapping) or a list of SOPs. Each SOP of a list keeps its own YAML text."""
    value, lines, node = load_yaml(text, filename)
    if isinstance(value, dict):
        return [LoadedSop(filename, (), value, text, lines)]
    if isinstance(value, list) and value:
        assert isinstance(node, SequenceNode)
        problems: list[Problem] = []
        loaded: list[LoadedSop] = []
        for index, (item, item_node) in enumerate(zip(value, node.value, strict=True)):
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        f"{filename}:{item_node.start_mark.line + 1}: {format_path((index,))}",
                        f"expected an SOP (a mapping with id, name, kind, …), got {_describe(item)}",
                    )
                )
                continue
            loaded.append(LoadedSop(filename, (index,), item, _own_source(text, item_node, item), lines))
        if problems:
            raise ValidationError(problems)
        return loaded
    line = node.start_mark.line + 1 if node is not None else 1
    got = "an empty list" if value == [] else _describe(value) if node is not None else "an empty file"
    raise ValidationError(
        [Problem(f"{filename}:{line}: (top)", f"expected an SOP (a mapping) or a list of SOPs, got {got}")]
    )


def _describe(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _own_source(text: str, node: Node, expected: dict[str, Any]) -> str:
    """The item's text cut out of the file and dedented; a YAML dump if that does not read back the same."""
    start = node.start_mark.index
    line_start = text.rfind("\n", 0, start) + 1
    column = start - line_start
    chunk = " " * column + text[start : node.end_mark.index]
    lines = chunk.rstrip().splitlines()
    dedented: list[str] = []
    for line in lines:
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) >= column:
            dedented.append(line[column:])
        elif not stripped or stripped.startswith("#"):
            dedented.append(stripped)
        else:
            return _dump(expected)
    cut = textwrap.dedent("\n".join(dedented)) + "\n"
    try:
        again, _, _ = load_yaml(cut, "<cut>")
    except ValidationError:
        return _dump(expected)
    return cut if again == expected else _dump(expected)


def _dump(value: dict[str, Any]) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False)
