"""Scenario 02 (invite-to-group): contacts added at least a day ago who are in no group get an
invitation at 19:30 on the day they enter; still outside 7 days after that entry, they enter
again and are invited again; joining a group ends it (pending invitations are cancelled).

Everybody is added at 10:00 on 2026-11-01, so the audience starts to hold at 10:00 on 11-02.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.tasks import TaskStatus

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, daily, summary, task_rows

SOP = "invite-to-group"
FILE = SCENARIOS / "02-invite-to-group.yaml"


def contacts(engine: Engine, tmp_path: Path) -> Brand:
    """c1 (s1) stays outside; c2 (s2) will join g1; c3 (s3) is in g1 from the start; c4 (s3) is
    added only on 2026-11-02 at 12:00."""
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("c1", "s1")
    brand.add_customer("c2", "s2")
    brand.add_customer("c3", "s3")
    brand.add_customer("c4", "s3")
    brand.add_group("g1", "s3", members=("c3",))
    for customer in ("c1", "c2", "c3"):
        brand.add_event("friend_added", "2026-11-01 10:00", customer=customer)
    brand.add_event("friend_added", "2026-11-02 12:00", customer="c4")
    brand.write(engine, tmp_path / "start")
    apply_sops(engine, FILE, now=at("2026-11-01 09:00"))
    return brand


def join(brand: Brand, engine: Engine, folder: Path, customer: str, group: str) -> None:
    """The customer is in the group from now on (membership is current state)."""
    brand.members.append({"group": group, "customer": customer})
    brand.write(engine, folder)


def test_invited_on_the_first_day_outside_a_group(engine: Engine, tmp_path: Path) -> None:
    contacts(engine, tmp_path)
    run(engine, "2026-11-01 12:00", "2026-11-02 09:30")  # less than a day since added
    assert summary(engine, sop=SOP) == []

    run(engine, "2026-11-02 10:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "c1", "s1", "2026-11-02 19:30", "pending", ""),
        ("invite", "c2", "s2", "2026-11-02 19:30", "pending", ""),
    ]

    # c4 reaches one day at 12:00 on 11-03: the 12:00 check enters it
    run(engine, "2026-11-02 19:30", "2026-11-03 11:59", "2026-11-03 12:00", "2026-11-03 19:30", "2026-11-03 20:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "c1", "s1", "2026-11-02 19:30", "expired", ""),
        ("invite", "c2", "s2", "2026-11-02 19:30", "expired", ""),
        ("invite", "c4", "s3", "2026-11-03 19:30", "due", ""),
    ]
    (due,) = task_rows(engine, sop=SOP, status=TaskStatus.due)
    assert due["content"] == {
        "items": [{"text": "记得进群哦，群里经常有新品尝鲜活动，多多关注别错过～"}, {"image": "assets/group-qr.png"}]
    }


def test_invited_again_every_7_days_while_outside(engine: Engine, tmp_path: Path) -> None:
    brand = contacts(engine, tmp_path)
    join(brand, engine, tmp_path / "c2-joins", "c2", "g1")  # c2 in a group before anything runs
    run(engine, *daily("2026-11-02", "2026-11-08", "10:00", "19:30"))
    run(engine, "2026-11-09 09:59")  # 6 days 23 h 59 min since the entry: not yet
    assert [(r["target"], r["entry"], r["status"]) for r in task_rows(engine, sop=SOP, staff="s1")] == [
        ("c1", 1, "expired")
    ]

    run(engine, *daily("2026-11-09", "2026-11-16", "10:00", "19:30"))
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c1"] == [
        ("invite", "c1", "s1", "2026-11-02 19:30", "expired", ""),
        ("invite", "c1", "s1", "2026-11-09 19:30", "expired", ""),
        ("invite", "c1", "s1", "2026-11-16 19:30", "due", ""),
    ]
    assert [(r["target"], r["entry"]) for r in task_rows(engine, sop=SOP, staff="s1")] == [
        ("c1", 1),
        ("c1", 2),
        ("c1", 3),
    ]


def test_joining_a_group_exits_and_cancels_the_pending_invitation(engine: Engine, tmp_path: Path) -> None:
    brand = contacts(engine, tmp_path)
    run(engine, "2026-11-02 10:00")
    join(brand, engine, tmp_path / "c2-joins", "c2", "g1")
    run(engine, "2026-11-02 11:00")  # the hourly check sees c2 in g1
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c2"] == [
        ("invite", "c2", "s2", "2026-11-02 19:30", "cancelled", ""),
    ]
    (cancelled,) = task_rows(engine, sop=SOP, status=TaskStatus.cancelled)
    assert cancelled["reason"].startswith("满足退出条件：")

    # inside a group, c2 never enters again; c1, still outside, is invited again on 11-09
    run(engine, "2026-11-02 19:30", *daily("2026-11-03", "2026-11-10", "10:00", "19:30"), "2026-11-10 20:00")
    assert summary(engine, sop=SOP) == [
        ("invite", "c1", "s1", "2026-11-02 19:30", "expired", ""),
        ("invite", "c1", "s1", "2026-11-09 19:30", "expired", ""),
        ("invite", "c2", "s2", "2026-11-02 19:30", "cancelled", ""),
        ("invite", "c4", "s3", "2026-11-03 19:30", "expired", ""),
        ("invite", "c4", "s3", "2026-11-10 19:30", "due", ""),
    ]


def test_joining_after_the_invitation_fired_keeps_it_and_stops_the_next(engine: Engine, tmp_path: Path) -> None:
    brand = contacts(engine, tmp_path)
    run(engine, *daily("2026-11-02", "2026-11-05", "10:00", "19:30"))
    join(brand, engine, tmp_path / "c1-joins", "c1", "g1")
    run(engine, *daily("2026-11-06", "2026-11-10", "10:00", "19:30"))
    assert [row for row in summary(engine, sop=SOP) if row[1] == "c1"] == [
        ("invite", "c1", "s1", "2026-11-02 19:30", "expired", ""),
    ]
