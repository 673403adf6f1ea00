"""Scenario 15, 朋友圈活动预热 (moments-warmup): every staff account holding 导购 gets two moments
posts a day — 08:30 and 21:00 — carried out by the account itself (`self`), made up to the end
of tomorrow, each carrying `visible_to` (members only) in its content. A staff member who loses
the role leaves: pending posts are cancelled and no more are made; one who gains it joins in."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, summary, task_rows

SOP = "moments-warmup"
FILE = SCENARIOS / "15-moments-warmup.yaml"


def shop_staff(engine: Engine, tmp_path: Path) -> Brand:
    brand = Brand()
    brand.add_staff("guide1", "导购")
    brand.add_staff("guide2", "导购", "店长")
    brand.add_staff("manager", "店长")
    brand.add_staff("newbie")
    brand.add_customer("c1", "guide1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 07:00"))
    return brand


def test_every_guide_gets_two_posts_a_day_as_themself(engine: Engine, tmp_path: Path) -> None:
    shop_staff(engine, tmp_path)
    run(engine, "2026-11-20 07:00")  # made up to the end of tomorrow
    assert summary(engine, sop=SOP) == [
        ("evening-post", "guide1", "guide1", "2026-11-20 21:00", "pending", ""),
        ("evening-post", "guide1", "guide1", "2026-11-21 21:00", "pending", ""),
        ("evening-post", "guide2", "guide2", "2026-11-20 21:00", "pending", ""),
        ("evening-post", "guide2", "guide2", "2026-11-21 21:00", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-20 08:30", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-21 08:30", "pending", ""),
        ("morning-post", "guide2", "guide2", "2026-11-20 08:30", "pending", ""),
        ("morning-post", "guide2", "guide2", "2026-11-21 08:30", "pending", ""),
    ]
    run(engine, "2026-11-20 08:35", "2026-11-20 21:05", "2026-11-21 07:00")
    assert [row for row in summary(engine, sop=SOP) if row[1] == "guide1"] == [
        ("evening-post", "guide1", "guide1", "2026-11-20 21:00", "due", ""),
        ("evening-post", "guide1", "guide1", "2026-11-21 21:00", "pending", ""),
        ("evening-post", "guide1", "guide1", "2026-11-22 21:00", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-20 08:30", "due", ""),
        ("morning-post", "guide1", "guide1", "2026-11-21 08:30", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-22 08:30", "pending", ""),
    ]
    rows = task_rows(engine, sop=SOP)
    assert {(r["target_type"], r["channel"], r["mode"]) for r in rows} == {("staff", "moments", "remind")}


def test_a_post_carries_its_content_and_visible_to(engine: Engine, tmp_path: Path) -> None:
    shop_staff(engine, tmp_path)
    run(engine, "2026-11-20 07:00", "2026-11-20 21:05")
    morning, evening = (
        next(r for r in task_rows(engine, sop=SOP) if r["step"] == step and r["target"] == "guide2")
        for step in ("morning-post", "evening-post")
    )
    assert morning["content"] == {
        "items": [{"text": "早安☀️ 今日福利预告～"}, {"image": "assets/moments-morning.png"}],
        "visible_to": {"tag": "会员"},
    }
    assert evening["content"] == {
        "items": [{"text": "今晚 22 点前下单加赠小样一份～"}],
        "visible_to": {"tag": "会员"},
    }


def test_a_staff_member_who_loses_the_role_stops_getting_posts(engine: Engine, tmp_path: Path) -> None:
    brand = shop_staff(engine, tmp_path)
    run(engine, "2026-11-20 07:00", "2026-11-20 08:35", "2026-11-20 21:05")
    brand.add_staff("guide2", "店长")  # no longer 导购
    brand.add_staff("newbie", "导购")  # now 导购
    brand.write(engine, tmp_path)
    run(engine, "2026-11-21 07:30", "2026-11-21 08:35", "2026-11-22 07:00")
    assert summary(engine, sop=SOP) == [
        ("evening-post", "guide1", "guide1", "2026-11-20 21:00", "expired", ""),
        ("evening-post", "guide1", "guide1", "2026-11-21 21:00", "due", ""),
        ("evening-post", "guide1", "guide1", "2026-11-22 21:00", "pending", ""),
        ("evening-post", "guide1", "guide1", "2026-11-23 21:00", "pending", ""),
        ("evening-post", "guide2", "guide2", "2026-11-20 21:00", "expired", ""),
        ("evening-post", "guide2", "guide2", "2026-11-21 21:00", "cancelled", ""),
        ("evening-post", "newbie", "newbie", "2026-11-21 21:00", "due", ""),
        ("evening-post", "newbie", "newbie", "2026-11-22 21:00", "pending", ""),
        ("evening-post", "newbie", "newbie", "2026-11-23 21:00", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-20 08:30", "expired", ""),
        ("morning-post", "guide1", "guide1", "2026-11-21 08:30", "due", ""),
        ("morning-post", "guide1", "guide1", "2026-11-22 08:30", "pending", ""),
        ("morning-post", "guide1", "guide1", "2026-11-23 08:30", "pending", ""),
        ("morning-post", "guide2", "guide2", "2026-11-20 08:30", "expired", ""),
        ("morning-post", "guide2", "guide2", "2026-11-21 08:30", "cancelled", ""),
        ("morning-post", "newbie", "newbie", "2026-11-21 08:30", "due", ""),
        ("morning-post", "newbie", "newbie", "2026-11-22 08:30", "pending", ""),
        ("morning-post", "newbie", "newbie", "2026-11-23 08:30", "pending", ""),
    ]
    cancelled = [r["reason"] for r in task_rows(engine, sop=SOP) if r["status"] == "cancelled"]
    assert cancelled == ["离开人群"] * 2
