"""Scenario 14, 三天试听课活动 (trial-class-campaign), anchored at 2026-12-07 19:00: customers tagged
试听课意向 get the T−3 SMS (12-04 10:00, sent automatically) — not late if tagged after it; every
holder of 运营 gets the T−2 internal work item (12-05 10:00); each 试听课群 group gets the day-0
warm-up for its owner (13:30) and the after-class post for the group's own 助教 (20:30); on day 3
(12-10 20:00) owners follow up privately, except with customers who ordered in the last 7 days.
Phases are labels: they change no task."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, send_automatically, summary, task_rows

SOP = "trial-class-campaign"
FILE = SCENARIOS / "14-trial-class-campaign.yaml"
WANTS = ("试听课意向",)

# The whole campaign, ticked at TIMELINE: the T−3 SMS goes to both 运营 holders by the SHA-256
# draw (zhang → op1; li, wang → op2); `late` was tagged on 12-05, after T−3; li ordered on 12-05.
TIMELINE = (
    "2026-12-01 09:00",
    "2026-12-04 10:05",
    "2026-12-05 10:05",
    "2026-12-05 13:00",
    "2026-12-07 13:35",
    "2026-12-07 20:35",
    "2026-12-10 20:05",
)
WHOLE_CAMPAIGN = [
    ("after-followup", "late", "s1", "2026-12-10 20:00", "due", ""),
    ("after-followup", "li", "s2", "2026-12-10 20:00", "skipped", ""),
    ("after-followup", "wang", "s1", "2026-12-10 20:00", "due", ""),
    ("after-followup", "zhang", "s1", "2026-12-10 20:00", "due", ""),
    ("d1-after-class", "g1", "ta1", "2026-12-07 20:30", "expired", ""),
    ("d1-after-class", "g2", "ta2", "2026-12-07 20:30", "expired", ""),
    ("d1-after-class", "g3", "None", "2026-12-07 20:30", "skipped", ""),
    ("d1-warmup", "g1", "s1", "2026-12-07 13:30", "expired", ""),
    ("d1-warmup", "g2", "s2", "2026-12-07 13:30", "expired", ""),
    ("d1-warmup", "g3", "s1", "2026-12-07 13:30", "expired", ""),
    ("t-2-build-group", "op1", "op1", "2026-12-05 10:00", "expired", ""),
    ("t-2-build-group", "op2", "op2", "2026-12-05 10:00", "expired", ""),
    ("t-3-sms", "li", "op2", "2026-12-04 10:00", "expired", ""),
    ("t-3-sms", "wang", "op2", "2026-12-04 10:00", "expired", ""),
    ("t-3-sms", "zhang", "op1", "2026-12-04 10:00", "expired", ""),
]


def rows(engine: Engine, step: str) -> list[dict[str, object]]:
    return [r for r in task_rows(engine, sop=SOP) if r["step"] == step]


def campaign_brand(engine: Engine, tmp_path: Path) -> Brand:
    brand = Brand()
    for staff_id, roles in (("op1", "运营"), ("op2", "运营"), ("ta1", "助教"), ("ta2", "助教"), ("ta3", "助教")):
        brand.add_staff(staff_id, roles)
    brand.add_staff("s1", "销售")
    brand.add_staff("s2", "销售")
    brand.add_customer("zhang", "s1", tags=WANTS)
    brand.add_customer("li", "s2", tags=WANTS)
    brand.add_customer("wang", "s1", tags=WANTS)
    brand.add_event("order_paid", "2026-12-01 10:00", customer="wang", event_id="wang/order", amount=99)  # 9 days
    brand.add_customer("late", "s1")
    brand.add_customer("zhao", "s1", tags=("会员",))
    brand.add_group("g1", "s1", tags=("试听课群",), roles=(("ta1", "助教"),))
    brand.add_group("g2", "s2", tags=("试听课群",), roles=(("ta2", "助教"), ("op1", "运营")))
    brand.add_group("g3", "s1", tags=("试听课群",))  # nobody holds 助教 in g3 (ta3 holds it elsewhere)
    brand.add_group("other", "s1", tags=("会员群",), roles=(("ta1", "助教"),))
    brand.write(engine, tmp_path)
    return brand


def during_the_campaign(brand: Brand, engine: Engine, tmp_path: Path) -> None:
    """On 12-05, after T−3: `late` is tagged and li places an order."""
    brand.add_customer("late", "s1", tags=WANTS)
    brand.add_event("order_paid", "2026-12-05 12:00", customer="li", event_id="li/order", amount=1999)
    brand.write(engine, tmp_path)


def run_whole_campaign(engine: Engine, tmp_path: Path, sop_file: Path) -> None:
    brand = campaign_brand(engine, tmp_path)
    apply_sops(engine, sop_file, now=at(TIMELINE[0]))
    run(engine, *TIMELINE[:3])
    during_the_campaign(brand, engine, tmp_path)
    run(engine, *TIMELINE[3:])


def test_the_whole_campaign(engine: Engine, tmp_path: Path) -> None:
    run_whole_campaign(engine, tmp_path, FILE)
    assert summary(engine, sop=SOP) == WHOLE_CAMPAIGN


def test_phases_change_no_task(engine: Engine, tmp_path: Path) -> None:
    text = FILE.read_text(encoding="utf-8")
    start, end = text.index("phases:"), text.index("steps:")
    copy = tmp_path / "14-no-phases.yaml"
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "phases" not in copy.read_text(encoding="utf-8")
    run_whole_campaign(engine, tmp_path, copy)
    assert summary(engine, sop=SOP) == WHOLE_CAMPAIGN


def test_the_t3_sms_is_sent_automatically_to_tagged_customers(engine: Engine, tmp_path: Path) -> None:
    send_automatically(engine)
    campaign_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-12-01 09:00"))
    run(engine, "2026-12-01 09:00", "2026-12-04 10:05")
    sms = rows(engine, "t-3-sms")
    assert [(r["target"], r["target_type"], r["executor"], r["status"]) for r in sms] == [
        ("zhang", "customer", "op1", "due"),
        ("li", "customer", "op2", "due"),
        ("wang", "customer", "op2", "due"),
    ]
    assert {(r["channel"], r["mode"], r["due_at"]) for r in sms} == {("sms", "auto", "2026-12-04T10:00:00+08:00")}
    assert sms[0]["content"] == {"items": [{"text": "【学堂】免费试听课 12 月 7 日 19:00 开课，三天三节，名额有限～"}]}


def test_a_customer_tagged_after_t3_does_not_get_the_sms_late(engine: Engine, tmp_path: Path) -> None:
    brand = campaign_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-12-01 09:00"))
    run(engine, "2026-12-01 09:00", "2026-12-04 10:05", "2026-12-05 10:05")
    during_the_campaign(brand, engine, tmp_path)
    run(engine, "2026-12-05 13:00", "2026-12-06 09:00")
    assert [row[:5] for row in summary(engine, sop=SOP) if row[1] == "late"] == [
        ("after-followup", "late", "s1", "2026-12-10 20:00", "pending"),
    ]


def test_every_holder_of_the_role_gets_the_t2_work_item(engine: Engine, tmp_path: Path) -> None:
    campaign_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-12-01 09:00"))
    run(engine, "2026-12-01 09:00", "2026-12-05 10:05")
    work = rows(engine, "t-2-build-group")
    assert [(r["target"], r["target_type"], r["executor"], r["status"]) for r in work] == [
        ("op1", "staff", "op1", "due"),
        ("op2", "staff", "op2", "due"),
    ]
    assert {(r["channel"], r["mode"], r["due_at"]) for r in work} == {
        ("internal", "remind", "2026-12-05T10:00:00+08:00")
    }
    assert work[0]["content"] == {"items": [{"text": "搭建试听课群：群公告、新人引导话术、入群欢迎语"}]}


def test_day0_group_steps_go_to_the_group_owner_and_the_groups_own_assistant(engine: Engine, tmp_path: Path) -> None:
    campaign_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-12-01 09:00"))
    run(engine, "2026-12-01 09:00", "2026-12-07 13:35", "2026-12-07 20:35")
    assert [row for row in summary(engine, sop=SOP) if row[0].startswith("d1-")] == [
        ("d1-after-class", "g1", "ta1", "2026-12-07 20:30", "due", ""),
        ("d1-after-class", "g2", "ta2", "2026-12-07 20:30", "due", ""),
        ("d1-after-class", "g3", "None", "2026-12-07 20:30", "skipped", ""),
        ("d1-warmup", "g1", "s1", "2026-12-07 13:30", "due", ""),
        ("d1-warmup", "g2", "s2", "2026-12-07 13:30", "due", ""),
        ("d1-warmup", "g3", "s1", "2026-12-07 13:30", "due", ""),
    ]
    [nobody] = [r for r in rows(engine, "d1-after-class") if r["target"] == "g3"]
    assert nobody["reason"] == "没有执行人"
    warmup = rows(engine, "d1-warmup")[0]
    assert (warmup["target_type"], warmup["channel"], warmup["mode"]) == ("group", "group", "remind")


def test_the_day3_follow_up_skips_customers_who_ordered_in_the_last_7_days(engine: Engine, tmp_path: Path) -> None:
    brand = campaign_brand(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-12-01 09:00"))
    run(engine, "2026-12-01 09:00")
    during_the_campaign(brand, engine, tmp_path)
    run(engine, "2026-12-10 20:05")
    follow = rows(engine, "after-followup")
    assert [(r["target"], r["executor"], r["status"]) for r in follow] == [
        ("zhang", "s1", "due"),
        ("li", "s2", "skipped"),  # ordered on 12-05
        ("wang", "s1", "due"),  # ordered on 12-01: 9 days before
    ]
    assert str(follow[1]["reason"]).startswith("执行条件不满足：")
    assert (follow[0]["channel"], follow[0]["mode"]) == ("private", "remind")
