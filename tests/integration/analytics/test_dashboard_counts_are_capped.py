"""Dashboard counts stop at a cap and say so ("2+"), so the page costs the same on any day."""

from __future__ import annotations

from siyu.analytics import dashboard
from siyu.core.timeutil import US_PER_DAY, to_us
from tests.support.brand import SHANGHAI, at
from tests.support.web import Web


def test_todays_counts_stop_at_the_cap(web: Web) -> None:
    start, end = dashboard.local_day(to_us(web.now), SHANGHAI)
    with web.engine.connect() as conn:
        exact = dashboard.tasks_by_status(conn, start, end)
        capped = dashboard.tasks_by_status(conn, start, end, cap=2)
    assert exact["due"] == dashboard.Count(3, False)
    assert capped["due"] == dashboard.Count(2, True)
    assert str(capped["due"]) == "2+"
    assert str(dashboard.total(capped)) == "2+"
    assert str(dashboard.total(exact)) == "3"


def test_overdue_ranks_staff_and_caps_the_total(web: Web) -> None:
    later = at("2026-11-20 15:00")
    with web.engine.connect() as conn:
        rows, total = dashboard.overdue_by_staff(conn, later, late_after_us=US_PER_DAY)
        capped_rows, capped_total = dashboard.overdue_by_staff(conn, later, late_after_us=US_PER_DAY, cap=2)
        too_late, none = dashboard.overdue_by_staff(conn, later + 2 * US_PER_DAY, late_after_us=US_PER_DAY)
    assert [(r.staff, r.count) for r in rows] == [("st1", 2), ("st2", 1)]
    assert total == dashboard.Count(3, False)
    assert capped_total == dashboard.Count(2, True)
    assert all(r.capped for r in capped_rows)
    assert (too_late, none) == ([], dashboard.Count(0, False))
