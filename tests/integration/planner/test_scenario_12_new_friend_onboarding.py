"""Scenario 12, 新好友承接 (new-friend-onboarding): a friend_added event that arrives after the SOP
was switched on (and is not an employee's) enters the contact at the event's time: the hello is
sent automatically at once, the quiz link 10 minutes later, and the owner is reminded to invite
them into a group at 20:00 the next day — skipped, with the reason, if they joined a group in the
meantime. Only once per contact (`reentry: never`). Quiet hours and the daily cap of 2
customer-facing touches apply to all three."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, send_automatically, summary, task_rows

SOP = "new-friend-onboarding"
FILE = SCENARIOS / "12-new-friend-onboarding.yaml"


def befriends(brand: Brand, customer: str, moment: str) -> None:
    """A friend_added event for `customer` at a local moment (ids explicit: unique across writes)."""
    brand.add_event("friend_added", moment, customer=customer, event_id=f"{customer}/added/{moment}", channel="qr")


def tasks_of(engine: Engine, target: str) -> dict[str, dict[str, object]]:
    """{step: task} of one target."""
    return {str(row["step"]): row for row in task_rows(engine, sop=SOP) if row["target"] == target}


def onboarding_brand(engine: Engine, tmp_path: Path) -> Brand:
    brand = Brand()
    brand.add_staff("s1", name="小美")
    brand.add_customer("n1", "s1", name="张三")
    brand.add_customer("n2", "s1", name="李四")
    brand.add_customer("early", "s1")
    brand.add_customer("emp", "s1", tags=("员工",))
    brand.add_group("g1", "s1", tags=("会员群",))
    befriends(brand, "early", "2025-12-01 15:00")  # history imported before the SOP is on
    befriends(brand, "early", "2026-11-19 15:00")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    return brand


def test_only_friend_added_events_after_enabling_enter_at_the_events_time(engine: Engine, tmp_path: Path) -> None:
    brand = onboarding_brand(engine, tmp_path)
    befriends(brand, "n1", "2026-11-20 10:00")
    befriends(brand, "emp", "2026-11-20 10:00")  # audience: not an employee
    befriends(brand, "n2", "2026-11-20 11:00")  # imported now, dated after the next tick
    brand.add_customer("backfill", "s1")
    befriends(brand, "backfill", "2026-11-20 08:30")  # imported after enabling, dated before it
    brand.write(engine, tmp_path)
    run(engine, "2026-11-20 09:30", "2026-11-20 10:30")
    assert summary(engine, sop=SOP) == [
        ("group-invite", "n1", "s1", "2026-11-21 20:00", "pending", ""),
        ("hello", "n1", "s1", "2026-11-20 10:00", "due", ""),
        ("survey", "n1", "s1", "2026-11-20 10:10", "due", ""),
    ]
    run(engine, "2026-11-20 11:05")
    assert summary(engine, sop=SOP) == [
        ("group-invite", "n1", "s1", "2026-11-21 20:00", "pending", ""),
        ("group-invite", "n2", "s1", "2026-11-21 20:00", "pending", ""),
        ("hello", "n1", "s1", "2026-11-20 10:00", "due", ""),
        ("hello", "n2", "s1", "2026-11-20 11:00", "due", ""),
        ("survey", "n1", "s1", "2026-11-20 10:10", "due", ""),
        ("survey", "n2", "s1", "2026-11-20 11:10", "pending", ""),
    ]


def test_hello_and_survey_are_automatic_and_rendered_for_the_contact(engine: Engine, tmp_path: Path) -> None:
    send_automatically(engine)
    brand = onboarding_brand(engine, tmp_path)
    befriends(brand, "n1", "2026-11-20 10:00")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-20 10:30")
    steps = tasks_of(engine, "n1")
    assert {step: (t["target_type"], t["channel"], t["mode"]) for step, t in steps.items()} == {
        "hello": ("customer", "private", "auto"),
        "survey": ("customer", "private", "auto"),
        "group-invite": ("customer", "private", "remind"),
    }
    assert steps["hello"]["content"] == {
        "items": [{"text": "你好呀张三，我是你的专属顾问小美～这里有品牌介绍和新人福利👇"}]
    }
    assert steps["survey"]["content"] == {
        "items": [{"link": {"title": "1 分钟肤质小测试，领新人礼", "url": "https://example.com/quiz"}}]
    }


def test_the_group_invite_is_skipped_for_a_contact_who_joined_a_group_meanwhile(engine: Engine, tmp_path: Path) -> None:
    brand = onboarding_brand(engine, tmp_path)
    befriends(brand, "n1", "2026-11-20 10:00")
    befriends(brand, "n2", "2026-11-20 10:00")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-20 10:30")
    brand.add_group("g1", "s1", tags=("会员群",), members=("n1",))  # n1 joins on 11-21
    brand.add_event("group_joined", "2026-11-21 12:00", customer="n1", group="g1", event_id="n1/joined")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-21 12:30", "2026-11-21 20:00")
    assert summary(engine, sop=SOP) == [
        ("group-invite", "n1", "s1", "2026-11-21 20:00", "skipped", ""),
        ("group-invite", "n2", "s1", "2026-11-21 20:00", "due", ""),
        ("hello", "n1", "s1", "2026-11-20 10:00", "expired", ""),  # not marked done within 24 h
        ("hello", "n2", "s1", "2026-11-20 10:00", "expired", ""),
        ("survey", "n1", "s1", "2026-11-20 10:10", "expired", ""),
        ("survey", "n2", "s1", "2026-11-20 10:10", "expired", ""),
    ]
    assert tasks_of(engine, "n1")["group-invite"]["reason"] == '执行条件不满足：{"in_group": false}'
    assert tasks_of(engine, "n2")["group-invite"]["content"] == {
        "items": [{"text": "进群可以领取新人优惠券哦，扫码即可～"}, {"image": "assets/group-qr.png"}]
    }


def test_a_contact_added_late_at_night_is_greeted_at_eight_and_the_cap_moves_the_invite(
    engine: Engine, tmp_path: Path
) -> None:
    brand = onboarding_brand(engine, tmp_path)
    befriends(brand, "n1", "2026-11-20 23:10")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-20 23:15", "2026-11-21 08:05")
    # quiet hours move hello and survey to 08:00; 3 touches on 11-21 exceed the daily cap of 2:
    # the invite, planned last, moves to the same time the next day
    assert summary(engine, sop=SOP) == [
        ("group-invite", "n1", "s1", "2026-11-22 20:00", "pending", ""),
        ("hello", "n1", "s1", "2026-11-21 08:00", "due", ""),
        ("survey", "n1", "s1", "2026-11-21 08:00", "due", ""),
    ]
    invite = tasks_of(engine, "n1")["group-invite"]
    assert invite["scheduled_at"] == "2026-11-21T20:00:00+08:00"
    assert invite["reason"] == "每日上限 2 已满，顺延 1 天"


def test_a_contact_is_onboarded_once_even_if_added_again(engine: Engine, tmp_path: Path) -> None:
    brand = onboarding_brand(engine, tmp_path)
    befriends(brand, "n1", "2026-11-20 10:00")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-20 10:30")
    brand.add_event("friend_deleted", "2026-11-22 09:00", customer="n1", event_id="n1/deleted")
    befriends(brand, "n1", "2026-11-25 10:00")
    brand.write(engine, tmp_path)
    run(engine, "2026-11-25 10:30")
    assert [(step, due, status) for step, _, _, due, status, _ in summary(engine, sop=SOP)] == [
        ("group-invite", "2026-11-21 20:00", "expired"),
        ("hello", "2026-11-20 10:00", "expired"),
        ("survey", "2026-11-20 10:10", "expired"),
    ]
