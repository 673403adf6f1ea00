"""Every audience of the scenario pack has people in it on a 5,000-customer demo at a realistic
now, for more than one seed (the engine's own counts are checked in tests/integration/demo)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from siyu.demo.generate import write_demo
from siyu.demo.world import DemoSpec
from tests.unit.demo.audiences import CUSTOMER_AUDIENCES, fission_participants, referrals
from tests.unit.demo.conftest import NOW
from tests.unit.demo.dataset import Demo, read_demo


@pytest.mark.parametrize("name", list(CUSTOMER_AUDIENCES))
def test_audience_is_not_empty(demo: Demo, name: str) -> None:
    assert CUSTOMER_AUDIENCES[name](demo, NOW), name


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_audiences_are_not_empty_for_other_seeds(tmp_path: Path, seed: int) -> None:
    write_demo(DemoSpec(5_000, seed, NOW), tmp_path, workers=1)
    other = read_demo(tmp_path)
    empty = [name for name, audience in CUSTOMER_AUDIENCES.items() if not audience(other, NOW)]
    assert not empty


def test_audiences_are_not_empty_at_another_now(tmp_path: Path) -> None:
    now = datetime.fromisoformat("2027-03-05T21:30:00+08:00")
    write_demo(DemoSpec(5_000, 7, now), tmp_path, workers=1)
    other = read_demo(tmp_path)
    empty = [name for name, audience in CUSTOMER_AUDIENCES.items() if not audience(other, now)]
    assert not empty


def test_some_fission_participants_reach_six_referrals_but_not_all(demo: Demo) -> None:
    counts = referrals(demo)
    participants = fission_participants(demo, NOW)
    reached = [c for c in participants if counts.get(c, 0) >= 6]
    assert 0 < len(reached) < len(participants)


def test_prospects_are_mostly_customers_who_never_bought(demo: Demo) -> None:
    tagged = [c for c in demo.customers if "潜客" in demo.customer_tags(c)]
    never = [c for c in tagged if not demo.of_type(c, "order_paid")]
    assert 0.9 < len(never) / len(tagged) < 1
