"""Who enters, stays, leaves and exits an SOP: the decisions of docs/planner.md as pure functions
over one target's entries. The planner runs them set-based in SQL (planner/entries.py); a property
test holds the SQL to these functions.

A target's entries are numbered 1, 2, …; at most one is open (not exited). `left_at` is when the
audience stopped holding for it (or when a re-entry superseded it); `exited_at` closes it, with
the reason kept for people. Re-entry:
- never: a target enters once, ever;
- always: again each time the audience starts to hold after it had stopped;
- after D: again when D has passed since its last entry, while the audience holds.
Group and staff (moments) entries end when the audience stops holding: their recurring steps run
while it matches, and one that matches again comes back whatever `reentry` says (`never` then only
keeps out targets that exited otherwise)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from siyu.core.model import Reentry, ReentryMode, Sop, SopKind
from siyu.core.reasons import ReasonCode

LEFT_AUDIENCE = ReasonCode.left_audience
REENTERED = ReasonCode.reentered


@dataclass(frozen=True)
class EntryRecord:
    """One entry of one target into one SOP."""

    number: int
    entered_at: int
    left_at: int | None = None
    exited_at: int | None = None
    exit_reason: str | None = None  # a ReasonCode (its parameters are kept beside it in the store)
    holdout: bool = False

    @property
    def open(self) -> bool:
        return self.exited_at is None


@dataclass(frozen=True)
class EntryRule:
    """What an SOP says about entering again, and whether leaving the audience ends an entry."""

    reentry: Reentry
    ends_on_leaving: bool = False

    @property
    def returns_after_leaving(self) -> bool:
        """A target that left may come back once the audience holds again."""
        return self.reentry.mode is ReentryMode.always or (
            self.ends_on_leaving and self.reentry.mode is ReentryMode.never
        )


def entry_rule(sop: Sop) -> EntryRule:
    return EntryRule(sop.reentry, ends_on_leaving=sop.kind in (SopKind.group, SopKind.moments))


@dataclass(frozen=True)
class AudienceCheck:
    """A target's entries after an audience check, and the entry it made (None: none)."""

    entries: tuple[EntryRecord, ...]
    entered: EntryRecord | None = None


def check_audience(
    entries: Sequence[EntryRecord], *, matches: bool, rule: EntryRule, now_us: int, held_out: bool = False
) -> AudienceCheck:
    """One audience check for one target: leave, end on leaving, supersede, enter (held out or not)."""
    after = [_leave(entry, matches, rule, now_us) for entry in entries]
    if matches:
        after = [_superseded(entry, rule, now_us) for entry in after]
    entered = None
    if matches and may_enter(after, rule, now_us):
        entered = EntryRecord(next_number(after), now_us, holdout=held_out)
        after.append(entered)
    return AudienceCheck(tuple(after), entered)


def _leave(entry: EntryRecord, matches: bool, rule: EntryRule, now_us: int) -> EntryRecord:
    if not matches and entry.left_at is None:
        entry = replace(entry, left_at=now_us)
    if rule.ends_on_leaving and entry.open and entry.left_at is not None:
        entry = replace(entry, exited_at=now_us, exit_reason=LEFT_AUDIENCE)
    return entry


def _superseded(entry: EntryRecord, rule: EntryRule, now_us: int) -> EntryRecord:
    """An open entry that a new one is about to replace is closed ("entered again")."""
    if not entry.open:
        return entry
    if rule.returns_after_leaving:
        supersede = entry.left_at is not None
    elif rule.reentry.mode is ReentryMode.after:
        supersede = entry.entered_at <= _cutoff(rule, now_us)
    else:
        supersede = False
    if not supersede:
        return entry
    left = now_us if entry.left_at is None else entry.left_at
    return replace(entry, exited_at=now_us, exit_reason=REENTERED, left_at=left)


def may_enter(entries: Sequence[EntryRecord], rule: EntryRule, now_us: int) -> bool:
    """Whether a target whose audience holds makes a new entry, given its entries (already left
    or superseded by this check)."""
    if any(entry.open for entry in entries):
        return False
    if rule.returns_after_leaving:
        return all(entry.left_at is not None for entry in entries)
    if rule.reentry.mode is ReentryMode.after:
        return all(entry.entered_at <= _cutoff(rule, now_us) for entry in entries)
    return not entries


def _cutoff(rule: EntryRule, now_us: int) -> int:
    return now_us - (rule.reentry.after_us or 0)


def next_number(entries: Sequence[EntryRecord]) -> int:
    return max((entry.number for entry in entries), default=0) + 1


def check_exit(
    entries: Sequence[EntryRecord], *, exit_holds: bool, reason: str, now_us: int
) -> tuple[EntryRecord, ...]:
    """Close the open entry when the SOP's exit condition holds for the target."""
    if not exit_holds:
        return tuple(entries)
    return tuple(replace(entry, exited_at=now_us, exit_reason=reason) if entry.open else entry for entry in entries)


@dataclass(frozen=True)
class EventEntry:
    """An entry made by an event: its number, and whether the open entry before it closes."""

    number: int
    closes_previous: bool


def enter_by_event(last: EntryRecord | None, *, event_at: int, reentry: Reentry) -> EventEntry | None:
    """Whether an event makes a new entry, given the target's latest entry (None: never entered).
    `always` enters at every event; `after D` once D has passed since the last entry."""
    if last is None:
        return EventEntry(1, closes_previous=False)
    if reentry.mode is ReentryMode.never:
        return None
    if reentry.mode is ReentryMode.after and event_at - last.entered_at < (reentry.after_us or 0):
        return None
    return EventEntry(last.number + 1, closes_previous=last.open)
