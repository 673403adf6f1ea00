"""Scenario 11, two SOPs in one file: silent-wakeup (bought within 365 days but not within 180)
gets a private reminder for the owner at 20:00 with the premium copy, again every 90 days while
it holds; lost-wakeup (bought once, but not within 365 days) gets the welfare coupon by SMS,
sent automatically at 20:00 (moved out of quiet hours), again every 180 days while it holds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, send_automatically, summary, task_rows

FILE = SCENARIOS / "11-dormant-wakeup.yaml"
SILENT, LOST = "silent-wakeup", "lost-wakeup"


def customer_who_bought(brand: Brand, customer: str, *moments: str) -> None:
    """A customer of s1 with an order at each local moment ('YYYY-MM-DD HH:MM')."""
    brand.add_customer(customer, "s1")
    for moment in moments:
        brand.add_event("order_paid", moment, customer=customer, event_id=f"{customer}/{moment}", amount=299)


def dormant_brand(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    customer_who_bought(brand, "d200", "2026-05-04 10:00")  # 200 days before 11-20
    customer_who_bought(brand, "d400", "2025-10-16 10:00")  # 400 days before 11-20
    customer_who_bought(brand, "d233", "2025-06-01 10:00", "2026-04-01 10:00")  # the latest order counts
    customer_who_bought(brand, "d100", "2026-08-12 10:00")  # active on 11-20; 180 days on 2027-02-08
    customer_who_bought(brand, "never")  # never bought: neither
    brand.write(engine, tmp_path)


def test_silent_and_lost_customers_get_different_copy_by_different_channels(engine: Engine, tmp_path: Path) -> None:
    send_automatically(engine)
    dormant_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 10:00"))
    run(engine, "2026-11-20 10:00")
    assert summary(engine, sop=SILENT) == [
        ("premium", "d200", "s1", "2026-11-20 20:00", "pending", ""),
        ("premium", "d233", "s1", "2026-11-20 20:00", "pending", ""),
    ]
    assert summary(engine, sop=LOST) == [("welfare", "d400", "s1", "2026-11-20 20:00", "pending", "")]

    run(engine, "2026-11-20 20:00")
    silent = task_rows(engine, sop=SILENT)[0]
    lost = task_rows(engine, sop=LOST)[0]
    assert (silent["status"], silent["channel"], silent["mode"]) == ("due", "private", "remind")
    assert (lost["status"], lost["channel"], lost["mode"]) == ("due", "sms", "auto")
    assert silent["content"]["items"] == [{"text": "好久不见！高端系列新品上市，老朋友专享体验价～"}]
    assert lost["content"]["items"] == [
        {"text": "【品牌】老朋友回归礼：50 元无门槛券已到账，30 天内有效，回复 TD 退订"}
    ]


def test_customers_enter_when_they_cross_180_and_365_days(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    customer_who_bought(brand, "cross180", "2026-05-24 15:00")  # 180 days at 11-20 15:00
    customer_who_bought(brand, "cross365", "2025-11-20 22:00")  # 365 days at 11-20 22:00 (2026)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 10:00"))
    run(engine, "2026-11-20 10:00", "2026-11-20 16:00", "2026-11-20 20:00", "2026-11-20 22:30")
    assert summary(engine, sop=SILENT) == [
        ("premium", "cross180", "s1", "2026-11-20 20:00", "due", ""),
        ("premium", "cross365", "s1", "2026-11-20 20:00", "due", ""),
    ]
    # entered at 22:30: 20:00 is past → at once → SMS is customer-facing → 08:00 next morning
    assert summary(engine, sop=LOST) == [("welfare", "cross365", "s1", "2026-11-21 08:00", "pending", "")]


def test_each_sop_enters_again_after_its_own_window_while_the_customer_matches(engine: Engine, tmp_path: Path) -> None:
    dormant_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 10:00"))
    # 89 days, then 90 days after the first entry; ticks in between were missed, so the
    # 11-20 20:00 tasks are over late_after when next looked at: expired, never sent late
    run(engine, "2026-11-20 10:00", "2027-02-17 10:00", "2027-02-18 10:00")
    assert summary(engine, sop=SILENT) == [
        ("premium", "d100", "s1", "2027-02-17 20:00", "due", ""),  # silent since 02-08, first tick 02-17
        ("premium", "d200", "s1", "2026-11-20 20:00", "expired", ""),
        ("premium", "d200", "s1", "2027-02-18 20:00", "pending", ""),
        ("premium", "d233", "s1", "2026-11-20 20:00", "expired", ""),
        ("premium", "d233", "s1", "2027-02-18 20:00", "pending", ""),
    ]
    assert summary(engine, sop=LOST) == [("welfare", "d400", "s1", "2026-11-20 20:00", "expired", "")]

    # by 05-18 d200 and d233 have passed 365 days (lost, no longer silent);
    # 2027-05-19 is 180 days after d400's first entry
    run(engine, "2027-05-18 10:00", "2027-05-19 10:00")
    assert summary(engine, sop=SILENT) == [
        ("premium", "d100", "s1", "2027-02-17 20:00", "expired", ""),
        ("premium", "d100", "s1", "2027-05-18 20:00", "due", ""),  # 90 days after its 02-17 entry
        ("premium", "d200", "s1", "2026-11-20 20:00", "expired", ""),
        ("premium", "d200", "s1", "2027-02-18 20:00", "expired", ""),
        ("premium", "d233", "s1", "2026-11-20 20:00", "expired", ""),
        ("premium", "d233", "s1", "2027-02-18 20:00", "expired", ""),
    ]
    assert summary(engine, sop=LOST) == [
        ("welfare", "d200", "s1", "2027-05-18 20:00", "due", ""),
        ("welfare", "d233", "s1", "2027-05-18 20:00", "due", ""),
        ("welfare", "d400", "s1", "2026-11-20 20:00", "expired", ""),
        ("welfare", "d400", "s1", "2027-05-19 20:00", "pending", ""),
    ]
