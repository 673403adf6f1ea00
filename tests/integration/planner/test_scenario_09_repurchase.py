"""Scenario 09, 润肤霜回购提醒 (repurchase-reminder): each customer is reminded at 20:30 on the
day their own 润肤霜 cycle comes due — the median gap between their own purchases, or the
brand-wide median of every customer's gaps when they have fewer than 2 gaps. The next purchase
of 润肤霜 (and only of 润肤霜) ends the entry and cancels a pending reminder; `reentry: always`
brings the customer back when the next cycle is due again."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, summary, task_rows

SOP = "repurchase-reminder"
FILE = SCENARIOS / "09-repurchase.yaml"
CREAM = "润肤霜"


def buys(brand: Brand, customer: str, *days: str, product: str = CREAM, clock: str = "10:00") -> None:
    """An order of `product` at `clock` local on each day ('2026-09-30'). Event ids are explicit:
    the builder numbers events per write, and an id seen before is a duplicate to the importer."""
    for day in days:
        event_id = f"{customer}/{product}/{day} {clock}"
        brand.add_event("order_paid", f"{day} {clock}", customer=customer, event_id=event_id, product=product)


def daily(first: str, last: str, clock: str = "09:00") -> list[str]:
    """One local moment per day from `first` to `last` (dates 'YYYY-MM-DD'), both included."""
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [f"{start + timedelta(days=n)} {clock}" for n in range((end - start).days + 1)]


def thirty_day_buyer(brand: Brand) -> None:
    """c30 buys 润肤霜 every 30 days (gaps 30, 30, 30): due again on 10-30."""
    brand.add_staff("s1")
    brand.add_customer("c30", "s1")
    buys(brand, "c30", "2026-07-02", "2026-08-01", "2026-08-31", "2026-09-30")


def test_each_customer_is_reminded_on_the_day_of_their_own_cycle(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    thirty_day_buyer(brand)  # own median 30 → due 10-30
    brand.add_staff("s2")
    brand.add_customer("c60", "s2")
    buys(brand, "c60", "2026-05-04", "2026-07-03", "2026-09-01")  # own median 60 → due 10-31
    brand.add_customer("c1gap", "s1")
    buys(brand, "c1gap", "2026-08-22", "2026-10-11")  # one gap (50): brand median → due 11-20
    brand.add_customer("c0gap", "s2")
    buys(brand, "c0gap", "2026-10-01")  # no gap: brand median → due 11-10
    brand.add_customer("face", "s1")  # buys only 洗面奶: no cycle, and its gaps are not 润肤霜 gaps
    buys(brand, "face", "2026-06-01", "2026-07-01", "2026-08-01", product="洗面奶")
    brand.write(engine, tmp_path)
    # 润肤霜 gaps of the brand: 30 30 30 50 60 60 → median 40

    apply_sops(engine, FILE, now=at("2026-10-29 09:00"))
    run(engine, *daily("2026-10-29", "2026-11-09"))
    assert summary(engine, sop=SOP) == [
        ("remind", "c30", "s1", "2026-10-30 20:30", "expired", ""),
        ("remind", "c60", "s2", "2026-10-31 20:30", "expired", ""),
    ]
    run(engine, *daily("2026-11-10", "2026-11-21"))
    assert summary(engine, sop=SOP) == [
        ("remind", "c0gap", "s2", "2026-11-10 20:30", "expired", ""),
        ("remind", "c1gap", "s1", "2026-11-20 20:30", "due", ""),
        ("remind", "c30", "s1", "2026-10-30 20:30", "expired", ""),
        ("remind", "c60", "s2", "2026-10-31 20:30", "expired", ""),
    ]
    due = task_rows(engine, sop=SOP)[-1]
    assert (due["target"], due["target_type"], due["channel"], due["mode"]) == (
        "c1gap",
        "customer",
        "private",
        "remind",
    )
    assert due["content"]["items"][1] == {"link": {"title": "领券购买", "url": "https://example.com/buy"}}


def test_gaps_and_days_since_are_counted_in_local_dates(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("night", "s1")
    buys(brand, "night", "2026-08-01", "2026-08-31")
    buys(brand, "night", "2026-09-30", clock="00:30")  # 09-29 in UTC
    brand.write(engine, tmp_path)
    # local dates: gaps 30, 30 → due on 10-30; in UTC days it would be gaps 30, 29 and due 10-29
    apply_sops(engine, FILE, now=at("2026-10-28 09:00"))
    run(engine, *daily("2026-10-28", "2026-10-31"))
    assert summary(engine, sop=SOP) == [("remind", "night", "s1", "2026-10-30 20:30", "due", "")]


def test_buying_cream_again_exits_and_cancels_the_pending_reminder(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    thirty_day_buyer(brand)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-30 09:00"))
    run(engine, "2026-10-30 09:00")
    assert summary(engine, sop=SOP) == [("remind", "c30", "s1", "2026-10-30 20:30", "pending", "")]

    buys(brand, "c30", "2026-10-30", product="洗面奶")  # 10:00, another product: not the exit
    brand.write(engine, tmp_path)
    run(engine, "2026-10-30 11:00")
    assert summary(engine, sop=SOP) == [("remind", "c30", "s1", "2026-10-30 20:30", "pending", "")]

    buys(brand, "c30", "2026-10-30", clock="12:00")
    brand.write(engine, tmp_path)
    run(engine, "2026-10-30 13:00", "2026-10-30 21:00")
    assert summary(engine, sop=SOP) == [("remind", "c30", "s1", "2026-10-30 20:30", "cancelled", "")]
    [task] = task_rows(engine, sop=SOP)
    assert task["reason"].startswith("满足退出条件：")


def test_the_customer_enters_again_when_the_next_cycle_is_due(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    thirty_day_buyer(brand)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-30 09:00"))
    run(engine, "2026-10-30 09:00")
    buys(brand, "c30", "2026-10-30", clock="12:00")
    brand.write(engine, tmp_path)
    # gaps 30 30 30 30: due again 30 local days after 10-30, on 11-29 — not on 11-28
    run(engine, "2026-10-30 13:00", "2026-11-15 09:00", "2026-11-28 09:00", "2026-11-28 21:00")
    assert summary(engine, sop=SOP) == [("remind", "c30", "s1", "2026-10-30 20:30", "cancelled", "")]

    run(engine, "2026-11-29 09:00", "2026-11-29 21:00", "2026-11-30 09:00")
    assert summary(engine, sop=SOP) == [
        ("remind", "c30", "s1", "2026-10-30 20:30", "cancelled", ""),
        ("remind", "c30", "s1", "2026-11-29 20:30", "due", ""),
    ]
    assert [row["entry"] for row in task_rows(engine, sop=SOP)] == [1, 2]


def test_a_purchase_since_the_last_audience_check_cancels_the_reminder_as_it_fires(
    engine: Engine, tmp_path: Path
) -> None:
    brand = Brand()
    thirty_day_buyer(brand)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-30 09:00"))
    run(engine, "2026-10-30 09:00", "2026-10-30 20:05")  # the audience is checked at 20:05
    buys(brand, "c30", "2026-10-30", clock="20:20")
    brand.write(engine, tmp_path)
    run(engine, "2026-10-30 20:35")  # same clock hour: no audience check, the exit is checked on firing
    assert summary(engine, sop=SOP) == [("remind", "c30", "s1", "2026-10-30 20:30", "cancelled", "")]
    [task] = task_rows(engine, sop=SOP)
    assert task["reason"].startswith("满足退出条件：")
