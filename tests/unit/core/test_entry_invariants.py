"""Whatever the history and the rule, an audience check keeps a target's entries well formed:
numbered 1, 2, … in order, at most one open, the past never rewritten except to close or leave."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.entries import EntryRecord, EntryRule, check_audience, check_exit
from siyu.core.model import Reentry, ReentryMode

NOW = 1_000


@st.composite
def histories(draw: st.DrawFn) -> tuple[EntryRecord, ...]:
    """Well-formed histories: closed entries, then at most one open entry, entry times rising."""
    count = draw(st.integers(0, 3))
    times = sorted(draw(st.lists(st.integers(0, NOW - 1), min_size=count, max_size=count)))
    entries = []
    for number, entered in enumerate(times, start=1):
        last = number == count
        left = draw(st.none() | st.integers(entered, NOW - 1))
        closed = not last or draw(st.booleans())
        exited = draw(st.integers(entered, NOW - 1)) if closed else None
        entries.append(EntryRecord(number, entered, left, exited, "why" if closed else None))
    return tuple(entries)


rules = st.builds(
    EntryRule,
    st.builds(Reentry, st.sampled_from(ReentryMode), st.integers(0, NOW)),
    st.booleans(),
)


@given(histories(), st.booleans(), rules, st.booleans(), st.booleans())
def test_entries_stay_well_formed(
    history: tuple[EntryRecord, ...], matches: bool, rule: EntryRule, held_out: bool, exit_holds: bool
) -> None:
    check = check_audience(history, matches=matches, rule=rule, now_us=NOW, held_out=held_out)
    after = check_exit(check.entries, exit_holds=exit_holds, reason="exit", now_us=NOW)
    assert [entry.number for entry in after] == list(range(1, len(after) + 1))
    assert sum(entry.open for entry in after) <= 1
    for before, now in zip(history, after, strict=False):
        assert (now.number, now.entered_at, now.holdout) == (before.number, before.entered_at, before.holdout)
        if not before.open:
            assert now.exited_at == before.exited_at and now.exit_reason == before.exit_reason
    if check.entered is not None:
        assert matches and check.entered.holdout == held_out and check.entered.entered_at == NOW
    if not matches:
        assert all(entry.left_at is not None for entry in after)
