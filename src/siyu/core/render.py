"""Script templates: `{{ namespace.field }}` placeholders, checked strictly, rendered strictly.

A template is literal text with placeholders `{{customer.name}}` (spaces inside the braces are
allowed). Anything else that starts with `{{` — or a `{{` that is never closed — is an error,
never literal text. Which variables exist depends on whom the step is about (its target):

* customer: `customer.id`, `customer.name`, `customer.birthday`, `customer.<attribute>`,
  `staff.id`, `staff.name`, `last_order.<property>`;
* group: `group.id`, `group.name`, `staff.id`, `staff.name`, and `member.name` in steps fired by
  `on: member_joined`;
* staff (moments, a campaign's internal work): `staff.id`, `staff.name`.

`staff` is the person who carries out the step. Rendering with a value missing raises: a script
is never sent with a hole in it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from siyu.core.conditions.nodes import TargetKind
from siyu.core.errors import SiyuError

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([^\W\d]\w*)\s*\}\}")


@dataclass(frozen=True)
class Placeholder:
    namespace: str
    field: str
    offset: int  # 0-based index of the opening `{{` in the template

    @property
    def name(self) -> str:
        return f"{self.namespace}.{self.field}"


Part = str | Placeholder


class TemplateError(SiyuError):
    """A template that cannot be read; `offset` is the 0-based index of the offending `{{`."""

    def __init__(self, offset: int, reason: str) -> None:
        self.offset = offset
        self.reason = reason
        super().__init__(f"character {offset + 1}: {reason}")


class MissingValueError(SiyuError):
    """Rendering met a placeholder without a value: `name` at the 0-based `offset`."""

    def __init__(self, name: str, offset: int) -> None:
        self.name = name
        self.offset = offset
        super().__init__(f"no value for {{{{{name}}}}} (character {offset + 1})")


def parse_template(text: str) -> tuple[Part, ...]:
    """Split a template into literal text and placeholders; raises TemplateError."""
    parts: list[Part] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            if position < len(text):
                parts.append(text[position:])
            return tuple(parts)
        if start > position:
            parts.append(text[position:start])
        close = text.find("}}", start + 2)
        if close < 0:
            raise TemplateError(start, '"{{" is not closed by "}}"')
        match = _PLACEHOLDER.fullmatch(text, start, close + 2)
        if match is None:
            raise TemplateError(
                start,
                f"expected a variable like {{{{customer.name}}}}, got {text[start : close + 2]!r}",
            )
        parts.append(Placeholder(match.group(1), match.group(2), start))
        position = close + 2


def placeholders(text: str) -> tuple[Placeholder, ...]:
    return tuple(part for part in parse_template(text) if isinstance(part, Placeholder))


def render(template: str, variables: Mapping[str, Mapping[str, str]]) -> str:
    """Fill every placeholder from `variables[namespace][field]`; raises MissingValueError if one has none."""
    out: list[str] = []
    for part in parse_template(template):
        if isinstance(part, str):
            out.append(part)
            continue
        value = variables.get(part.namespace, {}).get(part.field)
        if value is None:
            raise MissingValueError(part.name, part.offset)
        out.append(value)
    return "".join(out)


# ---------------------------------------------------------------- which variables exist where


@dataclass(frozen=True)
class Namespace:
    """Fixed fields, and whether any other identifier is accepted (`open_name` names it in messages)."""

    fields: tuple[str, ...]
    open_name: str | None = None


CUSTOMER_FIELDS = ("id", "name", "birthday")  # read from the customer row; other fields are attributes
NAMESPACES: dict[str, Namespace] = {
    "customer": Namespace(CUSTOMER_FIELDS, open_name="attribute"),
    "staff": Namespace(("id", "name")),
    "group": Namespace(("id", "name")),
    "member": Namespace(("name",)),
    "last_order": Namespace((), open_name="property"),
}


@dataclass(frozen=True)
class Scope:
    """The namespaces a step's templates may use."""

    target: TargetKind
    namespaces: tuple[str, ...]

    def describe(self) -> str:
        names: list[str] = []
        for namespace in self.namespaces:
            spec = NAMESPACES[namespace]
            names += [f"{namespace}.{field}" for field in spec.fields]
            if spec.open_name:
                names.append(f"{namespace}.<{spec.open_name}>")
        return ", ".join(names)


def scope_for(target: TargetKind, *, member_event: bool = False) -> Scope:
    """`member_event`: a group step fired by `on: member_joined`, where `member` is the newcomer."""
    if target is TargetKind.customer:
        return Scope(target, ("customer", "staff", "last_order"))
    if target is TargetKind.group:
        return Scope(target, ("group", "staff", "member") if member_event else ("group", "staff"))
    return Scope(target, ("staff",))


def check_template(text: str, scope: Scope) -> list[TemplateError]:
    """Every problem of one template in this scope (a syntax error stops the reading)."""
    try:
        found = placeholders(text)
    except TemplateError as exc:
        return [exc]
    return [TemplateError(p.offset, reason) for p in found if (reason := _unknown(p, scope)) is not None]


def _unknown(placeholder: Placeholder, scope: Scope) -> str | None:
    namespace, field = placeholder.namespace, placeholder.field
    shown = f"{{{{{placeholder.name}}}}}"
    if namespace in scope.namespaces:
        spec = NAMESPACES[namespace]
        if field in spec.fields or spec.open_name is not None:
            return None
        hint = _hint(field, spec.fields, namespace)
        return f"unknown variable {shown}{hint}; available here: {scope.describe()}"
    if namespace == "member" and scope.target is TargetKind.group:
        return f"{shown} is only available in group steps with at: {{on: member_joined}}"
    if namespace in NAMESPACES:
        about = _target_word(scope.target)
        return f"{shown} is not available in a step about a {about}; available here: {scope.describe()}"
    hint = _hint(namespace, scope.namespaces, None, field)
    return f"unknown variable {shown}{hint}; available here: {scope.describe()}"


def _hint(word: str, options: tuple[str, ...], namespace: str | None, field: str | None = None) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    if not close:
        return ""
    suggestion = f"{namespace}.{close[0]}" if namespace else f"{close[0]}.{field}"
    return f" (did you mean {suggestion}?)"


def _target_word(target: TargetKind) -> str:
    return {TargetKind.customer: "customer", TargetKind.group: "group", TargetKind.staff: "staff account"}[target]
