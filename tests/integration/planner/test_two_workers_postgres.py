"""Two workers on PostgreSQL, started at the same instant on the same ticks, plan exactly what
one worker plans on an identical copy of the brand: the advisory locks make them take turns at
each step, and whatever order they come in, the result is the same."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from tests.integration.planner.test_crash_restart import (
    DEMO_NOW,
    Worker,
    assert_same_rows,
    demo_brand_copies,
    planner_rows,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TICKS = (
    DEMO_NOW,  # thousands of entries and tasks
    DEMO_NOW + timedelta(hours=1),
    DEMO_NOW + timedelta(hours=15, minutes=5),  # a new day of recurring work
)


def plan_together(url: str, workers: int) -> Counter[str]:
    """Each tick: `workers` processes of `siyu plan --now … --format json`, all told to go at
    once; how often a step waited for another worker, over the ticks."""
    waited: Counter[str] = Counter()
    for moment in TICKS:
        ready = [Worker().ready() for _ in range(workers)]
        for worker in ready:
            worker.go(url, "plan", "--now", moment.isoformat(), "--format", "json")
        for worker in ready:
            report = json.loads(worker.finish()[0])
            assert not report["stopped"], report
            waited.update(report["waited_for_other_workers"])
    return waited


def test_two_workers_at_once_plan_what_one_worker_plans(tmp_path: Path) -> None:
    with demo_brand_copies("postgresql", tmp_path) as (together, alone):
        assert plan_together(alone, 1) == Counter()
        assert plan_together(together, 2), "the two workers never met on a step: the test would prove nothing"
        expected = planner_rows(alone)
        assert len(expected["tasks"]) > 5000  # planning is real work
        assert_same_rows(planner_rows(together), expected)
