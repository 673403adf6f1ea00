"""`reentry: {after: D}`: again once D has passed since the last entry, while the audience
holds — never before D, and not for a target that no longer matches."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, run
from tests.support.brand import Brand

BY_AUDIENCE = """
    id: lapsed-push
    name: lapsed push
    kind: customer
    audience: {tag: 沉默}
    reentry: {after: 2d}
    steps:
      - id: push
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "好久不见"}]
"""

BY_EVENT = """
    id: paid-after
    name: paid after
    kind: customer
    entry: {event: order_paid}
    reentry: {after: 2d}
    steps:
      - id: thanks
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "thanks"}]
"""


def test_enters_again_after_the_window_while_still_matching(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("沉默",))  # stays lapsed
    brand.add_customer("c2", "s1", tags=("沉默",))  # stops matching on Tuesday
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_AUDIENCE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", "2026-03-03 09:00")
    brand.add_customer("c2", "s1", tags=())
    brand.write(engine, tmp_path)
    # not before the window: Wednesday 08:00 is 47 h after the entry
    run(engine, "2026-03-03 10:00", "2026-03-04 08:00")
    assert [row[:3] for row in entries(engine, "lapsed-push")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c2", 1, f"{MONDAY} 09:00"),
    ]

    run(engine, "2026-03-04 10:00", "2026-03-05 10:00", "2026-03-06 11:00")
    assert [row[:3] for row in entries(engine, "lapsed-push")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c1", 2, "2026-03-04 10:00"),
        ("c1", 3, "2026-03-06 11:00"),
        ("c2", 1, f"{MONDAY} 09:00"),
    ]
    pushes = sorted((r[1], r[2], r[3]) for r in brief(engine, "lapsed-push"))
    assert pushes == [
        ("c1", 1, f"{MONDAY} 10:00"),
        ("c1", 2, "2026-03-04 11:00"),
        ("c1", 3, "2026-03-06 12:00"),
        ("c2", 1, f"{MONDAY} 10:00"),
    ]


def test_event_entry_ignores_events_inside_the_window(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1")
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, BY_EVENT, f"{MONDAY} 08:00")
    for number, moment in enumerate((f"{MONDAY} 09:00", "2026-03-03 09:00", "2026-03-04 10:00"), start=1):
        brand.add_event("order_paid", moment, customer="c1", event_id=f"o{number}")
    brand.write(engine, tmp_path)
    run(engine, "2026-03-04 12:00")

    assert [row[:3] for row in entries(engine, "paid-after")] == [
        ("c1", 1, f"{MONDAY} 09:00"),
        ("c1", 2, "2026-03-04 10:00"),
    ]
