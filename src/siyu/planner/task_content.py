"""A step's content rendered for one task, as the JSON stored on the task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from siyu.core.model import ContentItem, File, Image, Link, MiniProgram, Step, Text, Video, step_items, templates_of
from siyu.core.render import placeholders, render

Variables = dict[str, dict[str, str]]  # {namespace: {field: text}}


def render_item(item: ContentItem, variables: Variables) -> dict[str, Any]:
    """One content item with its templates filled; raises MissingValueError."""
    if isinstance(item, Text):
        return {"text": render(item.text, variables)}
    if isinstance(item, Link):
        return {"link": {"title": render(item.title, variables), "url": render(item.url, variables)}}
    if isinstance(item, MiniProgram):
        return {
            "miniprogram": {
                "title": render(item.title, variables),
                "appid": item.appid,
                "page": render(item.page, variables),
            }
        }
    if isinstance(item, Image):
        return {"image": item.path}
    if isinstance(item, File):
        return {"file": item.path}
    if isinstance(item, Video):
        return {"video": item.path}
    raise TypeError(type(item).__name__)


def render_content(step: Step, variant: str | None, variables: Variables, visible_to: Any = None) -> dict[str, Any]:
    content: dict[str, Any] = {"items": [render_item(item, variables) for item in step.content_of(variant)]}
    if step.name:
        content["step_name"] = step.name  # staff see the step's title, not its id
    if step.notes:
        content["notes"] = step.notes
    if visible_to is not None:
        content["visible_to"] = visible_to
    return content


@dataclass(frozen=True)
class Needs:
    """The template variables a step uses: which to load for its tasks."""

    namespaces: frozenset[str] = frozenset()
    customer_attributes: frozenset[str] = field(default_factory=frozenset)

    @property
    def none(self) -> bool:
        return not self.namespaces


CUSTOMER_ROW_FIELDS = frozenset({"id", "name", "birthday"})


def needs_of(step: Step) -> Needs:
    namespaces: set[str] = set()
    attributes: set[str] = set()
    for _, item in step_items(step):
        for _, text in templates_of(item):
            for placeholder in placeholders(text):
                namespaces.add(placeholder.namespace)
                if placeholder.namespace == "customer" and placeholder.field not in CUSTOMER_ROW_FIELDS:
                    attributes.add(placeholder.field)
    return Needs(frozenset(namespaces), frozenset(attributes))
