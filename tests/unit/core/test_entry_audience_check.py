"""An audience check for one target (core.entries.check_audience): enter, stay, leave, re-enter."""

from __future__ import annotations

from siyu.core.entries import LEFT_AUDIENCE, REENTERED, EntryRecord, EntryRule, check_audience
from siyu.core.model import Reentry, ReentryMode

HOUR = 3_600_000_000
NOW = 100 * HOUR
NEVER = EntryRule(Reentry(ReentryMode.never))
ALWAYS = EntryRule(Reentry(ReentryMode.always))
AFTER_DAY = EntryRule(Reentry(ReentryMode.after, after_us=24 * HOUR))
GROUP_NEVER = EntryRule(Reentry(ReentryMode.never), ends_on_leaving=True)


def test_a_new_target_in_the_audience_enters_as_number_one() -> None:
    check = check_audience((), matches=True, rule=NEVER, now_us=NOW)
    assert check.entered == EntryRecord(1, NOW)
    assert check.entries == (EntryRecord(1, NOW),)


def test_a_target_outside_the_audience_with_no_entry_stays_out() -> None:
    assert check_audience((), matches=False, rule=ALWAYS, now_us=NOW).entries == ()


def test_a_held_out_target_enters_in_the_control_group() -> None:
    check = check_audience((), matches=True, rule=NEVER, now_us=NOW, held_out=True)
    assert check.entered == EntryRecord(1, NOW, holdout=True)


def test_a_target_that_keeps_matching_stays_in_its_entry() -> None:
    entry = EntryRecord(1, NOW - HOUR)
    for rule in (NEVER, ALWAYS, GROUP_NEVER):
        assert check_audience((entry,), matches=True, rule=rule, now_us=NOW).entries == (entry,)


def test_a_customer_leaving_the_audience_keeps_its_entry_open() -> None:
    check = check_audience((EntryRecord(1, NOW - HOUR),), matches=False, rule=ALWAYS, now_us=NOW)
    assert check.entries == (EntryRecord(1, NOW - HOUR, left_at=NOW),)


def test_a_group_leaving_the_audience_ends_its_entry() -> None:
    check = check_audience((EntryRecord(1, NOW - HOUR),), matches=False, rule=GROUP_NEVER, now_us=NOW)
    assert check.entries == (EntryRecord(1, NOW - HOUR, left_at=NOW, exited_at=NOW, exit_reason=LEFT_AUDIENCE),)


def test_a_group_that_matches_again_comes_back_even_with_reentry_never() -> None:
    left = EntryRecord(1, NOW - 2 * HOUR, left_at=NOW - HOUR, exited_at=NOW - HOUR, exit_reason=LEFT_AUDIENCE)
    check = check_audience((left,), matches=True, rule=GROUP_NEVER, now_us=NOW)
    assert check.entered == EntryRecord(2, NOW)


def test_never_keeps_out_a_target_that_entered_once() -> None:
    closed = EntryRecord(1, NOW - 2 * HOUR, left_at=NOW - HOUR, exited_at=NOW - HOUR, exit_reason="exit")
    assert check_audience((closed,), matches=True, rule=NEVER, now_us=NOW).entered is None


def test_always_supersedes_an_entry_that_left_and_matches_again() -> None:
    left = EntryRecord(1, NOW - 2 * HOUR, left_at=NOW - HOUR)
    check = check_audience((left,), matches=True, rule=ALWAYS, now_us=NOW)
    assert check.entries == (
        EntryRecord(1, NOW - 2 * HOUR, left_at=NOW - HOUR, exited_at=NOW, exit_reason=REENTERED),
        EntryRecord(2, NOW),
    )


def test_always_waits_for_the_audience_to_stop_holding_after_an_exit() -> None:
    exited = EntryRecord(1, NOW - 2 * HOUR, exited_at=NOW - HOUR, exit_reason="exit")
    assert check_audience((exited,), matches=True, rule=ALWAYS, now_us=NOW).entered is None


def test_after_enters_again_once_the_window_has_passed_while_the_audience_holds() -> None:
    old = EntryRecord(1, NOW - 24 * HOUR)
    check = check_audience((old,), matches=True, rule=AFTER_DAY, now_us=NOW)
    assert check.entries == (
        EntryRecord(1, NOW - 24 * HOUR, left_at=NOW, exited_at=NOW, exit_reason=REENTERED),
        EntryRecord(2, NOW),
    )


def test_after_keeps_a_recent_entry() -> None:
    recent = EntryRecord(1, NOW - 23 * HOUR)
    assert check_audience((recent,), matches=True, rule=AFTER_DAY, now_us=NOW).entries == (recent,)
