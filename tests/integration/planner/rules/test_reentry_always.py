"""`reentry: always`: again each time the audience starts to hold after it had stopped (a
target matching all along enters once); for event entry, at every such event."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, run
from tests.support.brand import Brand

BY_AUDIENCE = """
    id: vip-always
    name: VIP always
    kind: customer
    audience: {tag: VIP}
    reentry: always
    steps:
      - id: tomorrow
        at: {day: 1, time: "10:00"}
        channel: private
        executor: owner
        content: [{text: "hi"}]
"""

BY_EVENT = """
    id: paid-always
    name: paid always
    kind: customer
    entry: {event: order_paid}
    reentry: always
    steps:
      - id: thanks
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "thanks"}]
"""


def test_enters_again_only_after_the_audience_stopped_holding(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("VIP",))  # leaves and comes back
    brand.add_customer("c2", "s1", tags=("VIP",))  # matches all along
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_AUDIENCE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    brand.add_customer("c1", "s1", tags=())
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00")
    brand.add_customer("c1", "s1", tags=("VIP",))
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 11:00", f"{MONDAY} 12:00", f"{MONDAY} 13:00")

    assert [row[:3] + row[5:] for row in entries(engine, "vip-always")] == [
        ("c1", 1, f"{MONDAY} 09:00", "reentered"),
        ("c1", 2, f"{MONDAY} 11:00", None),
        ("c2", 1, f"{MONDAY} 09:00", None),
    ]
    # the first entry's pending task is cancelled by the new entry, which gets its own
    assert brief(engine, "vip-always") == [
        ("tomorrow", "c1", 1, "2026-03-03 10:00", "cancelled"),
        ("tomorrow", "c1", 2, "2026-03-03 10:00", "pending"),
        ("tomorrow", "c2", 1, "2026-03-03 10:00", "pending"),
    ]


def test_a_target_matching_all_along_enters_once(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("VIP",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_AUDIENCE, f"{MONDAY} 08:00")
    run(engine, *(f"2026-03-0{day} {hour:02}:00" for day in (2, 3, 4) for hour in (9, 12, 15)))

    assert [row[:3] for row in entries(engine, "vip-always")] == [("c1", 1, f"{MONDAY} 09:00")]
    assert [row[:3] for row in brief(engine, "vip-always")] == [("tomorrow", "c1", 1)]


def test_event_entry_enters_at_every_event(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_EVENT, f"{MONDAY} 08:00")
    for number, moment in enumerate((f"{MONDAY} 09:00", f"{MONDAY} 09:20", "2026-03-03 14:00"), start=1):
        brand.add_event("order_paid", moment, customer="c1", event_id=f"o{number}")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:10", f"{MONDAY} 09:30", f"{MONDAY} 10:30", "2026-03-03 14:10")

    assert [row[:3] + row[5:] for row in entries(engine, "paid-always")] == [
        ("c1", 1, f"{MONDAY} 09:00", "reentered"),
        ("c1", 2, f"{MONDAY} 09:20", "reentered"),
        ("c1", 3, "2026-03-03 14:00", None),
    ]
    assert brief(engine, "paid-always") == [
        ("thanks", "c1", 1, f"{MONDAY} 10:00", "cancelled"),  # entry 2 came before it was due
        ("thanks", "c1", 2, f"{MONDAY} 10:20", "expired"),  # due, never done
        ("thanks", "c1", 3, "2026-03-03 15:00", "pending"),
    ]
