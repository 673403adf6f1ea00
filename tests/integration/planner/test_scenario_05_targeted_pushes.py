"""Scenario 05 (targeted-pushes), two SOPs:

- lapsed-female-not-in-group: female customers who bought before, not in the last 60 days
  ([now − 60 d, now], inclusive), and are in no group, get a recommendation at 20:00 on the day
  they enter; again 30 days after each entry while that still holds.
- pet-vaccine-reminder: 宠物主 customers whose `pet_vaccine_due` is 0 to 7 local days from
  today get a reminder at 10:00 naming the pet and the date; again 20 days after an entry.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, summary, task_rows

LAPSED = "lapsed-female-not-in-group"
VACCINE = "pet-vaccine-reminder"
FILE = SCENARIOS / "05-targeted-pushes.yaml"


def test_lapsed_women_outside_groups_get_the_recommendation(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("f1", "s1", gender="female")  # lapsed since 09-01
    brand.add_customer("f2", "s2", gender="female")  # bought on 10-01: not lapsed
    brand.add_customer("f3", "s3", gender="female")  # never bought
    brand.add_customer("m1", "s1", gender="male")  # lapsed, but male
    brand.add_customer("f4", "s3", gender="female")  # lapsed, but in a group
    brand.add_customer("f5", "s2", gender="female")  # last bought exactly 60 days before 11-20 10:00
    brand.add_group("g1", "s3", members=("f4",))
    for customer, moment in [
        ("f1", "2026-09-01 10:00"),
        ("f2", "2026-10-01 10:00"),
        ("m1", "2026-09-01 10:00"),
        ("f4", "2026-09-01 10:00"),
        ("f5", "2026-09-21 10:00"),
    ]:
        brand.add_event("order_paid", moment, customer=customer, order_id=f"o-{customer}", amount=100)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))

    run(engine, "2026-11-20 10:00")  # f5's order is 60 days old to the minute: still within 60 d
    assert summary(engine, sop=LAPSED) == [("recommend", "f1", "s1", "2026-11-20 20:00", "pending", "")]

    run(engine, "2026-11-20 11:00", "2026-11-20 20:00")
    assert summary(engine, sop=LAPSED) == [
        ("recommend", "f1", "s1", "2026-11-20 20:00", "due", ""),
        ("recommend", "f5", "s2", "2026-11-20 20:00", "due", ""),
    ]
    assert task_rows(engine, sop=LAPSED)[0]["content"] == {
        "items": [{"text": "在嘛在嘛？[探头] 今晚新势力周，给你挑了几款新品，不用凑单直接买就能享受会员专属价～"}]
    }

    # f2 lapses at 10:00 on 11-30 (entered by the 11:00 check); 30 days after their entries
    # f1 (10:00) and f5 (11:00) enter again
    run(engine, "2026-11-30 10:00", "2026-11-30 11:00", "2026-11-30 20:00")
    run(engine, "2026-12-20 09:00", "2026-12-20 10:00", "2026-12-20 11:00", "2026-12-20 20:00")
    assert summary(engine, sop=LAPSED) == [
        ("recommend", "f1", "s1", "2026-11-20 20:00", "expired", ""),
        ("recommend", "f1", "s1", "2026-12-20 20:00", "due", ""),
        ("recommend", "f2", "s2", "2026-11-30 20:00", "expired", ""),
        ("recommend", "f5", "s2", "2026-11-20 20:00", "expired", ""),
        ("recommend", "f5", "s2", "2026-12-20 20:00", "due", ""),
    ]
    entries = {(r["target"], r["entry"]) for r in task_rows(engine, sop=LAPSED)}
    assert entries == {("f1", 1), ("f1", 2), ("f2", 1), ("f5", 1), ("f5", 2)}


def test_buying_again_stops_the_next_push(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("f1", "s1", gender="female")
    brand.add_event("order_paid", "2026-09-01 10:00", customer="f1", order_id="o1", amount=100)
    brand.add_event("order_paid", "2026-12-01 15:00", customer="f1", order_id="o2", amount=100)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 10:00", "2026-11-20 20:00", "2026-12-20 10:00", "2026-12-20 20:00")
    assert summary(engine, sop=LAPSED) == [("recommend", "f1", "s1", "2026-11-20 20:00", "expired", "")]


def pet_owners(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    owners = {
        "p1": ("s1", "豆豆", "2026-11-27", ("宠物主",)),  # 7 days from 11-20: in
        "p2": ("s2", "咪咪", "2026-11-28", ("宠物主",)),  # 8 days from 11-20, 7 from 11-21
        "p3": ("s3", "旺财", "2026-11-19", ("宠物主",)),  # yesterday: out
        "p4": ("s3", "球球", "2026-11-22", ()),  # not tagged 宠物主
        "p5": ("s3", "花花", "2026-11-20", ("宠物主",)),  # today: 0 days, in
    }
    for customer, (owner, pet, due, tags) in owners.items():
        brand.add_customer(customer, owner, tags=tags, pet_name=pet, pet_vaccine_due=due)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-19 12:00"))


def test_entering_after_10_at_night_is_reminded_at_the_end_of_quiet_hours(engine: Engine, tmp_path: Path) -> None:
    """First checked at 23:30 on 11-19 (window 11-19 … 11-26): the day-0 10:00 is past, so the
    reminder fires at once — inside quiet hours, hence at 08:00 the next morning."""
    pet_owners(engine, tmp_path)
    run(engine, "2026-11-19 23:30")
    assert summary(engine, sop=VACCINE) == [
        ("remind", "p3", "s3", "2026-11-20 08:00", "pending", ""),
        ("remind", "p5", "s3", "2026-11-20 08:00", "pending", ""),
    ]


def test_vaccine_window_by_local_day(engine: Engine, tmp_path: Path) -> None:
    pet_owners(engine, tmp_path)
    run(engine, "2026-11-20 00:30")
    assert summary(engine, sop=VACCINE) == [
        ("remind", "p1", "s1", "2026-11-20 10:00", "pending", ""),
        ("remind", "p5", "s3", "2026-11-20 10:00", "pending", ""),
    ]

    run(engine, "2026-11-20 10:00", "2026-11-21 00:30", "2026-11-21 10:00")
    assert summary(engine, sop=VACCINE) == [
        ("remind", "p1", "s1", "2026-11-20 10:00", "due", ""),
        ("remind", "p2", "s2", "2026-11-21 10:00", "due", ""),
        ("remind", "p5", "s3", "2026-11-20 10:00", "due", ""),
    ]
    rows = {row["target"]: row for row in task_rows(engine, sop=VACCINE)}
    assert rows["p1"]["content"] == {
        "items": [
            {"text": "亲爱的萌宠小主，咱家豆豆快到接种疫苗的时间啦，请于2026-11-27前做好预约哦！"},
            {"link": {"title": "预约接种", "url": "https://example.com/vaccine"}},
        ]
    }
    assert rows["p2"]["content"]["items"][0]["text"] == (
        "亲爱的萌宠小主，咱家咪咪快到接种疫苗的时间啦，请于2026-11-28前做好预约哦！"
    )


def test_both_pushes_on_one_day_fit_under_the_daily_cap(engine: Engine, tmp_path: Path) -> None:
    """A lapsed woman who is also a pet owner: two touches on one day is the cap, not over it."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("both", "s1", gender="female", tags=("宠物主",), pet_name="豆豆", pet_vaccine_due="2026-11-25")
    brand.add_event("order_paid", "2026-08-01 10:00", customer="both", order_id="o1", amount=100)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 09:00")
    assert summary(engine) == [
        ("recommend", "both", "s1", "2026-11-20 20:00", "pending", ""),
        ("remind", "both", "s1", "2026-11-20 10:00", "pending", ""),
    ]
    run(engine, "2026-11-20 10:00", "2026-11-20 20:00")
    assert summary(engine) == [
        ("recommend", "both", "s1", "2026-11-20 20:00", "due", ""),
        ("remind", "both", "s1", "2026-11-20 10:00", "due", ""),
    ]


def test_vaccine_reminder_again_after_20_days_when_the_next_dose_is_due(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("p1", "s1", tags=("宠物主",), pet_name="豆豆", pet_vaccine_due="2026-11-27")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 09:00")
    # the next dose is recorded; it is in the window again on 12-10, 20 days after the entry
    brand.add_customer("p1", "s1", tags=("宠物主",), pet_name="豆豆", pet_vaccine_due="2026-12-15")
    brand.write(engine, tmp_path / "next-dose")
    run(engine, "2026-12-08 09:00", "2026-12-10 08:00", "2026-12-10 09:00", "2026-12-10 10:00")
    assert summary(engine, sop=VACCINE) == [
        ("remind", "p1", "s1", "2026-11-20 10:00", "expired", ""),
        ("remind", "p1", "s1", "2026-12-10 10:00", "due", ""),
    ]
    (_, second) = task_rows(engine, sop=VACCINE)
    assert "请于2026-12-15前" in second["content"]["items"][0]["text"]
