"""A step's content rendered for one task, as the JSON stored on the task."""

from __future__ import annotations

from typing import Any

from siyu.core.model import ContentItem, File, Image, Link, MiniProgram, Step, Text, Video
from siyu.core.render import render
from siyu.engine.variables import Variables


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
    if step.notes:
        content["notes"] = step.notes
    if visible_to is not None:
        content["visible_to"] = visible_to
    return content
