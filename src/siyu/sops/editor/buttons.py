"""The form's buttons: add a condition, a step, a content item or a variant; remove one; move one
up or down. `apply_op` carries out one button on a form; an unknown or stale button changes nothing."""

from __future__ import annotations

from typing import Any

from siyu.core.conditions.nodes import TargetKind
from siyu.sops.editor.condition_form import GROUP_TYPES, Node
from siyu.sops.editor.sop_form import CONDITION_ROOTS, SopForm
from siyu.sops.editor.step_form import Item, VariantForm, new_step


def _new_node(form: SopForm, root: str) -> Node:
    return Node("role" if form.root_target(root) is TargetKind.staff else "tag")


def apply_op(form: SopForm, op: str) -> SopForm:
    """Carry out a form button: `add:<list>`, `remove:<item>`, `up:<item>`, `down:<item>`, where a
    list is `steps`, `steps.0.content`, `steps.0.variants`, `steps.0.variants.1.content` or a
    condition group (`audience`, `audience.1`, `steps.0.when`), and an item is one of their
    elements (`steps.2`, `audience.1.0`) — or a whole condition (`exit`, `steps.0.when`) to remove.
    An unknown or stale button changes nothing."""
    action, _, target = op.partition(":")
    parts = [int(p) if p.isdigit() else p for p in target.split(".")] if target else []
    if action == "add":
        _add(form, parts)
    elif action in ("remove", "up", "down") and parts:
        if isinstance(parts[-1], int):
            found = _list_at(form, parts[:-1])
            if found is not None:
                _move(found[0], parts[-1], action)
        elif action == "remove":
            _remove_condition(form, parts)
    return form


def _add(form: SopForm, parts: list[str | int]) -> None:
    found = _list_at(form, parts)
    if found is None:
        return
    items, what = found
    kind = form.kind_or_default
    if what == "steps":
        items.append(new_step(kind, len(items) + 1))
    elif what == "content":
        items.append(Item("text", {"value": ""}))
    elif what == "variants":
        used = {variant.id for variant in items}
        letter = next((c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used), f"v{len(items) + 1}")
        items.append(VariantForm(id=letter, weight="50"))
    else:
        root = str(parts[0]) if parts[0] != "steps" else "when"
        items.append(_new_node(form, root) if root != "when" else Node("tag"))


def _move(items: list[Any], index: int, action: str) -> None:
    if not 0 <= index < len(items):
        return
    if action == "remove":
        del items[index]
    elif action == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
    elif action == "down" and index + 1 < len(items):
        items[index + 1], items[index] = items[index], items[index + 1]


def _remove_condition(form: SopForm, parts: list[str | int]) -> None:
    if len(parts) == 1 and parts[0] in CONDITION_ROOTS:
        setattr(form, str(parts[0]), None)
    elif (
        len(parts) == 3
        and parts[0] == "steps"
        and parts[2] == "when"
        and isinstance(parts[1], int)
        and 0 <= parts[1] < len(form.steps)
    ):
        form.steps[parts[1]].when = None


def _list_at(form: SopForm, parts: list[str | int]) -> tuple[list[Any], str] | None:
    """The list a button path names, and what it holds (steps, content, variants, conditions)."""
    if not parts:
        return None
    head = parts[0]
    if head in CONDITION_ROOTS:
        return _children_at(form.root(str(head)), parts[1:])
    if head != "steps":
        return None
    if len(parts) == 1:
        return form.steps, "steps"
    index = parts[1]
    if not isinstance(index, int) or not 0 <= index < len(form.steps):
        return None
    step = form.steps[index]
    rest = parts[2:]
    if rest == ["content"]:
        return step.content, "content"
    if rest == ["variants"]:
        return step.variants, "variants"
    if len(rest) == 3 and rest[0] == "variants" and rest[2] == "content" and isinstance(rest[1], int):
        if 0 <= rest[1] < len(step.variants):
            return step.variants[rest[1]].content, "content"
        return None
    if rest and rest[0] == "when":
        return _children_at(step.when, rest[1:])
    return None


def _children_at(node: Node | None, path: list[str | int]) -> tuple[list[Any], str] | None:
    for index in path:
        if node is None or not isinstance(index, int) or not 0 <= index < len(node.children):
            return None
        node = node.children[index]
    if node is None or node.type not in GROUP_TYPES:
        return None
    if node.type == "not" and node.children:
        return None  # `not` holds exactly one condition
    return node.children, "conditions"
