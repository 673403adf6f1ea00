"""Helpers for the SOP file tests: read YAML text the way `siyu sop validate` does."""

from __future__ import annotations

import textwrap
from typing import Any

from siyu.core.errors import ValidationError
from siyu.core.model import Sop
from siyu.core.sopparse.sop import parse_sop
from siyu.core.yamlsource import load_sops

FILE = "sop.yaml"


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def parse(text: str) -> list[Sop]:
    """Every SOP of the YAML text; fails the test with the located problems if any."""
    return [parse_sop(item.raw, item.path) for item in load_sops(yaml_text(text), FILE)]


def parse_one(text: str) -> Sop:
    (sop,) = parse(text)
    return sop


def problems(text: str) -> list[str]:
    """Located problems (`sop.yaml:LINE: path: message`) of the YAML text, by line as the CLI prints them."""
    found: list[str] = []
    try:
        loaded = load_sops(yaml_text(text), FILE)
    except ValidationError as exc:
        return [str(p) for p in exc.problems]
    for item in loaded:
        try:
            parse_sop(item.raw, item.path)
        except ValidationError as exc:
            ordered = sorted(exc.problems, key=lambda p: item.lines.line_of(p.where))
            found += [str(item.locate(p)) for p in ordered]
    return found


CUSTOMER = """
id: sample
name: 样例
kind: customer
audience: {tag: 会员}
steps:
  - id: hello
    at: {day: 0, time: "10:00"}
    channel: private
    executor: owner
    content:
      - text: 你好
"""


def step(**fields: Any) -> dict[str, Any]:
    """A valid customer step; `fields` replace or add keys (None removes one)."""
    base: dict[str, Any] = {
        "id": "s",
        "at": {"day": 0, "time": "10:00"},
        "channel": "private",
        "executor": "owner",
        "content": [{"text": "你好"}],
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def sop(kind: str = "customer", *steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A raw SOP of `kind` with `steps` (one default step if none); `fields` replace top keys (None removes)."""
    base: dict[str, Any] = {"id": "x", "name": "样例", "kind": kind, "steps": list(steps) or [step()]}
    if kind in ("customer", "group"):
        base["audience"] = {"tag": "会员" if kind == "customer" else "会员群"}
    if kind == "campaign":
        base["anchor"] = "2026-12-07T19:00:00+08:00"
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def messages(raw: dict[str, Any]) -> list[str]:
    """`path: message` of every problem of a raw SOP ([] when it parses)."""
    try:
        parse_sop(raw)
    except ValidationError as exc:
        return [str(p) for p in exc.problems]
    return []
