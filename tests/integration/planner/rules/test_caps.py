"""Frequency caps: at most 2 customer-facing touches (private, sms) per customer per local day
and 5 per local week, across SOPs; a higher-priority SOP keeps its slot, ties go to the
earlier-planned task, deferred tasks carry the reason; group, internal and moments work is not
capped; the caps come from the brand's settings."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.planner.rules.support import MONDAY, apply_text, brief, history, run, set_setting, tasks_of
from tests.support.brand import Brand

DAILY = "每日上限 2 已满，顺延 1 天"


def one_step(sop_id: str, time: str, *, priority: int = 0, day: int = 1, channel: str = "private") -> str:
    return f"""
        id: {sop_id}
        name: {sop_id}
        kind: customer
        priority: {priority}
        audience: {{tag: 会员}}
        steps:
          - id: touch
            at: {{day: {day}, time: "{time}"}}
            channel: {channel}
            executor: owner
            content: [{{text: "{sop_id}"}}]
    """


def member(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.write(engine, tmp_path)


def dues(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """SOP → (local due, reason) of c1's single task in it."""
    return {t["sop"]: (t["due_at"][:16].replace("T", " "), t["reason"]) for t in tasks_of(engine, None)}


def test_higher_priority_keeps_its_slot_and_pushes_a_lower_priority_pending_task(
    engine: Engine, tmp_path: Path
) -> None:
    member(engine, tmp_path)
    apply_text(engine, tmp_path, one_step("cap-low-1", "10:00"), f"{MONDAY} 08:00")
    apply_text(engine, tmp_path, one_step("cap-low-2", "11:00"), f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    assert dues(engine) == {"cap-low-1": ("2026-03-03 10:00", None), "cap-low-2": ("2026-03-03 11:00", None)}

    apply_text(engine, tmp_path, one_step("cap-high", "15:00", priority=5), f"{MONDAY} 09:30")
    run(engine, f"{MONDAY} 10:00")
    assert dues(engine) == {
        "cap-low-1": ("2026-03-03 10:00", None),
        "cap-low-2": ("2026-03-04 11:00", DAILY),
        "cap-high": ("2026-03-03 15:00", None),
    }
    assert {t["status"] for t in tasks_of(engine, None)} == {"pending"}

    # the move is in the history, and the reason stays once the task is due
    pushed = next(t for t in tasks_of(engine, None) if t["sop"] == "cap-low-2")
    assert history(engine, pushed["id"]) == [("pending", "planner", DAILY)]
    run(engine, "2026-03-04 11:01")
    assert [(t["status"], t["reason"]) for t in tasks_of(engine, "cap-low-2")] == [("due", DAILY)]


def test_ties_go_to_the_earlier_planned_task(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    apply_text(engine, tmp_path, one_step("tie-first", "16:00"), f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")
    apply_text(engine, tmp_path, one_step("tie-second", "12:00"), f"{MONDAY} 09:30")
    run(engine, f"{MONDAY} 10:00")
    apply_text(engine, tmp_path, one_step("tie-third", "09:00"), f"{MONDAY} 10:30")
    run(engine, f"{MONDAY} 11:00")

    # the last planned is deferred, although it is the earliest of the day
    assert dues(engine) == {
        "tie-first": ("2026-03-03 16:00", None),
        "tie-second": ("2026-03-03 12:00", None),
        "tie-third": ("2026-03-04 09:00", DAILY),
    }


def test_weekly_cap_counts_across_sops_monday_to_sunday(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    for number, day in enumerate((0, 1, 2, 3, 4, 5), start=1):  # Monday … Saturday at 20:00
        apply_text(engine, tmp_path, one_step(f"week-{number}", "20:00", day=day), f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    assert dues(engine) == {
        "week-1": ("2026-03-02 20:00", None),
        "week-2": ("2026-03-03 20:00", None),
        "week-3": ("2026-03-04 20:00", None),
        "week-4": ("2026-03-05 20:00", None),
        "week-5": ("2026-03-06 20:00", None),
        # Saturday and Sunday are in the full week: the next Monday
        "week-6": ("2026-03-09 20:00", "每周上限 5 已满，顺延 2 天"),
    }


def test_sms_counts_and_internal_group_and_moments_work_is_not_capped(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1", "导购")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.add_group("g1", "s1", tags=("会员群",), members=("c1",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, one_step("cap-private", "10:00"), f"{MONDAY} 08:00")
    apply_text(engine, tmp_path, one_step("cap-sms", "11:00", channel="sms"), f"{MONDAY} 08:00")
    for number in range(3):
        apply_text(engine, tmp_path, one_step(f"cap-internal-{number}", "12:00", channel="internal"), f"{MONDAY} 08:00")
    group_steps = "".join(
        f"""
          - id: g{number}
            at: {{every: day, time: "1{number}:30"}}
            channel: group
            executor: group_owner
            content: [{{text: "群消息 {number}"}}]"""
        for number in range(3)
    )
    apply_text(
        engine,
        tmp_path,
        f"""
        id: cap-group
        name: cap group
        kind: group
        audience: {{tag: 会员群}}
        steps:{group_steps}
        """,
        f"{MONDAY} 08:00",
    )
    moments_steps = group_steps.replace("group_owner", "self").replace("channel: group", "channel: moments")
    apply_text(
        engine,
        tmp_path,
        f"""
        id: cap-moments
        name: cap moments
        kind: moments
        audience: {{role: 导购}}
        steps:{moments_steps}
        """,
        f"{MONDAY} 08:00",
    )
    run(engine, f"{MONDAY} 09:00")
    apply_text(engine, tmp_path, one_step("cap-late", "20:00"), f"{MONDAY} 09:30")
    run(engine, f"{MONDAY} 10:00")

    tuesday = [t for t in tasks_of(engine, None) if t["due_at"].startswith("2026-03-03")]
    deferred = [(t["sop"], t["reason"]) for t in tasks_of(engine, None) if t["reason"]]
    assert deferred == [("cap-late", DAILY)]  # private + sms fill Tuesday; nothing else moved
    assert sorted(t["sop"] for t in tuesday if t["channel"] in ("private", "sms")) == ["cap-private", "cap-sms"]
    assert sorted(t["sop"] for t in tuesday if t["channel"] == "internal") == [f"cap-internal-{n}" for n in range(3)]
    for sop, target in (("cap-group", "g1"), ("cap-moments", "s1")):
        # three a day, each at its own time: none moved
        assert [(step, who, due) for step, who, _n, due, _s in brief(engine, sop)] == [
            ("g0", target, "2026-03-02 10:30"),
            ("g0", target, "2026-03-03 10:30"),
            ("g1", target, "2026-03-02 11:30"),
            ("g1", target, "2026-03-03 11:30"),
            ("g2", target, "2026-03-02 12:30"),
            ("g2", target, "2026-03-03 12:30"),
        ]


def test_caps_follow_the_settings(engine: Engine, tmp_path: Path) -> None:
    member(engine, tmp_path)
    set_setting(engine, "caps", {"per_day": 1, "per_week": 5})
    apply_text(engine, tmp_path, one_step("set-first", "10:00"), f"{MONDAY} 08:00")
    apply_text(engine, tmp_path, one_step("set-second", "11:00"), f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00")

    assert dues(engine) == {
        "set-first": ("2026-03-03 10:00", None),
        "set-second": ("2026-03-04 11:00", "每日上限 1 已满，顺延 1 天"),
    }
