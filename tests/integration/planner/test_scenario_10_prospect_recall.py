"""Scenario 10, 潜客召回 (prospect-recall): 潜客-tagged contacts added more than 60 days ago who
never bought get a recall reminder at 19:00 on the day they first match (at once when 19:00 has
passed, then moved out of quiet hours), and again every 30 days while they still match."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, summary, task_rows

SOP = "prospect-recall"
FILE = SCENARIOS / "10-prospect-recall.yaml"


def prospect(brand: Brand, customer: str, added: str, *, tags: tuple[str, ...] = ("潜客",)) -> None:
    """A contact of s1 added as a friend at `added` (local 'YYYY-MM-DD HH:MM')."""
    brand.add_customer(customer, "s1", tags=tags)
    brand.add_event("friend_added", added, customer=customer, event_id=f"{customer}/friend_added", channel="qr")


def test_prospects_added_over_60_days_ago_who_never_bought_are_recalled(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    prospect(brand, "old", "2026-07-01 10:00")  # 92 days on 10-01
    prospect(brand, "edge", "2026-08-02 10:00")  # 60 whole days on 10-01 10:00 (not > 60), 61 on 10-02
    prospect(brand, "readded", "2026-07-01 10:00")  # counted from the first friend_added
    brand.add_event("friend_added", "2026-09-20 10:00", customer="readded", event_id="readded/again", channel="qr")
    prospect(brand, "buyer", "2026-07-01 10:00")
    brand.add_event("order_paid", "2026-08-01 12:00", customer="buyer", event_id="buyer/order", amount=99)
    prospect(brand, "untagged", "2026-07-01 10:00", tags=())
    brand.add_customer("no-friend-event", "s1", tags=("潜客",))
    brand.write(engine, tmp_path)

    apply_sops(engine, FILE, now=at("2026-10-01 10:00"))
    run(engine, "2026-10-01 10:00")
    assert summary(engine, sop=SOP) == [
        ("recall", "old", "s1", "2026-10-01 19:00", "pending", ""),
        ("recall", "readded", "s1", "2026-10-01 19:00", "pending", ""),
    ]

    # edge first matches at 22:30: 19:00 is past → at once → quiet hours → 08:00 next morning
    run(engine, "2026-10-01 19:30", "2026-10-02 22:30", "2026-10-03 08:30")
    assert summary(engine, sop=SOP) == [
        ("recall", "edge", "s1", "2026-10-03 08:00", "due", ""),
        ("recall", "old", "s1", "2026-10-01 19:00", "expired", ""),
        ("recall", "readded", "s1", "2026-10-01 19:00", "expired", ""),
    ]
    edge = task_rows(engine, sop=SOP)[-1]
    assert (edge["target_type"], edge["channel"], edge["mode"]) == ("customer", "private", "remind")
    assert edge["scheduled_at"] == "2026-10-02T22:30:00+08:00"
    assert edge["content"]["items"] == [
        {"text": "哼哼，我们小程序每天都会更新会员专享活动哟，快进去看看吧～ 勿错过[调皮]"}
    ]


def test_a_prospect_still_matching_is_recalled_again_every_30_days(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    prospect(brand, "old", "2026-07-01 10:00")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-01 10:00"))
    run(engine, "2026-10-01 10:00", "2026-10-01 19:30", "2026-10-31 09:00")  # 29 d 23 h: not yet
    assert summary(engine, sop=SOP) == [("recall", "old", "s1", "2026-10-01 19:00", "expired", "")]

    run(engine, "2026-10-31 10:00", "2026-10-31 19:30")  # 30 days after the first entry
    assert summary(engine, sop=SOP) == [
        ("recall", "old", "s1", "2026-10-01 19:00", "expired", ""),
        ("recall", "old", "s1", "2026-10-31 19:00", "due", ""),
    ]
    assert [row["entry"] for row in task_rows(engine, sop=SOP)] == [1, 2]

    # a purchase ends the match: no third recall 30 days later
    brand.add_event("order_paid", "2026-11-05 12:00", customer="old", event_id="old/order", amount=99)
    brand.write(engine, tmp_path)
    run(engine, "2026-11-30 10:00", "2026-12-01 10:00", "2026-12-01 19:30")
    assert summary(engine, sop=SOP) == [
        ("recall", "old", "s1", "2026-10-01 19:00", "expired", ""),
        ("recall", "old", "s1", "2026-10-31 19:00", "expired", ""),
    ]
