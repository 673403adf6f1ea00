"""When a step fires for one entry, from the zone alone: one-offs, recurring windows, the horizon."""

from __future__ import annotations

from datetime import datetime, time

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.model import DayAt, Delay, Every, NextAt, OnEvent, Period, RRule, SopKind, TimeSpec
from siyu.core.occurrences import (
    is_one_off,
    is_recurring,
    one_off_instant,
    recurring_horizon,
    recurring_instants,
    shared_instants,
)
from siyu.core.timeutil import US_PER_DAY, from_us
from tests.unit.core.plan_samples import NEW_YORK, SHANGHAI, make_sop, make_step, sh

HOUR_US = 3600 * 1_000_000


def test_one_offs_and_recurring_steps_are_told_apart() -> None:
    one_offs: list[TimeSpec] = [Delay(HOUR_US), DayAt(1, time(9)), NextAt(time(9))]
    recurring: list[TimeSpec] = [Every(Period.day, time(9)), RRule("FREQ=DAILY")]
    assert all(is_one_off(make_step(at)) and not is_recurring(make_step(at)) for at in one_offs)
    assert all(is_recurring(make_step(at)) and not is_one_off(make_step(at)) for at in recurring)
    assert not is_one_off(make_step(OnEvent("paid"))) and not is_recurring(make_step(OnEvent("paid")))


def test_a_one_off_step_fires_relative_to_the_entry_in_the_given_zone() -> None:
    entered = sh(2026, 6, 1, 15, 30)
    sop = make_sop()
    assert one_off_instant(sop, make_step(Delay(HOUR_US)), entered, SHANGHAI) == sh(2026, 6, 1, 16, 30)
    assert one_off_instant(sop, make_step(DayAt(2, time(9))), entered, SHANGHAI) == sh(2026, 6, 3, 9)
    assert one_off_instant(sop, make_step(NextAt(time(9))), entered, SHANGHAI) == sh(2026, 6, 2, 9)
    in_new_york = one_off_instant(sop, make_step(DayAt(0, time(20))), entered, NEW_YORK)
    assert from_us(in_new_york or 0, NEW_YORK).replace(tzinfo=None) == datetime(2026, 6, 1, 20, 0)


def test_a_recurring_or_event_step_has_no_one_off_instant() -> None:
    sop = make_sop()
    assert one_off_instant(sop, make_step(Every(Period.day, time(9))), sh(2026, 6, 1), SHANGHAI) is None
    assert one_off_instant(sop, make_step(OnEvent("paid")), sh(2026, 6, 1), SHANGHAI) is None


def test_a_campaign_step_is_fixed_to_the_anchor_and_not_made_for_later_entries() -> None:
    anchor = datetime(2026, 6, 10, 0, 0, tzinfo=SHANGHAI)
    step = make_step(DayAt(-3, time(10)))
    campaign = make_sop(step, kind=SopKind.campaign, anchor=anchor)
    assert one_off_instant(campaign, step, sh(2026, 6, 1), SHANGHAI) == sh(2026, 6, 7, 10)
    assert one_off_instant(campaign, step, sh(2026, 6, 9), SHANGHAI) is None
    assert one_off_instant(campaign, make_step(Delay(HOUR_US)), sh(2026, 6, 1), SHANGHAI) is None
    no_anchor = make_sop(step, kind=SopKind.campaign)
    assert one_off_instant(no_anchor, step, sh(2026, 6, 1), SHANGHAI) is None


def test_recurring_instants_lie_in_the_window_and_after_the_entry() -> None:
    daily = make_step(Every(Period.day, time(9)))
    entered = sh(2026, 6, 2, 12)
    found = recurring_instants(daily, entered, sh(2026, 6, 1), sh(2026, 6, 5, 9), SHANGHAI)
    assert found == [sh(2026, 6, 3, 9), sh(2026, 6, 4, 9), sh(2026, 6, 5, 9)]
    assert recurring_instants(daily, entered, sh(2026, 6, 5), sh(2026, 6, 5), SHANGHAI) == []
    assert recurring_instants(make_step(Delay(HOUR_US)), entered, sh(2026, 6, 1), sh(2026, 6, 9), SHANGHAI) == []


def test_every_steps_share_their_instants_and_rules_do_not() -> None:
    daily = make_step(Every(Period.day, time(9)))
    assert shared_instants(daily, sh(2026, 6, 1, 9), sh(2026, 6, 3, 9), SHANGHAI) == [
        sh(2026, 6, 2, 9),
        sh(2026, 6, 3, 9),
    ]
    assert shared_instants(daily, sh(2026, 6, 3), sh(2026, 6, 3), SHANGHAI) == []
    assert shared_instants(make_step(RRule("FREQ=DAILY")), sh(2026, 6, 1), sh(2026, 6, 3), SHANGHAI) is None


@given(
    st.integers(min_value=sh(2026, 1, 1), max_value=sh(2027, 1, 1)),
    st.integers(min_value=-30 * US_PER_DAY, max_value=0),
)
def test_shared_instants_are_what_an_entry_long_before_the_window_gets(after_us: int, earlier: int) -> None:
    daily = make_step(Every(Period.day, time(21, 30)))
    until = after_us + 3 * US_PER_DAY
    entered = after_us - 40 * US_PER_DAY + earlier
    assert shared_instants(daily, after_us, until, NEW_YORK) == recurring_instants(
        daily, entered, after_us, until, NEW_YORK
    )


def test_the_horizon_is_the_end_of_tomorrow_in_the_zone() -> None:
    assert recurring_horizon(sh(2026, 6, 1, 23, 59), SHANGHAI) == sh(2026, 6, 3, 0, 0)
    assert recurring_horizon(sh(2026, 6, 1, 0, 0), SHANGHAI) == sh(2026, 6, 3, 0, 0)


@given(st.integers(min_value=sh(2020, 1, 1), max_value=sh(2035, 1, 1)))
def test_the_horizon_is_a_local_midnight_more_than_a_day_and_at_most_two_days_ahead(now_us: int) -> None:
    horizon = recurring_horizon(now_us, NEW_YORK)
    local = from_us(horizon, NEW_YORK)
    assert (local.hour, local.minute) == (0, 0)
    assert (local.date() - from_us(now_us, NEW_YORK).date()).days == 2
    assert now_us + US_PER_DAY - 2 * HOUR_US < horizon <= now_us + 2 * US_PER_DAY + 2 * HOUR_US
