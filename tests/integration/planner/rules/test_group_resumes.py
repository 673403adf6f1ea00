"""Group and moments steps run while the target matches: a group that loses its tag leaves
(pending calendar work cancelled) and, given the tag back, comes back as a new entry even with
the default `reentry: never`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, run
from tests.support.brand import Brand

WEEKLY = """
    id: group-daily
    name: group daily
    kind: group
    audience: {tag: 会员群}
    steps:
      - id: morning
        at: {every: day, time: "09:00"}
        channel: group
        executor: group_owner
        content: [{text: "早安"}]
"""


def test_a_group_that_gets_its_tag_back_resumes(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_group("g1", "s1", tags=("会员群",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, WEEKLY, f"{MONDAY} 07:00")
    run(engine, f"{MONDAY} 08:00")
    brand.add_group("g1", "s1", tags=())
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00")
    brand.add_group("g1", "s1", tags=("会员群",))
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 11:00")

    assert [row[:3] + row[5:] for row in entries(engine, "group-daily")] == [
        ("g1", 1, f"{MONDAY} 08:00", "left_audience"),
        ("g1", 2, f"{MONDAY} 11:00", None),
    ]
    # the 10:00 tick learns the tag is gone before it fires the 09:00 post: cancelled too
    assert brief(engine, "group-daily") == [
        ("morning", "g1", 1, "2026-03-02 09:00", "cancelled"),
        ("morning", "g1", 1, "2026-03-03 09:00", "cancelled"),
        ("morning", "g1", 2, "2026-03-03 09:00", "pending"),
    ]
