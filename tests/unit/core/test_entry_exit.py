"""The exit condition closes a target's open entry (core.entries.check_exit)."""

from __future__ import annotations

from siyu.core.entries import EntryRecord, check_exit

NOW = 1_000


def test_the_open_entry_closes_with_the_reason_when_the_exit_holds() -> None:
    closed = EntryRecord(1, 0, left_at=10, exited_at=10, exit_reason="entered again")
    entries = (closed, EntryRecord(2, 10))
    assert check_exit(entries, exit_holds=True, reason="exit met", now_us=NOW) == (
        closed,
        EntryRecord(2, 10, exited_at=NOW, exit_reason="exit met"),
    )


def test_nothing_changes_while_the_exit_does_not_hold() -> None:
    entries = (EntryRecord(1, 0),)
    assert check_exit(entries, exit_holds=False, reason="exit met", now_us=NOW) == entries
