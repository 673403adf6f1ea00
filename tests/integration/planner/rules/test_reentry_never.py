"""`reentry: never`: a target enters an SOP once, ever — by audience or by event."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, run
from tests.support.brand import Brand

BY_AUDIENCE = """
    id: vip-hello
    name: VIP hello
    kind: customer
    audience: {tag: VIP}
    reentry: never
    steps:
      - id: hello
        at: {delay: 30m}
        channel: private
        executor: owner
        content: [{text: "hi"}]
"""

BY_EVENT = """
    id: friend-hello
    name: friend hello
    kind: customer
    entry: {event: friend_added}
    reentry: never
    steps:
      - id: hello
        at: {delay: 30m}
        channel: private
        executor: owner
        content: [{text: "hi"}]
"""


def test_a_target_matching_again_after_it_stopped_does_not_enter_again(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("VIP",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_AUDIENCE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    brand.add_customer("c1", "s1", tags=())  # stops matching
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00")
    brand.add_customer("c1", "s1", tags=("VIP",))  # matches again
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 11:00", f"{MONDAY} 12:00", "2026-03-03 09:00", "2026-03-20 09:00")

    assert [(target, number, entered) for target, number, entered, *_ in entries(engine, "vip-hello")] == [
        ("c1", 1, f"{MONDAY} 09:00")
    ]
    assert brief(engine, "vip-hello") == [("hello", "c1", 1, f"{MONDAY} 09:30", "expired")]


def test_a_second_event_does_not_enter_again(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_EVENT, f"{MONDAY} 08:00")
    brand.add_event("friend_added", f"{MONDAY} 09:00", customer="c1", event_id="e1")
    brand.add_event("friend_added", f"{MONDAY} 15:00", customer="c1", event_id="e2")
    brand.add_event("friend_added", "2026-03-10 09:00", customer="c1", event_id="e3")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00", f"{MONDAY} 16:00", "2026-03-10 10:00")

    assert [(target, number, entered) for target, number, entered, *_ in entries(engine, "friend-hello")] == [
        ("c1", 1, f"{MONDAY} 09:00")
    ]
    assert brief(engine, "friend-hello") == [("hello", "c1", 1, f"{MONDAY} 09:30", "expired")]
