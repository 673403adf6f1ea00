"""The built-in inbox adapter. A reminder or digest routed here is already where it belongs:
the task is on the staff member's list (我的任务) the moment it is due. It cannot send to
customers: auto tasks routed to the inbox become remind tasks before they reach a dispatcher."""

from __future__ import annotations

from siyu.channels.base import DeliveryError, DeliveryState, Outgoing, Progress, Purpose, Receipt


class InboxAdapter:
    name = "inbox"

    def send(self, item: Outgoing) -> Receipt:
        if item.purpose is Purpose.send:
            raise DeliveryError("the inbox cannot send to customers (收件箱不能自动发送给客户)", permanent=True)
        return Receipt(ref=None, delivered=True)

    def find(self, item: Outgoing, *, since_s: int) -> Receipt | None:
        return None

    def poll(self, item: Outgoing, receipt: Receipt) -> Progress:
        return Progress(DeliveryState.delivered)

    def close(self) -> None:
        return None
