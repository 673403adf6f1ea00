"""Scenario 04 (shop-source-invite): contacts whose `source` is 京东店铺 or 拼多多店铺 and who are
in no group are invited at once (`delay: 0m` from the entry, i.e. the hourly audience check that
first sees them), once ever. Quiet hours (22:00–08:00) move an invitation to 08:00.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.tasks import TaskStatus

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, summary, task_rows

SOP = "shop-source-invite"
FILE = SCENARIOS / "04-shop-source-invite.yaml"


def shop_contacts(engine: Engine, tmp_path: Path) -> Brand:
    """jd (s1) and pdd (s2) come from the listed shops; tmall (s3) does not; jd-grouped (s3) is
    already in a group; nosource (s3) has no source at all."""
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("jd", "s1", source="京东店铺")
    brand.add_customer("pdd", "s2", source="拼多多店铺")
    brand.add_customer("tmall", "s3", source="天猫店铺")
    brand.add_customer("jd-grouped", "s3", source="京东店铺")
    brand.add_customer("nosource", "s3")
    brand.add_group("g1", "s3", members=("jd-grouped",))
    brand.write(engine, tmp_path / "start")
    apply_sops(engine, FILE, now=at("2026-11-20 10:05"))
    return brand


def test_invited_at_once_from_the_listed_shops(engine: Engine, tmp_path: Path) -> None:
    shop_contacts(engine, tmp_path)
    run(engine, "2026-11-20 10:05")
    assert summary(engine, sop=SOP) == [
        ("invite", "jd", "s1", "2026-11-20 10:05", "due", ""),
        ("invite", "pdd", "s2", "2026-11-20 10:05", "due", ""),
    ]
    assert task_rows(engine, sop=SOP)[0]["content"] == {
        "items": [{"text": "进群有机会获得现金红包哦，扫码进群～"}, {"image": "assets/group-qr.png"}]
    }

    # reentry: never; the due invitations expire after late_after (24 h) if nobody does them
    run(engine, "2026-11-21 10:05", "2026-11-21 10:06", "2026-11-30 10:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "jd", "s1", "2026-11-20 10:05", "expired", ""),
        ("invite", "pdd", "s2", "2026-11-20 10:05", "expired", ""),
    ]


def test_a_contact_imported_later_is_invited_at_the_next_hourly_check(engine: Engine, tmp_path: Path) -> None:
    brand = shop_contacts(engine, tmp_path)
    run(engine, "2026-11-20 10:05")
    brand.add_customer("late", "s2", source="拼多多店铺")
    brand.write(engine, tmp_path / "late")
    run(engine, "2026-11-20 10:40")  # same clock hour: no audience work
    assert [row[1] for row in summary(engine, sop=SOP)] == ["jd", "pdd"]

    run(engine, "2026-11-20 11:02")
    assert [row for row in summary(engine, sop=SOP) if row[1] == "late"] == [
        ("invite", "late", "s2", "2026-11-20 11:02", "due", ""),
    ]


def test_quiet_hours_move_a_night_entry_to_eight(engine: Engine, tmp_path: Path) -> None:
    brand = shop_contacts(engine, tmp_path)
    run(engine, "2026-11-20 10:05")
    brand.add_customer("night", "s1", source="京东店铺")
    brand.write(engine, tmp_path / "night")
    run(engine, "2026-11-20 23:10")
    night = [row for row in summary(engine, sop=SOP) if row[1] == "night"]
    assert night == [("invite", "night", "s1", "2026-11-21 08:00", "pending", "")]
    (row,) = [r for r in task_rows(engine, sop=SOP) if r["target"] == "night"]
    assert row["scheduled_at"] == "2026-11-20T23:10:00+08:00"

    brand.add_customer("dawn", "s2", source="京东店铺")
    brand.write(engine, tmp_path / "dawn")
    run(engine, "2026-11-21 07:59")  # one minute before the end of quiet hours
    assert [row for row in summary(engine, sop=SOP) if row[1] in ("night", "dawn")] == [
        ("invite", "dawn", "s2", "2026-11-21 08:00", "pending", ""),
        ("invite", "night", "s1", "2026-11-21 08:00", "pending", ""),
    ]
    run(engine, "2026-11-21 08:00")
    assert [row for row in summary(engine, sop=SOP) if row[1] in ("night", "dawn")] == [
        ("invite", "dawn", "s2", "2026-11-21 08:00", "due", ""),
        ("invite", "night", "s1", "2026-11-21 08:00", "due", ""),
    ]


def test_night_entries_of_three_sops_meet_at_eight_and_the_cap_defers_the_third(engine: Engine, tmp_path: Path) -> None:
    """A JD-shop contact, added 7 days ago, unbound and in no group, first seen at 23:10 by
    scenarios 01, 02 and 04: each step's time is past or immediate, so each fires at once, and
    quiet hours move all three to 08:00 the next morning. Two touches fit that day; the third
    (unbound-revisit, planned last: SOPs of equal priority are planned in id order) moves to
    08:00 the day after, with the reason."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("jd", "s1", name="小京", source="京东店铺")
    brand.add_event("friend_added", "2026-11-13 22:00", customer="jd")
    brand.write(engine, tmp_path)
    scenarios = [SCENARIOS / "01-unbound-revisit.yaml", SCENARIOS / "02-invite-to-group.yaml", FILE]
    apply_sops(engine, *scenarios, now=at("2026-11-20 23:00"))

    run(engine, "2026-11-20 23:10")
    assert summary(engine) == [
        ("day30-invite", "jd", "s1", "2026-12-13 10:30", "pending", ""),
        ("day7-invite", "jd", "s1", "2026-11-22 08:00", "pending", ""),
        ("invite", "jd", "s1", "2026-11-21 08:00", "pending", ""),
        ("invite", "jd", "s1", "2026-11-21 08:00", "pending", ""),
    ]
    reasons = {(row["sop"], row["step"]): row["reason"] for row in task_rows(engine)}
    assert reasons == {
        ("invite-to-group", "invite"): None,
        (SOP, "invite"): None,
        ("unbound-revisit", "day7-invite"): "每日上限 2 已满，顺延 1 天",
        ("unbound-revisit", "day30-invite"): None,
    }

    run(engine, "2026-11-21 08:00")
    assert [(row[0], row[4]) for row in summary(engine)] == [
        ("day30-invite", "pending"),
        ("day7-invite", "pending"),
        ("invite", "due"),
        ("invite", "due"),
    ]
    run(engine, "2026-11-22 07:59", "2026-11-22 08:00")
    (day7,) = task_rows(engine, sop="unbound-revisit", status=TaskStatus.due)
    assert day7["content"]["items"][0] == {"text": "嗨，小京～绑定会员账号就能查订单、领专属福利啦，点这里一步完成👇"}
