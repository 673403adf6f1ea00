"""`entry: {event: …}`: only events after the SOP was enabled count, the entry time is the
event's time, `where` filters the events, the audience is checked, and an event dated in the
future is taken once its time has come."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, entries, local, run, tasks_of
from tests.support.brand import Brand

WELCOME = """
    id: event-welcome
    name: event welcome
    kind: customer
    entry: {event: friend_added}
    audience: {not: {tag: 员工}}
    steps:
      - {id: hello, at: {delay: 10m}, channel: private, executor: owner, content: [{text: "你好"}]}
"""
BUYERS = """
    id: event-buyers
    name: event buyers
    kind: customer
    entry: {event: order_paid, where: {sku: [A-1, B-2]}}
    steps:
      - {id: thanks, at: {delay: 1h}, channel: private, executor: owner, content: [{text: "谢谢"}]}
"""


def customers(engine: Engine, tmp_path: Path, *names: str, staff_tagged: tuple[str, ...] = ()) -> Brand:
    brand = Brand()
    brand.add_staff("s1")
    for name in names:
        brand.add_customer(name, "s1", tags=("员工",) if name in staff_tagged else ())
    brand.write(engine, tmp_path)
    return brand


def entered(engine: Engine, sop: str) -> list[tuple[str, str]]:
    return [(target, when) for target, _n, when, *_ in entries(engine, sop)]


def test_only_events_after_enabling_enter_at_the_events_time(engine: Engine, tmp_path: Path) -> None:
    brand = customers(engine, tmp_path, "c1", "c2", "c3")
    brand.add_event("friend_added", "2026-02-01 10:00", customer="c1", event_id="old")  # a month of history
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, WELCOME, f"{MONDAY} 08:00")
    # arrives after the SOP was enabled, but is dated before it
    brand.add_event("friend_added", f"{MONDAY} 07:59", customer="c2", event_id="just-before")
    brand.add_event("friend_added", f"{MONDAY} 08:30", customer="c3", event_id="after")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:00")

    assert entered(engine, "event-welcome") == [("c3", f"{MONDAY} 08:30")]
    assert [(t["target"], local(t["scheduled_at"])) for t in tasks_of(engine, "event-welcome")] == [
        ("c3", f"{MONDAY} 08:40")
    ]


def test_where_filters_the_entering_events(engine: Engine, tmp_path: Path) -> None:
    brand = customers(engine, tmp_path, "c1", "c2", "c3")
    apply_text(engine, tmp_path, BUYERS, f"{MONDAY} 08:00")
    brand.add_event("order_paid", f"{MONDAY} 09:00", customer="c1", event_id="o1", sku="A-1")
    brand.add_event("order_paid", f"{MONDAY} 09:00", customer="c2", event_id="o2", sku="C-3")
    brand.add_event("order_paid", f"{MONDAY} 09:10", customer="c3", event_id="o3", sku="B-2")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:30")

    assert entered(engine, "event-buyers") == [("c1", f"{MONDAY} 09:00"), ("c3", f"{MONDAY} 09:10")]


def test_the_audience_is_checked_for_event_entries(engine: Engine, tmp_path: Path) -> None:
    brand = customers(engine, tmp_path, "c1", "c2", "c3", "c4", staff_tagged=("c1",))
    apply_text(engine, tmp_path, WELCOME, f"{MONDAY} 08:00")
    for name in ("c1", "c2", "c3", "c4"):
        brand.add_event("friend_added", f"{MONDAY} 09:00", customer=name, event_id=f"f-{name}")
    brand.write(engine, tmp_path)
    brand.add_customer("c4", "s1", tags=("员工",))  # after its event, before the tick: judged at the tick
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 09:30")

    assert entered(engine, "event-welcome") == [("c2", f"{MONDAY} 09:00"), ("c3", f"{MONDAY} 09:00")]
    assert sorted(t["target"] for t in tasks_of(engine, "event-welcome")) == ["c2", "c3"]


def test_an_event_dated_in_the_future_is_taken_once_its_time_has_come(engine: Engine, tmp_path: Path) -> None:
    brand = customers(engine, tmp_path, "c1", "c2")
    apply_text(engine, tmp_path, WELCOME, f"{MONDAY} 08:00")
    brand.add_event("friend_added", f"{MONDAY} 12:00", customer="c1", event_id="future")
    brand.add_event("friend_added", f"{MONDAY} 09:00", customer="c2", event_id="past")  # arrives after it
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00")
    assert entered(engine, "event-welcome") == [("c2", f"{MONDAY} 09:00")]

    run(engine, f"{MONDAY} 11:59", f"{MONDAY} 12:30", f"{MONDAY} 13:30")
    assert entered(engine, "event-welcome") == [("c1", f"{MONDAY} 12:00"), ("c2", f"{MONDAY} 09:00")]
    assert sorted((t["target"], local(t["due_at"])) for t in tasks_of(engine, "event-welcome")) == [
        ("c1", f"{MONDAY} 12:10"),
        ("c2", f"{MONDAY} 09:10"),
    ]


def test_an_event_is_looked_at_once_even_while_a_future_event_waits(engine: Engine, tmp_path: Path) -> None:
    brand = customers(engine, tmp_path, "c1", "c2", staff_tagged=("c2",))
    apply_text(engine, tmp_path, WELCOME, f"{MONDAY} 08:00")
    brand.add_event("friend_added", f"{MONDAY} 18:00", customer="c1", event_id="future")
    brand.add_event("friend_added", f"{MONDAY} 09:00", customer="c2", event_id="staff-member")
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 10:00")  # c2 fails the audience when its event is looked at
    brand.add_customer("c2", "s1", tags=())
    brand.write(engine, tmp_path)
    run(engine, f"{MONDAY} 11:00", f"{MONDAY} 18:30")

    assert entered(engine, "event-welcome") == [("c1", f"{MONDAY} 18:00")]
