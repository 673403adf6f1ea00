"""Scenario 03 (sale-buyers-invite): customers who paid an order in the 618 window
[2026-06-01 00:00, 2026-06-19 00:00) (+08:00) and are in no group get one invitation at 20:00 on
the day they enter; never again. The window's start is included, its end excluded.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, summary, task_rows

SOP = "sale-buyers-invite"
FILE = SCENARIOS / "03-sale-buyers-invite.yaml"


def buyers(engine: Engine, tmp_path: Path) -> Brand:
    """One buyer per edge of the window, each with their own staff owner."""
    brand = Brand()
    orders = {
        "before": "2026-05-31 23:59:59",  # one second before the window
        "first": "2026-06-01 00:00",  # the window's first instant
        "last": "2026-06-18 23:59:59",  # its last second
        "after": "2026-06-19 00:00",  # the window's end: excluded
        "grouped": "2026-06-10 12:00",  # in the window, but in a group
    }
    for number, (customer, moment) in enumerate(orders.items(), start=1):
        brand.add_staff(f"s{number}")
        brand.add_customer(customer, f"s{number}")
        brand.add_event("order_paid", moment, customer=customer, order_id=f"o{number}", amount=99, shop="旗舰店")
    brand.add_group("g1", "s5", members=("grouped",))
    brand.write(engine, tmp_path / "start")
    return brand


def test_window_edges_and_the_invitation_at_20(engine: Engine, tmp_path: Path) -> None:
    buyers(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-06-20 09:00"))
    run(engine, "2026-06-20 09:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "first", "s2", "2026-06-20 20:00", "pending", ""),
        ("invite", "last", "s3", "2026-06-20 20:00", "pending", ""),
    ]

    run(engine, "2026-06-20 19:59", "2026-06-20 20:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "first", "s2", "2026-06-20 20:00", "due", ""),
        ("invite", "last", "s3", "2026-06-20 20:00", "due", ""),
    ]
    assert task_rows(engine, sop=SOP)[0]["content"] == {
        "items": [
            {"text": "感谢你在 618 的支持！会员群每周都有专属福利，扫码进群领取～"},
            {"image": "assets/group-qr.png"},
        ]
    }

    # reentry: never — still matching a month later, nobody is invited twice
    run(engine, "2026-06-21 20:00", "2026-06-21 20:01", "2026-07-20 09:00", "2026-07-20 20:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "first", "s2", "2026-06-20 20:00", "expired", ""),
        ("invite", "last", "s3", "2026-06-20 20:00", "expired", ""),
    ]


def test_buyers_enter_while_the_window_is_open(engine: Engine, tmp_path: Path) -> None:
    """Switched on before the sale: each buyer enters at the first hourly check after paying; a
    day-0 20:00 already past (an order at 20:40, seen at 21:00) fires at once, and quiet hours (22:00–08:00)
    move one entering at 23:00 to 08:00 the next morning."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_staff("s3")
    brand.add_customer("early", "s1")
    brand.add_customer("evening", "s2")
    brand.add_customer("night", "s3")
    brand.add_event("order_paid", "2026-06-01 10:15", customer="early", order_id="o1", amount=10)
    brand.add_event("order_paid", "2026-06-05 20:40", customer="evening", order_id="o2", amount=10)
    brand.add_event("order_paid", "2026-06-18 22:40", customer="night", order_id="o3", amount=10)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-05-31 12:00"))

    run(engine, "2026-05-31 12:00", "2026-06-01 10:00", "2026-06-01 11:00")
    assert summary(engine, sop=SOP) == [("invite", "early", "s1", "2026-06-01 20:00", "pending", "")]

    run(engine, "2026-06-01 20:00", "2026-06-05 20:30", "2026-06-05 21:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "early", "s1", "2026-06-01 20:00", "expired", ""),
        ("invite", "evening", "s2", "2026-06-05 21:00", "due", ""),
    ]

    run(engine, "2026-06-18 22:30", "2026-06-18 23:00", "2026-06-19 07:59")
    assert summary(engine, sop=SOP)[2:] == [("invite", "night", "s3", "2026-06-19 08:00", "pending", "")]
    run(engine, "2026-06-19 08:00")
    assert summary(engine, sop=SOP)[2:] == [("invite", "night", "s3", "2026-06-19 08:00", "due", "")]
    rows = {row["target"]: row for row in task_rows(engine, sop=SOP)}
    assert rows["evening"]["scheduled_at"] == "2026-06-05T21:00:00+08:00"
    assert rows["night"]["scheduled_at"] == "2026-06-18T23:00:00+08:00"


def test_no_exit_joining_a_group_after_entering_keeps_the_invitation(engine: Engine, tmp_path: Path) -> None:
    """The SOP has no `exit` and no `when`: an entry stays open when the audience stops holding."""
    brand = buyers(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-06-20 09:00"))
    run(engine, "2026-06-20 09:00")
    brand.members.append({"group": "g1", "customer": "first"})
    brand.write(engine, tmp_path / "joined")
    run(engine, "2026-06-20 10:00", "2026-06-20 20:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "first", "s2", "2026-06-20 20:00", "due", ""),
        ("invite", "last", "s3", "2026-06-20 20:00", "due", ""),
    ]
