"""`ramp: {per_day: N}`: a large first audience enters N a local day, lowest target id first,
and only those who entered get tasks; the rest enter on the following days."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, entries, run
from tests.support.brand import Brand

RAMPED = """
    id: ramped
    name: 分批欢迎
    kind: customer
    audience: {tag: 会员}
    ramp: {per_day: 4}
    steps:
      - id: hello
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: 你好}]
"""


def ten_members(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    for number in range(1, 11):
        brand.add_customer(f"c{number:02d}", "s1", tags=("会员",))
    brand.write(engine, tmp_path)


def entered(engine: Engine) -> list[str]:
    return [target for target, *_ in entries(engine, "ramped")]


def test_a_ramp_lets_in_per_day_a_day_in_a_stable_order(engine: Engine, tmp_path: Path) -> None:
    ten_members(engine, tmp_path)
    apply_text(engine, tmp_path, RAMPED, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 15:00", f"{MONDAY} 23:30")
    assert entered(engine) == ["c01", "c02", "c03", "c04"]
    assert [target for _step, target, *_ in brief(engine, "ramped")] == ["c01", "c02", "c03", "c04"]

    run(engine, "2026-03-03 09:00", "2026-03-03 18:00")
    assert entered(engine) == ["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08"]
    run(engine, "2026-03-04 09:00")
    assert entered(engine) == [f"c{number:02d}" for number in range(1, 11)]
    assert len(brief(engine, "ramped")) == 10


def test_without_a_ramp_everyone_enters_at_once(engine: Engine, tmp_path: Path) -> None:
    ten_members(engine, tmp_path)
    apply_text(engine, tmp_path, RAMPED.replace("    ramp: {per_day: 4}\n", ""), f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    assert len(entered(engine)) == 10
