"""Entering at an event (core.entries.enter_by_event): the re-entry rule against the latest entry."""

from __future__ import annotations

from siyu.core.entries import EntryRecord, EventEntry, enter_by_event
from siyu.core.model import Reentry, ReentryMode

HOUR = 3_600_000_000
NEVER = Reentry(ReentryMode.never)
ALWAYS = Reentry(ReentryMode.always)
AFTER_DAY = Reentry(ReentryMode.after, after_us=24 * HOUR)


def test_a_first_event_makes_entry_one_whatever_the_rule() -> None:
    for rule in (NEVER, ALWAYS, AFTER_DAY):
        assert enter_by_event(None, event_at=HOUR, reentry=rule) == EventEntry(1, closes_previous=False)


def test_never_ignores_later_events() -> None:
    assert enter_by_event(EntryRecord(1, 0), event_at=100 * HOUR, reentry=NEVER) is None


def test_always_enters_again_at_every_event_closing_the_open_entry() -> None:
    assert enter_by_event(EntryRecord(1, 0), event_at=HOUR, reentry=ALWAYS) == EventEntry(2, closes_previous=True)


def test_a_closed_entry_is_not_closed_again() -> None:
    closed = EntryRecord(3, 0, exited_at=HOUR, exit_reason="exit")
    assert enter_by_event(closed, event_at=2 * HOUR, reentry=ALWAYS) == EventEntry(4, closes_previous=False)


def test_after_waits_for_the_window_since_the_last_entry() -> None:
    last = EntryRecord(1, 0)
    assert enter_by_event(last, event_at=24 * HOUR - 1, reentry=AFTER_DAY) is None
    assert enter_by_event(last, event_at=24 * HOUR, reentry=AFTER_DAY) == EventEntry(2, closes_previous=True)
