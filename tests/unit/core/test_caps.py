"""The frequency cap: who keeps a slot, where the others go, and what always counts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.brand import BrandSettings, Caps
from siyu.core.caps import MAX_DEFERRAL_DAYS, CapItem, Placement, place
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.timeutil import US_PER_DAY, local_day, to_us

SHANGHAI = ZoneInfo("Asia/Shanghai")
BRAND = BrandSettings()


def sh(*fields: int) -> int:
    return to_us(datetime(*fields, tzinfo=SHANGHAI))  # type: ignore[misc]


def fixed(key: int, want_us: int) -> CapItem:
    return CapItem(key, want_us, priority=0, order=key, movable=False)


def by_key(placements: list[Placement]) -> dict[int, Placement]:
    return {placement.key: placement for placement in placements}


def test_under_the_cap_every_task_keeps_its_time() -> None:
    items = [CapItem(1, sh(2026, 6, 1, 10), 0, 1), CapItem(2, sh(2026, 6, 1, 20), 0, 2)]
    assert place(items, Caps(2, 5), BRAND) == [
        Placement(1, sh(2026, 6, 1, 10), 0, None),
        Placement(2, sh(2026, 6, 1, 20), 0, None),
    ]


def test_the_higher_priority_sop_keeps_its_slot() -> None:
    items = [
        CapItem(1, sh(2026, 6, 1, 10), priority=0, order=1),
        CapItem(2, sh(2026, 6, 1, 11), priority=5, order=2),
        CapItem(3, sh(2026, 6, 1, 12), priority=0, order=3),
    ]
    placed = by_key(place(items, Caps(2, 5), BRAND))
    assert placed[1].due_us == sh(2026, 6, 1, 10) and placed[2].due_us == sh(2026, 6, 1, 11)
    assert placed[3] == Placement(3, sh(2026, 6, 2, 12), 1, Reason.of(ReasonCode.daily_cap_deferred, limit=2, days=1))


def test_ties_go_to_the_earlier_planned_task_whatever_the_input_order() -> None:
    items = [CapItem(9, sh(2026, 6, 1, 9), 1, order=9), CapItem(4, sh(2026, 6, 1, 18), 1, order=4)]
    placements = place(items, Caps(1, 5), BRAND)
    assert [placement.key for placement in placements] == [9, 4]  # input order
    assert by_key(placements)[4].deferred_days == 0
    assert by_key(placements)[9].due_us == sh(2026, 6, 2, 9)


def test_the_week_cap_counts_monday_to_sunday() -> None:
    # 1 June 2026 is a Monday; the week ends on Sunday 7 June
    items = [
        fixed(1, sh(2026, 6, 1, 10)),
        fixed(2, sh(2026, 6, 3, 10)),
        fixed(3, sh(2026, 6, 7, 23, 59)),
        fixed(4, sh(2026, 6, 8, 0, 0)),  # next week
        CapItem(5, sh(2026, 6, 6, 15), 0, 5),
    ]
    placed = by_key(place(items, Caps(per_day=2, per_week=3), BRAND))
    assert placed[5] == Placement(5, sh(2026, 6, 8, 15), 2, Reason.of(ReasonCode.weekly_cap_deferred, limit=3, days=2))


def test_fixed_tasks_count_even_over_the_cap_and_are_not_returned() -> None:
    items = [fixed(1, sh(2026, 6, 1, 9)), fixed(2, sh(2026, 6, 1, 10)), fixed(3, sh(2026, 6, 1, 11))]
    items.append(CapItem(4, sh(2026, 6, 1, 8), priority=100, order=0))
    assert place(items, Caps(2, 5), BRAND) == [
        Placement(4, sh(2026, 6, 2, 8), 1, Reason.of(ReasonCode.daily_cap_deferred, limit=2, days=1))
    ]


def test_quiet_hours_apply_after_the_deferral() -> None:
    items = [fixed(1, sh(2026, 6, 1, 9)), CapItem(2, sh(2026, 6, 1, 23), 0, 2)]
    placed = place(items, Caps(1, 5), BRAND)
    # 2 June 23:00 is quiet: 3 June 08:00, which counts on 3 June
    assert placed == [Placement(2, sh(2026, 6, 3, 8), 2, Reason.of(ReasonCode.daily_cap_deferred, limit=1, days=2))]


def test_a_workdays_only_task_moves_to_a_workday_and_counts_where_it_lands() -> None:
    items = [
        fixed(1, sh(2026, 9, 30, 9)),
        CapItem(2, sh(2026, 9, 30, 10), priority=1, order=2, workdays_only=True),
        CapItem(3, sh(2026, 10, 8, 11), priority=0, order=3),
    ]
    placed = by_key(place(items, Caps(1, 5), BRAND))
    assert placed[2].due_us == sh(2026, 10, 8, 10) and placed[2].deferred_days == 8  # after National Day
    assert placed[3].due_us == sh(2026, 10, 9, 11)


def test_a_cap_of_zero_plans_nothing() -> None:
    items = [CapItem(1, sh(2026, 6, 1, 10), 0, 1)]
    assert place(items, Caps(0, 5), BRAND) == [
        Placement(1, None, 0, Reason.of(ReasonCode.daily_cap_not_planned, limit=0))
    ]
    assert place(items, Caps(2, 0), BRAND)[0].due_us is None


def test_deferral_stops_after_max_days() -> None:
    wanted = sh(2026, 6, 1, 10)
    busy = [fixed(100 + n, wanted + n * US_PER_DAY) for n in range(MAX_DEFERRAL_DAYS)]
    last_chance = place([*busy, CapItem(1, wanted, 0, 1)], Caps(1, 7), BRAND)
    assert last_chance[0].due_us == wanted + MAX_DEFERRAL_DAYS * US_PER_DAY
    assert last_chance[0].deferred_days == MAX_DEFERRAL_DAYS
    busy.append(fixed(999, wanted + MAX_DEFERRAL_DAYS * US_PER_DAY))
    none = place([*busy, CapItem(1, wanted, 0, 1)], Caps(1, 7), BRAND)
    assert none == [Placement(1, None, 0, Reason.of(ReasonCode.daily_cap_no_room, limit=1, days=60))]


@st.composite
def customer_items(draw: st.DrawFn) -> list[CapItem]:
    """One customer's tasks in June 2026, planned in a random order (`order` unique, like task ids)."""
    count = draw(st.integers(0, 25))
    orders = draw(st.permutations(range(count)))
    return [
        CapItem(
            key=1000 + index,
            want_us=draw(st.integers(sh(2026, 6, 1, 8), sh(2026, 6, 21, 21, 59))),
            priority=draw(st.integers(0, 3)),
            order=orders[index],
            movable=draw(st.booleans()),
            workdays_only=draw(st.booleans()),
        )
        for index in range(count)
    ]


@given(customer_items(), st.integers(1, 3), st.integers(1, 8))
def test_placements_respect_the_caps_and_never_move_earlier(items: list[CapItem], per_day: int, per_week: int) -> None:
    placements = place(items, Caps(per_day, per_week), BRAND)
    movable = [item for item in items if item.movable]
    assert [placement.key for placement in placements] == [item.key for item in movable]
    days: Counter[int] = Counter(local_day(item.want_us, SHANGHAI) for item in items if not item.movable)
    for item, placement in zip(movable, placements, strict=True):
        if placement.due_us is None:
            continue
        day = local_day(placement.due_us, SHANGHAI)
        assert placement.due_us >= item.want_us
        assert placement.deferred_days == day - local_day(item.want_us, SHANGHAI)
        assert (placement.reason is None) == (placement.deferred_days == 0)
        days[day] += 1
    fixed_days = Counter(local_day(item.want_us, SHANGHAI) for item in items if not item.movable)
    for day, count in days.items():
        assert count <= max(per_day, fixed_days[day])
    weeks: Counter[int] = Counter()
    for day, count in days.items():
        weeks[(day + 3) // 7] += count
    fixed_weeks = Counter((day + 3) // 7 for day in fixed_days.elements())
    for week, count in weeks.items():
        assert count <= max(per_week, fixed_weeks[week])


@given(customer_items(), st.randoms())
def test_placement_does_not_depend_on_the_input_order(items: list[CapItem], shuffler: random.Random) -> None:
    shuffled = list(items)
    shuffler.shuffle(shuffled)
    assert by_key(place(items, Caps(2, 5), BRAND)) == by_key(place(shuffled, Caps(2, 5), BRAND))
