"""Scenario 07 (fission), two SOPs over customers tagged 双11裂变活动:

- fission-poster: the poster at 12:00 on the day they enter (once);
- fission-reward: once 6 distinct contacts were added with `referrer` = this customer, the
  reward link is sent at once (`delay: 0m`, `mode: auto`: the channel sends it; its executor is
  still the owner), once ever.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, send_automatically, summary, task_rows

POSTER = "fission-poster"
REWARD = "fission-reward"
FILE = SCENARIOS / "07-fission.yaml"
CAMPAIGN = "双11裂变活动"


def campaign(engine: Engine, tmp_path: Path) -> None:
    """k1 (s1) and k2 (s2) are in the campaign, k3 (s3) is not. k1 reaches 6 referrals at 15:20
    on 11-06 (and a 7th on 11-08); k2 has 6 referral events from only 5 contacts; k3 has 6."""
    brand = Brand()
    for staff in ("s1", "s2", "s3", "s9"):
        brand.add_staff(staff)
    brand.add_customer("k1", "s1", tags=(CAMPAIGN,))
    brand.add_customer("k2", "s2", tags=(CAMPAIGN,))
    brand.add_customer("k3", "s3")
    referred = {
        "k1": ["11-02 10:00", "11-03 10:00", "11-04 10:00", "11-05 10:00", "11-05 11:00", "11-06 15:20", "11-08 09:00"],
        "k2": ["11-02 10:00", "11-03 10:00", "11-04 10:00", "11-05 10:00", "11-05 11:00"],
        "k3": ["11-02 10:00", "11-03 10:00", "11-04 10:00", "11-05 10:00", "11-05 11:00", "11-06 09:00"],
    }
    for referrer, moments in referred.items():
        for number, moment in enumerate(moments, start=1):
            contact = f"{referrer}-friend{number}"
            brand.add_customer(contact, "s9")
            brand.add_event("friend_added", f"2026-{moment}", customer=contact, referrer=referrer)
    # k2's first friend deleted and added again: still one contact
    brand.add_event("friend_added", "2026-11-06 15:10", customer="k2-friend1", referrer="k2")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-01 10:00"))


def test_campaign_customers_get_the_poster_at_noon(engine: Engine, tmp_path: Path) -> None:
    campaign(engine, tmp_path)
    run(engine, "2026-11-01 10:00")
    assert summary(engine, sop=POSTER) == [
        ("poster", "k1", "s1", "2026-11-01 12:00", "pending", ""),
        ("poster", "k2", "s2", "2026-11-01 12:00", "pending", ""),
    ]
    run(engine, "2026-11-01 12:00", "2026-11-02 12:30", "2026-11-10 12:00")
    assert summary(engine, sop=POSTER) == [
        ("poster", "k1", "s1", "2026-11-01 12:00", "expired", ""),
        ("poster", "k2", "s2", "2026-11-01 12:00", "expired", ""),
    ]
    assert task_rows(engine, sop=POSTER)[0]["content"] == {
        "items": [
            {"text": "【免费领取】价值119元的T恤⬇️扫码生成专属邀请海报，邀请6位好友成功助力即可领取，包邮到家～"},
            {"image": "assets/fission-poster.png"},
        ]
    }


def test_six_referrals_trigger_the_reward_once(engine: Engine, tmp_path: Path) -> None:
    send_automatically(engine)
    campaign(engine, tmp_path)
    run(engine, "2026-11-01 10:00", "2026-11-01 12:00", "2026-11-06 15:00", "2026-11-06 15:30")
    assert summary(engine, sop=REWARD) == []  # k1 has 6 since 15:20, but the next check is at 16:00

    run(engine, "2026-11-06 16:00")
    assert summary(engine, sop=REWARD) == [("reward", "k1", "s1", "2026-11-06 16:00", "due", "")]
    (reward,) = task_rows(engine, sop=REWARD)
    assert (reward["channel"], reward["mode"]) == ("private", "auto")
    assert reward["content"] == {
        "items": [
            {"text": "恭喜你邀请满 6 位好友！T 恤领取链接已为你生成～"},
            {"link": {"title": "填写收货地址", "url": "https://example.com/reward"}},
        ]
    }

    # a 7th referral on 11-08 makes no second reward (reentry: never); k2 stays at 5 contacts
    run(engine, "2026-11-08 10:00", "2026-11-10 10:00")
    assert summary(engine, sop=REWARD) == [("reward", "k1", "s1", "2026-11-06 16:00", "expired", "")]


def test_referrals_after_a_late_evening_are_rewarded_at_eight(engine: Engine, tmp_path: Path) -> None:
    """The 6th referral at 22:06: the auto send is customer-facing, so quiet hours hold it to 08:00."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("k1", "s1", tags=(CAMPAIGN,))
    for number in range(1, 7):
        brand.add_customer(f"f{number}", "s1")
        brand.add_event("friend_added", f"2026-11-02 22:{number:02d}", customer=f"f{number}", referrer="k1")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-01 10:00"))
    run(engine, "2026-11-01 10:00", "2026-11-02 23:00")
    assert summary(engine, sop=REWARD) == [("reward", "k1", "s1", "2026-11-03 08:00", "pending", "")]
    run(engine, "2026-11-03 08:00")
    assert summary(engine, sop=REWARD) == [("reward", "k1", "s1", "2026-11-03 08:00", "due", "")]
