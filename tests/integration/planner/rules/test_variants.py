"""A/B variants: each task's variant is pick_variant(sop, step, target), and its content is
that variant's (a variant without content uses the step's)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.assign import pick_variant
from siyu.core.model import Variant
from tests.integration.planner.rules.support import MONDAY, apply_text, run, tasks_of, texts
from tests.support.brand import Brand

AB = """
    id: ab-greeting
    name: A/B greeting
    kind: customer
    audience: {tag: 新客}
    steps:
      - id: greet
        at: {delay: 1h}
        channel: private
        executor: owner
        content: [{text: "A：你好 {{customer.name}}"}]
        variants:
          - {id: a, weight: 30}
          - {id: b, weight: 70, content: [{text: "B：嗨 {{customer.name}}，送你一张券"}]}
"""
VARIANTS = (Variant("a", 30), Variant("b", 70))


def test_each_target_gets_its_drawn_variant_and_that_variants_content(engine: Engine, tmp_path: Path) -> None:
    customers = [f"v{number:02}" for number in range(40)]
    brand = Brand()
    brand.add_staff("s1")
    for customer in customers:
        brand.add_customer(customer, "s1", name=f"客{customer}", tags=("新客",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, AB, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 10:00")

    tasks = {t["target"]: t for t in tasks_of(engine, "ab-greeting")}
    assert set(tasks) == set(customers)
    drawn = {c: pick_variant("ab-greeting", "greet", c, VARIANTS) for c in customers}
    assert {c: t["variant"] for c, t in tasks.items()} == drawn
    assert set(drawn.values()) == {"a", "b"}
    for customer, task in tasks.items():
        assert task["status"] == "due"
        if drawn[customer] == "a":
            assert texts(task) == [f"A：你好 客{customer}"]
        else:
            assert texts(task) == [f"B：嗨 客{customer}，送你一张券"]
