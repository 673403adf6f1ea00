"""Scenario 13, 会员社群周历 (member-group-weekly): every group tagged 会员群 gets, for its owner, the
weekly calendar — Monday 09:00 preview, Tuesday 15:00 and 17:00 coupon posts, Friday 19:00 flash
sale — made up to the end of tomorrow, on public holidays too (no `workdays_only`; with
`workdays_only: true` a step moves to the next Chinese workday, make-up Saturdays included), and
a welcome naming the newcomer each time a member joins. A group that loses the tag leaves: its
pending calendar work is cancelled.

2026 around National Day (chinese_calendar): 10-01 (Thu) … 10-07 (Wed) are public holidays,
Saturday 10-10 is a make-up workday (调休)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.brand import settings
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, send_automatically, summary, task_rows

SOP = "member-group-weekly"
FILE = SCENARIOS / "13-group-weekly.yaml"
MONDAY_AT = 'at: {every: week, weekday: mon, time: "09:00"}'


def steps(engine: Engine, *step_ids: str) -> list[tuple[str, ...]]:
    """The summary rows of these steps."""
    return [row for row in summary(engine, sop=SOP) if row[0] in step_ids]


def member_groups(engine: Engine, tmp_path: Path) -> Brand:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("m1", "s1", name="王五")
    brand.add_customer("m2", "s2", name="赵六")
    brand.add_group("g1", "s1", tags=("会员群",), name="会员一群")
    brand.add_group("g2", "s2", tags=("会员群",), name="会员二群")
    brand.add_group("plain", "s1", tags=("售后群",))
    brand.write(engine, tmp_path)
    return brand


def monday_on_workdays_only(tmp_path: Path) -> Path:
    """A copy of the scenario SOP whose Monday step has `workdays_only: true`."""
    text = FILE.read_text(encoding="utf-8")
    assert text.count(MONDAY_AT) == 1
    path = tmp_path / "13-monday-workdays.yaml"
    path.write_text(text.replace(MONDAY_AT, f"{MONDAY_AT}\n    workdays_only: true"), encoding="utf-8")
    return path


def test_the_weekly_calendar_runs_through_the_national_day_holidays(engine: Engine, tmp_path: Path) -> None:
    member_groups(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-09-30 10:00"))  # a Wednesday
    run(engine, "2026-09-30 10:00", "2026-10-01 10:00")  # made up to the end of 10-02
    assert summary(engine, sop=SOP) == [
        ("fri-flash", "g1", "s1", "2026-10-02 19:00", "pending", ""),
        ("fri-flash", "g2", "s2", "2026-10-02 19:00", "pending", ""),
    ]
    run(engine, "2026-10-02 19:30", "2026-10-05 09:30", "2026-10-06 17:30")
    assert summary(engine, sop=SOP) == [
        ("fri-flash", "g1", "s1", "2026-10-02 19:00", "expired", ""),
        ("fri-flash", "g2", "s2", "2026-10-02 19:00", "expired", ""),
        ("mon-preview", "g1", "s1", "2026-10-05 09:00", "expired", ""),
        ("mon-preview", "g2", "s2", "2026-10-05 09:00", "expired", ""),
        ("tue-coupon-go", "g1", "s1", "2026-10-06 17:00", "due", ""),
        ("tue-coupon-go", "g2", "s2", "2026-10-06 17:00", "due", ""),
        ("tue-coupon-notice", "g1", "s1", "2026-10-06 15:00", "due", ""),
        ("tue-coupon-notice", "g2", "s2", "2026-10-06 15:00", "due", ""),
    ]
    rows = task_rows(engine, sop=SOP)
    assert {(r["target_type"], r["channel"], r["mode"]) for r in rows} == {("group", "group", "remind")}
    go = next(r for r in rows if r["step"] == "tue-coupon-go" and r["target"] == "g1")
    assert go["content"] == {"items": [{"text": "神券日开抢啦！抢到的宝子扣 1～"}]}


def test_a_workdays_only_monday_step_moves_past_the_holidays(engine: Engine, tmp_path: Path) -> None:
    member_groups(engine, tmp_path)
    apply_sops(engine, monday_on_workdays_only(tmp_path), now=at("2026-09-30 10:00"))
    run(engine, "2026-09-30 10:00", "2026-10-04 10:00", "2026-10-05 09:30", "2026-10-08 09:30")
    assert steps(engine, "mon-preview") == [
        ("mon-preview", "g1", "s1", "2026-10-08 09:00", "due", ""),  # Mon 10-05 is a holiday → Thu 10-08
        ("mon-preview", "g2", "s2", "2026-10-08 09:00", "due", ""),
    ]
    run(engine, "2026-10-11 10:00")
    assert steps(engine, "mon-preview") == [
        ("mon-preview", "g1", "s1", "2026-10-08 09:00", "expired", ""),
        ("mon-preview", "g1", "s1", "2026-10-12 09:00", "pending", ""),  # a plain Monday stays
        ("mon-preview", "g2", "s2", "2026-10-08 09:00", "expired", ""),
        ("mon-preview", "g2", "s2", "2026-10-12 09:00", "pending", ""),
    ]
    moved = task_rows(engine, sop=SOP)
    assert [r["scheduled_at"] for r in moved if r["step"] == "mon-preview" and r["target"] == "g1"] == [
        "2026-10-05T09:00:00+08:00",
        "2026-10-12T09:00:00+08:00",
    ]
    # the other steps keep `workdays_only: false`: Tuesday 10-06 is a holiday and they stay on it
    assert steps(engine, "tue-coupon-notice")[0] == ("tue-coupon-notice", "g1", "s1", "2026-10-06 15:00", "expired", "")


def test_a_workdays_only_step_can_land_on_a_make_up_saturday(engine: Engine, tmp_path: Path) -> None:
    member_groups(engine, tmp_path)
    with engine.begin() as conn:
        # the brand gives its staff 10-08 and 10-09 off too: the next workday after Monday 10-05
        # is then the make-up Saturday 10-10 that the State Council's calendar declares
        settings.set_value(
            conn, "workdays", {"2026-10-08": "holiday", "2026-10-09": "holiday"}, now_us=at("2026-09-30 09:00")
        )
    apply_sops(engine, monday_on_workdays_only(tmp_path), now=at("2026-09-30 10:00"))
    run(engine, "2026-09-30 10:00", "2026-10-04 10:00")
    assert steps(engine, "mon-preview") == [
        ("mon-preview", "g1", "s1", "2026-10-10 09:00", "pending", ""),
        ("mon-preview", "g2", "s2", "2026-10-10 09:00", "pending", ""),
    ]


def test_a_joining_member_is_welcomed_by_name(engine: Engine, tmp_path: Path) -> None:
    send_automatically(engine)
    brand = member_groups(engine, tmp_path)
    brand.add_event("member_joined", "2026-10-12 08:00", group="g1", customer="m2", event_id="j0")  # before enabling
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-12 09:00"))
    run(engine, "2026-10-12 09:00")
    brand.add_event("member_joined", "2026-10-12 10:00", group="g1", customer="m1", event_id="j1")
    brand.add_event("member_joined", "2026-10-12 11:00", group="g1", event_id="j2", name="小红")  # not a customer yet
    brand.add_event("group_joined", "2026-10-12 12:00", customer="m2", group="g2", event_id="j3")
    brand.add_event("member_joined", "2026-10-12 12:00", group="plain", customer="m1", event_id="j4")
    brand.write(engine, tmp_path)
    run(engine, "2026-10-12 12:30")
    assert steps(engine, "welcome") == [
        ("welcome", "g1", "s1", "2026-10-12 10:00", "due", ""),
        ("welcome", "g1", "s1", "2026-10-12 11:00", "due", ""),
        ("welcome", "g2", "s2", "2026-10-12 12:00", "due", ""),
    ]
    welcomes = [r for r in task_rows(engine, sop=SOP) if r["step"] == "welcome"]
    assert [(r["target_type"], r["channel"], r["mode"]) for r in welcomes] == [("group", "group", "auto")] * 3
    assert [r["content"]["items"][0]["text"] for r in welcomes] == [
        "欢迎 王五 加入！每天 10 点秒杀，福利及售后可以 @群主～",
        "欢迎 小红 加入！每天 10 点秒杀，福利及售后可以 @群主～",
        "欢迎 赵六 加入！每天 10 点秒杀，福利及售后可以 @群主～",
    ]


def test_a_group_that_loses_the_tag_leaves_and_its_pending_work_is_cancelled(engine: Engine, tmp_path: Path) -> None:
    brand = member_groups(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-10-12 09:00"))  # a Monday
    run(engine, "2026-10-12 09:00")
    brand.add_group("g2", "s2", tags=(), name="会员二群")  # the 会员群 tag is removed
    brand.write(engine, tmp_path)
    run(engine, "2026-10-13 10:30")
    brand.add_event("member_joined", "2026-10-13 11:00", group="g2", customer="m1", event_id="late")
    brand.write(engine, tmp_path)
    run(engine, "2026-10-13 17:30", "2026-10-15 10:00")
    assert summary(engine, sop=SOP) == [
        ("fri-flash", "g1", "s1", "2026-10-16 19:00", "pending", ""),
        ("mon-preview", "g1", "s1", "2026-10-12 09:00", "expired", ""),
        ("mon-preview", "g2", "s2", "2026-10-12 09:00", "expired", ""),  # was due already: not cancelled
        ("tue-coupon-go", "g1", "s1", "2026-10-13 17:00", "expired", ""),
        ("tue-coupon-go", "g2", "s2", "2026-10-13 17:00", "cancelled", ""),
        ("tue-coupon-notice", "g1", "s1", "2026-10-13 15:00", "expired", ""),
        ("tue-coupon-notice", "g2", "s2", "2026-10-13 15:00", "cancelled", ""),
    ]
    cancelled = [r["reason"] for r in task_rows(engine, sop=SOP) if r["status"] == "cancelled"]
    assert cancelled == ["离开人群"] * 2
