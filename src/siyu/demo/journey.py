"""The event stream of one customer, collected in any order and written in time order.

Only events at or before `now` are kept: a refund due next week, a group exit next month or
a repurchase after `now` simply has not happened yet.
"""

from __future__ import annotations

from operator import itemgetter

FRIEND_ADDED = "friend_added"
ACCOUNT_BOUND = "account_bound"
ORDER_PAID = "order_paid"
ORDER_REFUNDED = "order_refunded"
GROUP_JOINED = "group_joined"
GROUP_LEFT = "group_left"
MESSAGE_RECEIVED = "message_received"
MESSAGE_SENT = "message_sent"
COUPON_REDEEMED = "coupon_redeemed"
LINK_CLICKED = "link_clicked"

Event = tuple[int, str, str, str]  # (wall seconds, type, group id or "", properties JSON)

_BY_TIME = itemgetter(0)


class Journey:
    __slots__ = ("events", "now_s")

    def __init__(self, now_s: int) -> None:
        self.now_s = now_s
        self.events: list[Event] = []

    def add(self, t: int, kind: str, properties: str, group: str = "") -> bool:
        """Record the event if it has happened by now; tell whether it was recorded."""
        if t > self.now_s:
            return False
        self.events.append((t, kind, group, properties))
        return True

    def in_order(self) -> list[Event]:
        """The events by time; simultaneous events keep the order they were recorded in."""
        return sorted(self.events, key=_BY_TIME)


def memberships(events: list[Event]) -> list[str]:
    """The groups the customer is in after the last join or leave of each (time-ordered input)."""
    inside: dict[str, bool] = {}
    for _, kind, group, _ in events:
        if kind == GROUP_JOINED:
            inside[group] = True
        elif kind == GROUP_LEFT:
            inside[group] = False
    return [group for group, member in inside.items() if member]
