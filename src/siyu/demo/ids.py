"""External ids of the demo's customers (stable for a given index). Events are `ev<7 digits of
the customer>-<n>` with n counting the customer's events in time order (encode.event_lines);
orders are `<shop code><YYYYMMDD><7 digits of the customer><n>` (orders.OrderBook)."""

from __future__ import annotations


def customer_id(index: int) -> str:
    """Customer `index` (0-based) → `wm0000001`, like a WeCom external contact id."""
    return f"wm{index + 1:07d}"
