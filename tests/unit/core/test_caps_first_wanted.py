"""A task the cap deferred whose first wanted time has passed is placed from the spot it holds,
but its deferral is still counted, and said, from the day it first wanted."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from siyu.core.brand import BrandSettings, Caps
from siyu.core.caps import CapItem, Placement, place
from siyu.core.reasons import Reason, ReasonCode
from siyu.core.timeutil import to_us

SHANGHAI = ZoneInfo("Asia/Shanghai")
BRAND = BrandSettings()
HELD = Reason.of(ReasonCode.weekly_cap_deferred, limit=2, days=7)


def sh(*fields: int) -> int:
    return to_us(datetime(*fields, tzinfo=SHANGHAI))  # type: ignore[misc]


def test_a_task_that_keeps_its_later_spot_keeps_the_reason_it_holds_it_by() -> None:
    item = CapItem(1, sh(2026, 3, 9, 20), 0, 1, first_wanted_us=sh(2026, 3, 2, 20), held_by=HELD)
    assert place([item], Caps(1, 2), BRAND) == [Placement(1, sh(2026, 3, 9, 20), 7, HELD)]


def test_a_task_pushed_further_counts_the_days_from_the_day_it_first_wanted() -> None:
    taken = CapItem(2, sh(2026, 3, 9, 10), 0, 0, movable=False)
    item = CapItem(1, sh(2026, 3, 9, 20), 0, 1, first_wanted_us=sh(2026, 3, 2, 20), held_by=HELD)
    placed = place([taken, item], Caps(1, 5), BRAND)
    assert placed == [Placement(1, sh(2026, 3, 10, 20), 8, Reason.of(ReasonCode.daily_cap_deferred, limit=1, days=8))]


def test_a_task_still_at_its_first_wanted_time_has_no_reason() -> None:
    item = CapItem(1, sh(2026, 3, 2, 20), 0, 1, first_wanted_us=sh(2026, 3, 2, 20), held_by=None)
    assert place([item], Caps(1, 2), BRAND) == [Placement(1, sh(2026, 3, 2, 20), 0, None)]
