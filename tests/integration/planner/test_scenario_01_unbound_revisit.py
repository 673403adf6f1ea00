"""Scenario 01 (unbound-revisit): contacts who have not bound their member account get an
invitation on day 7 after being added (10:30), a second one on day 30 (10:30), then a nudge
every evening at 20:00 from day 31 on; binding the account ends it and cancels what is pending.

Friends are added at 09:00 on 2026-11-01, so day 7 starts on 2026-11-08 09:00 (durations are
exact: 7 × 24 h) and the day-0 step at 10:30 falls on day 7; day 30 is 2026-12-01.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.tasks import TaskStatus

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, daily, summary, task_rows

SOP = "unbound-revisit"
FILE = SCENARIOS / "01-unbound-revisit.yaml"


def brand_of_contacts(engine: Engine, tmp_path: Path) -> None:
    """c1 (s1) never binds; c2 (s2) binds on 2026-11-20 15:00; c3 (s1) bound before day 7;
    c4 (s2) was added four days later, at 14:00 on 2026-11-05."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("c1", "s1", name="小林")
    brand.add_customer("c2", "s2", name="小周")
    brand.add_customer("c3", "s1", name="小陈")
    brand.add_customer("c4", "s2", name="小吴")
    for customer in ("c1", "c2", "c3"):
        brand.add_event("friend_added", "2026-11-01 09:00", customer=customer)
    brand.add_event("friend_added", "2026-11-05 14:00", customer="c4")
    brand.add_event("account_bound", "2026-11-05 12:00", customer="c3")
    brand.add_event("account_bound", "2026-11-20 15:00", customer="c2")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-08 08:00"))


def steps_named(engine: Engine, step: str) -> list[tuple[str, ...]]:
    return [row for row in summary(engine, sop=SOP) if row[0] == step]


def test_invites_on_day_7_and_day_30(engine: Engine, tmp_path: Path) -> None:
    brand_of_contacts(engine, tmp_path)

    run(engine, "2026-11-08 08:30")  # day 6 for everybody: nobody yet
    assert summary(engine, sop=SOP) == []

    run(engine, "2026-11-08 09:30")  # day 7 for c1, c2, c3; c3 has bound already
    assert summary(engine, sop=SOP) == [
        ("day30-invite", "c1", "s1", "2026-12-01 10:30", "pending", ""),
        ("day30-invite", "c2", "s2", "2026-12-01 10:30", "pending", ""),
        ("day7-invite", "c1", "s1", "2026-11-08 10:30", "pending", ""),
        ("day7-invite", "c2", "s2", "2026-11-08 10:30", "pending", ""),
    ]

    run(engine, "2026-11-08 10:29")  # a task becomes due only at a tick at or after its due time
    assert {row[4] for row in summary(engine, sop=SOP)} == {"pending"}
    run(engine, "2026-11-08 10:30")
    assert steps_named(engine, "day7-invite") == [
        ("day7-invite", "c1", "s1", "2026-11-08 10:30", "due", ""),
        ("day7-invite", "c2", "s2", "2026-11-08 10:30", "due", ""),
    ]

    # c4 reaches day 7 at 14:00 on 2026-11-12: entered by the 15:30 check, its day-0 10:30 is
    # past and fires at once; its day 30 is 2026-12-05
    run(engine, *daily("2026-11-09", "2026-12-01", "10:30", "15:30"))
    rows = [row for row in summary(engine, sop=SOP) if row[1] != "c2"]
    assert rows == [
        # made ahead (to the end of tomorrow): c1's day 31 starts 2026-12-02 09:00
        ("daily-nudge", "c1", "s1", "2026-12-02 20:00", "pending", ""),
        ("day30-invite", "c1", "s1", "2026-12-01 10:30", "due", ""),
        ("day30-invite", "c4", "s2", "2026-12-05 10:30", "pending", ""),
        ("day7-invite", "c1", "s1", "2026-11-08 10:30", "expired", ""),
        ("day7-invite", "c4", "s2", "2026-11-12 15:30", "expired", ""),
    ]


def test_the_invitation_is_addressed_by_name_once_due(engine: Engine, tmp_path: Path) -> None:
    brand_of_contacts(engine, tmp_path)
    run(engine, "2026-11-08 09:30")
    (pending,) = task_rows(engine, sop=SOP, staff="s1", due_before_us=at("2026-11-09 00:00"))
    assert pending["content"] is None  # rendered when it fires, not when planned

    run(engine, "2026-11-08 10:30")
    (due,) = task_rows(engine, sop=SOP, staff="s1", due_before_us=at("2026-11-09 00:00"))
    assert (due["target"], due["status"], due["channel"], due["mode"]) == ("c1", "due", "private", "remind")
    assert due["content"] == {
        "items": [
            {"text": "嗨，小林～绑定会员账号就能查订单、领专属福利啦，点这里一步完成👇"},
            {"link": {"title": "绑定会员账号", "url": "https://example.com/bind"}},
        ]
    }


def test_binding_the_account_exits_and_cancels_pending_tasks(engine: Engine, tmp_path: Path) -> None:
    brand_of_contacts(engine, tmp_path)
    run(engine, "2026-11-08 09:30", "2026-11-08 10:30", "2026-11-20 14:30")
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c2"] == [
        ("day30-invite", "c2", "s2", "2026-12-01 10:30", "pending", ""),
        ("day7-invite", "c2", "s2", "2026-11-08 10:30", "expired", ""),
    ]

    run(engine, "2026-11-20 15:30")  # c2 bound at 15:00: the hourly check sees it
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c2"] == [
        ("day30-invite", "c2", "s2", "2026-12-01 10:30", "cancelled", ""),
        ("day7-invite", "c2", "s2", "2026-11-08 10:30", "expired", ""),
    ]
    (cancelled,) = [r for r in task_rows(engine, sop=SOP) if r["target"] == "c2" and r["status"] == "cancelled"]
    assert cancelled["reason"].startswith("满足退出条件：")
    assert "account_bound" in cancelled["reason"]

    # nothing more for c2, ever: no daily nudge from day 31 and no re-entry
    run(engine, *daily("2026-11-21", "2026-12-04", "00:30", "10:30", "20:00"))
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c2"] == [
        ("day30-invite", "c2", "s2", "2026-12-01 10:30", "cancelled", ""),
        ("day7-invite", "c2", "s2", "2026-11-08 10:30", "expired", ""),
    ]


def test_a_contact_past_day_31_when_switched_on_gets_all_three_from_the_entry(engine: Engine, tmp_path: Path) -> None:
    """Added on 10-01, the SOP switched on at 09:00 on 11-20 (day 50): time specs count from the
    entry, so the "day 30" invite comes 23 days after it; the daily nudge starts that evening."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("old", "s1", name="老王")
    brand.add_event("friend_added", "2026-10-01 12:00", customer="old")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))

    run(engine, "2026-11-20 09:00")
    assert summary(engine, sop=SOP) == [
        ("daily-nudge", "old", "s1", "2026-11-20 20:00", "pending", ""),
        ("daily-nudge", "old", "s1", "2026-11-21 20:00", "pending", ""),
        ("day30-invite", "old", "s1", "2026-12-13 10:30", "pending", ""),
        ("day7-invite", "old", "s1", "2026-11-20 10:30", "pending", ""),
    ]
    run(engine, "2026-11-20 10:30", "2026-11-20 20:00", "2026-11-21 00:10")
    assert summary(engine, sop=SOP) == [
        ("daily-nudge", "old", "s1", "2026-11-20 20:00", "due", ""),
        ("daily-nudge", "old", "s1", "2026-11-21 20:00", "pending", ""),
        ("daily-nudge", "old", "s1", "2026-11-22 20:00", "pending", ""),
        ("day30-invite", "old", "s1", "2026-12-13 10:30", "pending", ""),
        ("day7-invite", "old", "s1", "2026-11-20 10:30", "due", ""),
    ]
    nudge = task_rows(engine, sop=SOP, status=TaskStatus.due)[1]
    assert nudge["content"] == {
        "items": [{"text": "你还有一个随机红包未领取哦[红包]，如果领取不了可以跟我说下，我这边重新发个～"}]
    }


def test_binding_between_the_hourly_check_and_the_invitation_cancels_it(engine: Engine, tmp_path: Path) -> None:
    """Exit is checked again for the tasks about to fire, not only at the hourly check."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c6", "s1")
    brand.add_event("friend_added", "2026-11-01 09:00", customer="c6")
    brand.add_event("account_bound", "2026-11-08 10:10", customer="c6")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-08 08:00"))
    run(engine, "2026-11-08 10:00", "2026-11-08 10:30")  # the 10:30 tick does no audience work
    assert summary(engine, sop=SOP) == [
        ("day30-invite", "c6", "s1", "2026-12-01 10:30", "cancelled", ""),
        ("day7-invite", "c6", "s1", "2026-11-08 10:30", "cancelled", ""),
    ]


def test_daily_nudge_from_day_31(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("c1", "s1", name="小林")
    brand.add_customer("c5", "s2", name="小郑")
    brand.add_event("friend_added", "2026-11-01 09:00", customer="c1")
    # added at 22:00: at 20:00 on 2026-12-02 it is 30 days 22 h, day 31 only at 20:00 on 12-03
    brand.add_event("friend_added", "2026-11-01 22:00", customer="c5")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-08 08:00"))

    run(engine, *daily("2026-11-08", "2026-12-04", "00:30", "10:30", "20:00"))
    assert steps_named(engine, "daily-nudge") == [
        ("daily-nudge", "c1", "s1", "2026-12-02 20:00", "expired", ""),
        ("daily-nudge", "c1", "s1", "2026-12-03 20:00", "due", ""),
        ("daily-nudge", "c1", "s1", "2026-12-04 20:00", "due", ""),
        ("daily-nudge", "c1", "s1", "2026-12-05 20:00", "pending", ""),
        ("daily-nudge", "c5", "s2", "2026-12-03 20:00", "due", ""),
        ("daily-nudge", "c5", "s2", "2026-12-04 20:00", "due", ""),
        ("daily-nudge", "c5", "s2", "2026-12-05 20:00", "pending", ""),
    ]
