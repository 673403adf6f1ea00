"""The frequency cap's arithmetic besides placement: local weeks, how far back tasks count, when
a customer needs no placement, and whether the zone's offset is fixed over the reach."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.brand import BrandSettings, Caps
from siyu.core.caps import CapItem, counted_since, fixed_offset_us, place, smaller_cap, week_of, within_caps
from siyu.core.timeutil import US_PER_DAY, day_number, from_day_number, from_us
from tests.unit.core.plan_samples import NEW_YORK, SHANGHAI, sh

HOUR_US = 3600 * 1_000_000


@given(st.integers(min_value=-100_000, max_value=100_000))
def test_a_local_week_runs_monday_to_sunday(day: int) -> None:
    monday = day - from_day_number(day).weekday()
    assert week_of(day) == week_of(monday) == week_of(monday + 6)
    assert week_of(monday - 1) == week_of(monday) - 1
    assert week_of(monday + 7) == week_of(monday) + 1


def test_the_smaller_cap_bounds_a_customer_who_cannot_break_either() -> None:
    assert smaller_cap(Caps(2, 5)) == 2
    assert smaller_cap(Caps(9, 3)) == 3


def test_tasks_count_from_eight_days_back_which_reaches_before_this_weeks_monday() -> None:
    wednesday = sh(2026, 6, 3, 15)  # Monday 1 June
    assert counted_since(wednesday, SHANGHAI) == wednesday - 8 * US_PER_DAY
    sunday = sh(2026, 6, 7, 15)
    assert counted_since(sunday, SHANGHAI) == sh(2026, 5, 30, 15)


@given(st.integers(min_value=sh(2020, 1, 1), max_value=sh(2035, 1, 1)))
def test_the_counting_start_covers_this_local_week_and_the_last_eight_days(now_us: int) -> None:
    start = counted_since(now_us, NEW_YORK)
    local_now = from_us(now_us, NEW_YORK)
    monday = local_now.date() - timedelta(days=local_now.weekday())
    assert start <= now_us - 8 * US_PER_DAY
    assert from_us(start, NEW_YORK).date() <= monday - timedelta(days=1)


def test_a_zone_without_daylight_saving_has_a_fixed_offset() -> None:
    assert fixed_offset_us(sh(2026, 3, 1), sh(2026, 3, 8), SHANGHAI) == 8 * HOUR_US


def test_a_daylight_saving_change_in_reach_leaves_no_fixed_offset() -> None:
    march = sh(2026, 2, 20)  # New York springs forward on 8 March
    assert fixed_offset_us(march - 8 * US_PER_DAY, march, NEW_YORK) is None
    july = sh(2026, 7, 1)
    assert fixed_offset_us(july - 8 * US_PER_DAY, july, NEW_YORK) == -4 * HOUR_US


def test_tasks_under_the_caps_need_no_placement() -> None:
    monday = [(sh(2026, 6, 1, 10), sh(2026, 6, 1, 10)), (sh(2026, 6, 1, 20), sh(2026, 6, 1, 20))]
    assert within_caps(monday, Caps(2, 5), SHANGHAI)
    assert within_caps([], Caps(2, 5), SHANGHAI)


def test_a_deferred_task_always_needs_placement_again() -> None:
    assert not within_caps([(sh(2026, 6, 2, 10), sh(2026, 6, 1, 10))], Caps(2, 5), SHANGHAI)


def test_a_full_day_or_week_needs_placement() -> None:
    three_on_monday = [(sh(2026, 6, 1, h), sh(2026, 6, 1, h)) for h in (9, 12, 15)]
    assert not within_caps(three_on_monday, Caps(2, 5), SHANGHAI)
    one_a_day = [(sh(2026, 6, d, 9), sh(2026, 6, d, 9)) for d in range(1, 7)]
    assert not within_caps(one_a_day, Caps(2, 5), SHANGHAI)
    over_two_weeks = [(sh(2026, 6, d, 9), sh(2026, 6, d, 9)) for d in (4, 5, 6, 7, 8, 9)]
    assert within_caps(over_two_weeks, Caps(2, 5), SHANGHAI)


def test_local_days_are_counted_in_the_brands_zone() -> None:
    # 01:00 and 23:00 on one Shanghai day are two different UTC days
    pair = [(sh(2026, 6, 1, 1), sh(2026, 6, 1, 1)), (sh(2026, 6, 1, 23), sh(2026, 6, 1, 23))]
    assert not within_caps(pair, Caps(1, 5), SHANGHAI)
    assert within_caps(pair, Caps(1, 5), ZoneInfo("UTC"))


@given(
    st.lists(st.integers(min_value=0, max_value=20 * 24 - 1), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=1, max_value=7),
)
def test_within_caps_holds_exactly_when_placement_would_move_nothing(
    hours: list[int], per_day: int, per_week: int
) -> None:
    wanted = [sh(2026, 6, 1) + hour * HOUR_US for hour in hours]
    caps = Caps(per_day, per_week)
    items = [CapItem(key, want, priority=0, order=key) for key, want in enumerate(wanted)]
    moved = any(p.due_us != want for p, want in zip(place(items, caps, BrandSettings(caps=caps)), wanted, strict=True))
    assert within_caps([(want, want) for want in wanted], caps, SHANGHAI) == (not moved)


def test_the_first_monday_after_the_epoch_starts_a_week() -> None:
    monday = day_number(from_day_number(0) + timedelta(days=4))  # 1970-01-05
    assert from_day_number(monday).weekday() == 0
    assert week_of(monday) == week_of(monday - 1) + 1 == 1
