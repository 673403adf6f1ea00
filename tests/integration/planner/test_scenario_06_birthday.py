"""Scenario 06 (birthday): a greeting at 09:00 on the customer's local birthday, every year
(`reentry: always`: the audience starts to hold again each birthday). A 29 February birthday
falls on 28 February in a year without one (2027), and on 29 February in a leap year (2028).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, summary, task_rows

SOP = "birthday"
FILE = SCENARIOS / "06-birthday.yaml"


def born(engine: Engine, tmp_path: Path) -> None:
    """leap (s1) born on 29 Feb; feb28 (s2) on 28 Feb; mar1 (s3) on 1 Mar; nobday (s3) unknown."""
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("leap", "s1", birthday=date(2000, 2, 29))
    brand.add_customer("feb28", "s2", birthday=date(1995, 2, 28))
    brand.add_customer("mar1", "s3", birthday=date(1990, 3, 1))
    brand.add_customer("nobday", "s3")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2027-02-26 12:00"))


def test_29_february_is_celebrated_on_28_february_in_a_common_year(engine: Engine, tmp_path: Path) -> None:
    born(engine, tmp_path)
    run(engine, "2027-02-27 00:30", "2027-02-28 00:30")
    assert summary(engine, sop=SOP) == [
        ("wish", "feb28", "s2", "2027-02-28 09:00", "pending", ""),
        ("wish", "leap", "s1", "2027-02-28 09:00", "pending", ""),
    ]

    run(engine, "2027-02-28 08:59", "2027-02-28 09:00", "2027-03-01 00:30", "2027-03-01 09:00")
    assert summary(engine, sop=SOP) == [
        ("wish", "feb28", "s2", "2027-02-28 09:00", "due", ""),
        ("wish", "leap", "s1", "2027-02-28 09:00", "due", ""),
        ("wish", "mar1", "s3", "2027-03-01 09:00", "due", ""),
    ]
    assert task_rows(engine, sop=SOP)[0]["content"] == {
        "items": [
            {"text": "亲，今天是你的生日🎂 特此送来真诚的祝福，同时为你准备了专属小礼物～"},
            {"link": {"title": "领取生日礼", "url": "https://example.com/gift"}},
        ]
    }


def test_every_year_and_29_february_in_a_leap_year(engine: Engine, tmp_path: Path) -> None:
    born(engine, tmp_path)
    run(engine, "2027-02-28 00:30", "2027-02-28 09:00", "2027-03-01 00:30", "2027-03-01 09:00")
    run(engine, "2028-02-28 00:30", "2028-02-28 09:00")
    leap_year = [row for row in summary(engine, sop=SOP) if row[3].startswith("2028")]
    assert leap_year == [("wish", "feb28", "s2", "2028-02-28 09:00", "due", "")]

    run(engine, "2028-02-29 00:30", "2028-02-29 09:00", "2028-03-01 00:30", "2028-03-01 09:00", "2028-03-01 09:30")
    assert summary(engine, sop=SOP) == [
        ("wish", "feb28", "s2", "2027-02-28 09:00", "expired", ""),
        ("wish", "feb28", "s2", "2028-02-28 09:00", "expired", ""),
        ("wish", "leap", "s1", "2027-02-28 09:00", "expired", ""),
        ("wish", "leap", "s1", "2028-02-29 09:00", "expired", ""),
        ("wish", "mar1", "s3", "2027-03-01 09:00", "expired", ""),
        ("wish", "mar1", "s3", "2028-03-01 09:00", "due", ""),
    ]
    entries = sorted((r["target"], r["entry"]) for r in task_rows(engine, sop=SOP))
    assert entries == [("feb28", 1), ("feb28", 2), ("leap", 1), ("leap", 2), ("mar1", 1), ("mar1", 2)]


def test_seen_first_after_9_the_greeting_fires_at_once(engine: Engine, tmp_path: Path) -> None:
    """The SOP is switched on at 14:00 on someone's birthday: day 0 09:00 is past."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", birthday=date(1988, 11, 20))
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 14:00"))
    run(engine, "2026-11-20 14:00", "2026-11-20 15:00", "2026-11-21 09:00")
    assert summary(engine, sop=SOP) == [("wish", "c1", "s1", "2026-11-20 14:00", "due", "")]
