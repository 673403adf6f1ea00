"""Parsing a condition tree from YAML / JSON data.

Parsing collects every problem with the path where it happened (`audience.all[1].within`) and
raises one ValidationError; nothing half-parsed escapes. Each head is parsed by its entry in
the registry (`leaves`). Semantics live in core.evaluate (Python) and store.compile (SQL); a
property test proves the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from siyu.core.conditions.leaves import HEAD_PARSERS
from siyu.core.conditions.nodes import Condition, TargetKind
from siyu.core.conditions.reader import ConditionReader
from siyu.core.errors import PathPart, ValidationError


def parse_condition(
    raw: object,
    target: TargetKind,
    path: Sequence[PathPart] = (),
    *,
    allow_since_entry: bool = False,
) -> Condition:
    """Parse a condition tree for targets of `target`; raises ValidationError listing every problem."""
    reader = ConditionReader(HEAD_PARSERS, allow_since_entry=allow_since_entry)
    condition = reader.condition(raw, target, tuple(path))
    if reader.problems:
        raise ValidationError(reader.problems)
    assert condition is not None
    return condition
