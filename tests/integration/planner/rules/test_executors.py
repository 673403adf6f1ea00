"""Who carries a step out: `owner`, `group_owner`, `role:` in a group step (that group's
holder), `role:` elsewhere (one holder, or several spread by pick_holder), `staff:<id>`;
nobody → the task is skipped with the reason when it fires."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.assign import pick_holder
from tests.integration.planner.rules.support import MONDAY, apply_text, run, tasks_of
from tests.support.brand import Brand

NOBODY = "没有执行人"
CUSTOMER = """
    id: exec-customer
    name: executors of customer steps
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: by-owner, at: {day: 1, time: "10:00"}, channel: internal, executor: owner, content: [{text: "a"}]}
      - {id: by-staff, at: {day: 1, time: "10:00"}, channel: internal, executor: "staff:s9", content: [{text: "b"}]}
      - {id: by-manager, at: {day: 1, time: "10:00"}, channel: internal, executor: "role:店长", content: [{text: "c"}]}
      - {id: by-guide, at: {day: 1, time: "10:00"}, channel: internal, executor: "role:导购", content: [{text: "d"}]}
      - {id: by-nobody, at: {day: 1, time: "10:00"}, channel: internal, executor: "role:客服", content: [{text: "e"}]}
"""
GROUP = """
    id: exec-group
    name: executors of group steps
    kind: group
    audience: {tag: 会员群}
    steps:
      - {id: by-owner, at: {day: 1, time: "10:00"}, channel: group, executor: group_owner, content: [{text: "a"}]}
      - {id: by-admin, at: {day: 1, time: "10:00"}, channel: group, executor: "role:群管", content: [{text: "b"}]}
"""
GUIDES = ["s1", "s2", "s4"]


def executors(engine: Engine, sop: str, step: str) -> dict[str, str | None]:
    return {str(t["target"]): t["executor"] for t in tasks_of(engine, sop) if t["step"] == step}


def test_customer_step_executors(engine: Engine, tmp_path: Path) -> None:
    customers = [f"c{n:02}" for n in range(30)]
    brand = Brand()
    brand.add_staff("s1", "导购")
    brand.add_staff("s2", "导购")
    brand.add_staff("s3", "店长")
    brand.add_staff("s4", "导购")
    brand.add_staff("s9")
    for number, name in enumerate(customers):
        brand.add_customer(name, ("s1", "s2", "s3")[number % 3], tags=("会员",))
    brand.add_customer("orphan", tags=("会员",))  # no owner
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, CUSTOMER, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    everyone = [*customers, "orphan"]
    owners = {name: ("s1", "s2", "s3")[n % 3] for n, name in enumerate(customers)}
    assert executors(engine, "exec-customer", "by-owner") == {**owners, "orphan": None}
    assert executors(engine, "exec-customer", "by-staff") == dict.fromkeys(everyone, "s9")
    assert executors(engine, "exec-customer", "by-manager") == dict.fromkeys(everyone, "s3")
    guides = executors(engine, "exec-customer", "by-guide")
    assert guides == {name: pick_holder(f"exec-customer/by-guide/{name}", GUIDES) for name in everyone}
    assert set(Counter(guides.values())) == set(GUIDES)  # spread over every holder
    assert executors(engine, "exec-customer", "by-nobody") == dict.fromkeys(everyone, None)
    assert {t["status"] for t in tasks_of(engine, "exec-customer")} == {"pending"}

    run(engine, "2026-03-03 10:01")
    skipped = {(t["step"], t["target"]) for t in tasks_of(engine, "exec-customer", status="skipped")}
    assert skipped == {("by-owner", "orphan")} | {("by-nobody", name) for name in everyone}
    assert {t["reason"] for t in tasks_of(engine, "exec-customer", status="skipped")} == {NOBODY}
    assert len(tasks_of(engine, "exec-customer", status="due")) == 3 * len(everyone) + len(customers)


def test_group_step_executors(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    for name in ("s1", "s2", "s3", "s4"):
        brand.add_staff(name)
    brand.add_staff("s5", "群管")  # holds the role as a staff role, in no group
    brand.add_group("g1", "s1", tags=("会员群",), roles=(("s2", "群管"),))
    brand.add_group("g2", "s3", tags=("会员群",), roles=(("s4", "群管"),))
    brand.add_group("g3", "s1", tags=("会员群",))  # nobody holds the role in this group
    brand.add_group("g4", "s3", tags=("会员群",), roles=(("s2", "群管"), ("s4", "群管")))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, GROUP, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    assert executors(engine, "exec-group", "by-owner") == {"g1": "s1", "g2": "s3", "g3": "s1", "g4": "s3"}
    assert executors(engine, "exec-group", "by-admin") == {
        "g1": "s2",
        "g2": "s4",
        "g3": None,
        "g4": pick_holder("exec-group/by-admin/g4", ["s2", "s4"]),
    }

    run(engine, "2026-03-03 10:01")
    skipped = tasks_of(engine, "exec-group", status="skipped")
    assert [(t["step"], t["target"], t["reason"]) for t in skipped] == [("by-admin", "g3", NOBODY)]
