"""The small pieces the generator relies on."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from siyu.core.timeutil import day_number
from siyu.demo.clock import DAY, Clock, wall_seconds
from siyu.demo.customer import member_level
from siyu.demo.fission import BLOCK, Fission
from siyu.demo.growth import HISTORY_DAYS, AddCurve
from siyu.demo.hashing import seeded_rng, stable_int, stable_unit
from siyu.demo.journey import GROUP_JOINED, GROUP_LEFT, memberships
from siyu.demo.promotions import fission_window, sale_windows
from siyu.demo.staff import build_staff, staff_count
from siyu.demo.world import DemoSpec, World

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def test_stable_hash_does_not_change_between_runs_or_versions() -> None:
    # pinned: a change here changes every generated demo
    assert stable_int(7, "customer", 0) == 0xEF8270974D9B6FE9
    assert stable_int(7, "customer", 0) != stable_int(7, "customer", 1)
    assert stable_int(7, "a", 1) != stable_int(7, "a1")
    assert 0 <= stable_unit(1, "x") < 1
    assert seeded_rng(1, "x").random() == seeded_rng(1, "x").random()


def test_clock_writes_local_time_with_the_offset() -> None:
    clock = Clock(datetime.fromisoformat("2026-11-22T02:00:00+00:00"))
    assert clock.now_day == day_number(date(2026, 11, 22))
    assert clock.iso(clock.now_s) == "2026-11-22T10:00:00+08:00"
    assert clock.iso(wall_seconds(date(2026, 6, 18), 20, 13) + 5) == "2026-06-18T20:13:05+08:00"
    assert clock.compact_date(clock.now_day) == "20261122"
    with pytest.raises(ValueError, match="time zone"):
        Clock(datetime(2026, 11, 22))


def test_sale_windows_cover_618_and_double_11_of_each_year() -> None:
    first = wall_seconds(date(2024, 11, 1))
    last = wall_seconds(date(2026, 11, 22))
    names = [(w.name, date.fromordinal(719_163 + w.start // DAY).isoformat()) for w in sale_windows(first, last)]
    assert names == [
        ("双11", "2024-10-20"),
        ("618", "2025-06-01"),
        ("双11", "2025-10-20"),
        ("618", "2026-06-01"),
        ("双11", "2026-10-20"),
    ]


def test_fission_window_is_the_latest_double_11_begun() -> None:
    assert fission_window(wall_seconds(date(2026, 11, 22))).start == wall_seconds(date(2026, 10, 20))
    assert fission_window(wall_seconds(date(2026, 10, 19))).start == wall_seconds(date(2025, 10, 20))


def test_customers_are_numbered_in_the_order_they_were_added() -> None:
    now_day = day_number(date(2026, 11, 22))
    curve = AddCurve(1_000, now_day, ())
    days = [curve.day_of(i) for i in range(1_000)]
    assert days == sorted(days)
    assert days[0] >= now_day - HISTORY_DAYS + 1
    assert days[-1] == now_day
    later_half = sum(1 for d in days if d > now_day - HISTORY_DAYS // 2)
    assert later_half > 550  # the brand grows
    assert curve.first_index_from(days[500]) <= 500 < curve.first_index_from(days[500] + 1)
    assert curve.first_index_from(now_day + 1) == 1_000


def test_fission_referrers_are_participants_added_before_the_campaign() -> None:
    world = World(DemoSpec(5_000, 7, NOW))
    fission: Fission = world.fission
    rng = random.Random(1)
    picked = [fission.pick_referrer(rng) for _ in range(500)]
    assert all(p is not None and fission.is_participant(p) for p in picked)
    start_day = fission.window.start // DAY
    assert all(p is not None and world.curve.day_of(p) < start_day for p in picked)
    participants = [i for i in range(5_000) if fission.is_participant(i)]
    assert all(world.curve.day_of(i) < start_day for i in participants)
    assert len(participants) == world.curve.first_index_from(start_day) // BLOCK


def test_no_referrer_when_nobody_was_added_before_the_campaign() -> None:
    world = World(DemoSpec(1, 7, datetime.fromisoformat("2026-10-25T10:00:00+08:00")))
    assert world.fission.pick_referrer(random.Random(1)) is None


def test_memberships_follow_the_last_join_or_leave() -> None:
    events = [
        (1, GROUP_JOINED, "wr1", "{}"),
        (2, GROUP_JOINED, "wr2", "{}"),
        (3, GROUP_LEFT, "wr1", "{}"),
        (4, GROUP_LEFT, "wr2", "{}"),
        (5, GROUP_JOINED, "wr2", "{}"),
    ]
    assert memberships(events) == ["wr2"]


def test_member_level_thresholds() -> None:
    assert [member_level(f) for f in (0, 49_999, 50_000, 200_000, 500_000)] == [
        "普通会员",
        "普通会员",
        "银卡会员",
        "金卡会员",
        "黑钻会员",
    ]


def test_staff_size_and_root() -> None:
    assert staff_count(300) == 8
    assert staff_count(5_000) == 25
    staff = build_staff(7, 1_000_000)
    assert len(staff.members) == staff_count(1_000_000) == 4484
    assert len(staff.guides) == 3334  # a 导购 per 300 customers
    assert [m.id for m in staff.members if m.manager is None] == ["st0001"]
