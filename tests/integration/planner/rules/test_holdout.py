"""`holdout: N%`: a deterministic control group from (sop id, target external id) — recorded
as entries with `holdout`, given no tasks, and about N% of the targets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.assign import in_holdout
from tests.integration.planner.rules.support import MONDAY, apply_text, entries, run, tasks_of
from tests.support.brand import Brand

CUSTOMERS = [f"h{number:03}" for number in range(400)]
BY_AUDIENCE = """
    id: holdout-audience
    name: holdout by audience
    kind: customer
    audience: {tag: 会员}
    holdout: 20%
    steps:
      - id: hello
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "hi"}]
"""
BY_EVENT = """
    id: holdout-event
    name: holdout by event
    kind: customer
    entry: {event: friend_added}
    holdout: 30%
    steps:
      - id: hello
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "hi"}]
"""


def test_audience_entries_are_held_out_as_in_holdout_says(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    for customer in CUSTOMERS:
        brand.add_customer(customer, "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_AUDIENCE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    expected = {c for c in CUSTOMERS if in_holdout("holdout-audience", c, 20)}
    recorded = entries(engine, "holdout-audience")
    assert len(recorded) == len(CUSTOMERS)  # held-out targets are entries too (for uplift)
    assert {target for target, _n, _e, _x, held, _r in recorded if held} == expected
    assert {t["target"] for t in tasks_of(engine, "holdout-audience")} == set(CUSTOMERS) - expected
    assert 0.15 <= len(expected) / len(CUSTOMERS) <= 0.25


def test_event_entries_are_held_out_as_in_holdout_says(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    customers = CUSTOMERS[:40]
    for customer in customers:
        brand.add_customer(customer, "s1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_EVENT, f"{MONDAY} 08:00")
    for customer in customers:
        brand.add_event("friend_added", f"{MONDAY} 09:00", customer=customer, event_id=f"f-{customer}")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:30")

    expected = {c for c in customers if in_holdout("holdout-event", c, 30)}
    assert expected and expected != set(customers)
    assert {target for target, _n, _e, _x, held, _r in entries(engine, "holdout-event") if held} == expected
    assert {t["target"] for t in tasks_of(engine, "holdout-event")} == set(customers) - expected
