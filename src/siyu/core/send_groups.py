"""Which due auto sends can share one WeCom mass send (pure): those of one staff member, due in
the same slot (core.reminders.slot_of) with the same rendered content — and never two for one
customer, since WeCom sends a customer named twice in one mass send a single message."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from siyu.core.reminders import slot_of

GroupKey = tuple[int, int, str]  # executor, slot, content hash


@dataclass(frozen=True)
class DueSend:
    task_id: int
    executor_id: int
    due_us: int
    customer_id: int
    content: Any


def content_hash(content: Any) -> str:
    """The same for equal contents, whatever the order of their keys."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def group_sends(sends: Iterable[DueSend]) -> tuple[dict[GroupKey, list[int]], list[int]]:
    """(task ids by group key, in the order given; task ids that must go on their own: a second
    task for a customer already in its group)."""
    groups: dict[GroupKey, list[int]] = {}
    customers: dict[GroupKey, set[int]] = {}
    alone: list[int] = []
    for send in sends:
        key = (send.executor_id, slot_of(send.due_us), content_hash(send.content))
        seen = customers.setdefault(key, set())
        if send.customer_id in seen:
            alone.append(send.task_id)
            continue
        seen.add(send.customer_id)
        groups.setdefault(key, []).append(send.task_id)
    return groups, alone
