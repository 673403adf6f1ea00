"""Who may see a moment (朋友圈), as a channel can say it. WeCom's add_moment_task takes a list
of customer tags and shows the moment to customers with any of them, so a `visible_to` that is a
tag, or `any` of tags, can be said; anything else (`not`, `all`, attributes, events…) cannot,
and is reported with where it stands rather than silently widened to everyone."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.core.conditions.nodes import AnyOf, Condition, Tag, TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.errors import ValidationError

WHERE = "visible_to"


@dataclass(frozen=True)
class VisibleTags:
    """The tag names whose customers may see the moment (any of them), or why it cannot be said."""

    names: tuple[str, ...] = ()
    problem: str | None = None


def visible_tags(raw: object) -> VisibleTags:
    """`raw`: the SOP's visible_to as written (stored on the task's content)."""
    try:
        condition = parse_condition(raw, TargetKind.customer, (WHERE,))
    except ValidationError as exc:
        return VisibleTags(problem="; ".join(str(problem) for problem in exc.problems))
    names: list[str] = []
    unsaid = _collect(condition, names, WHERE)
    if unsaid is not None:
        return VisibleTags(
            problem=f"{unsaid}: 企业微信朋友圈只能按客户标签（任一）设置可见范围 "
            "(WeCom shows a moment to customers with any of some tags: only {tag: …} or {any: [{tag: …}, …]} "
            "can be said)"
        )
    return VisibleTags(names=tuple(dict.fromkeys(names)))


def _collect(condition: Condition, names: list[str], where: str) -> str | None:
    """Adds the tag names of `condition` to `names`; returns where it holds something else."""
    if isinstance(condition, Tag):
        names.append(condition.name)
        return None
    if isinstance(condition, AnyOf):
        for index, item in enumerate(condition.items):
            unsaid = _collect(item, names, f"{where}.any[{index}]")
            if unsaid is not None:
                return unsaid
        return None
    return where
