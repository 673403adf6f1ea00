"""Task statuses and which changes between them are allowed (pure)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    pending = "pending"  # planned, not yet due
    due = "due"  # its time has come: content rendered, waiting for the executor or the channel
    done = "done"  # a person did it
    skipped = "skipped"  # not done on purpose: `when` false, no executor, or a person skipped it
    sent = "sent"  # a channel adapter delivered it
    failed = "failed"  # could not be carried out (a script with a missing value, a calendar gap…)
    expired = "expired"  # not done or sent within late_after of its due time
    cancelled = "cancelled"  # the target left the SOP, the SOP was disabled or edited


OPEN = frozenset({TaskStatus.pending, TaskStatus.due})
FINAL = frozenset(TaskStatus) - OPEN
# customer-facing tasks that use up a frequency-cap slot
COUNTED_BY_CAPS = frozenset({TaskStatus.pending, TaskStatus.due, TaskStatus.done, TaskStatus.sent})

PLANNER = "planner"

_BY_PEOPLE = {
    TaskStatus.done: OPEN,
    TaskStatus.skipped: OPEN,
}


def change_refused(current: TaskStatus, wanted: TaskStatus) -> str | None:
    """Why a person may not move a task from `current` to `wanted` (None: allowed)."""
    allowed_from = _BY_PEOPLE.get(wanted)
    if allowed_from is None:
        return f"a task cannot be set to {wanted.value} by hand"
    if current == wanted:
        return f"the task is already {current.value}"
    if current not in allowed_from:
        return f"the task is {current.value}; only pending or due tasks can become {wanted.value}"
    return None
