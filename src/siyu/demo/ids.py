"""External ids of the demo's customers, events and orders (stable for a given index)."""

from __future__ import annotations


def customer_id(index: int) -> str:
    """Customer `index` (0-based) → `wm0000001`, like a WeCom external contact id."""
    return f"wm{index + 1:07d}"


def event_id(index: int, number: int) -> str:
    """The `number`-th event (in time order) of customer `index`."""
    return f"ev{index + 1:07d}-{number:03d}"
