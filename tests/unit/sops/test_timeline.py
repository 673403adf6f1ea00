"""The time-axis view of an SOP: points on days after entry, T−n with phases for campaigns, a week
grid for weekly calendars, bands for other recurring steps, a lane for `on:` steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from siyu.core.model import Sop
from siyu.sops.repo import read_file
from siyu.sops.timeline import (
    ContentView,
    Layout,
    Timeline,
    TimingKind,
    VariantView,
    campaign_day,
    duration_text,
    rule_week_slots,
    source_diff,
    timeline,
)
from tests.support.brand import SCENARIOS
from tests.unit.core.sop_samples import parse_one

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "sops"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKS = sorted([*EXAMPLES.glob("*.yaml"), *SCENARIOS.glob("*.yaml")])


def example(file: str, sop_id: str, folder: Path = EXAMPLES) -> Sop:
    found, problems, _ = read_file(folder / file)
    assert not problems
    return next(item.sop for item in found if item.sop.id == sop_id)


def days_of(view: Timeline) -> list[tuple[int, list[str]]]:
    return [(mark.day, [s.id for s in mark.steps]) for mark in view.days]


def week_of(view: Timeline) -> dict[str, list[tuple[str, str]]]:
    return {column.weekday: [(slot.time, slot.step.id) for slot in column.slots] for column in view.week}


@pytest.mark.parametrize("file", PACKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_sop_has_every_step_on_its_axis(file: Path) -> None:
    found, problems, _ = read_file(file)
    assert not problems and found
    for item in found:
        view = timeline(item.sop, SHANGHAI)
        assert view.steps == len(item.sop.steps)
        assert view.first_day <= view.last_day
        assert all(0 < mark.at < 100 for mark in view.days)
        assert [mark.day for mark in view.days] == sorted({mark.day for mark in view.days})
        if item.sop.kind.value == "campaign":
            assert view.layout is Layout.campaign
            assert all(mark.date is not None for mark in view.days)


def test_days_after_entry_with_a_nightly_band() -> None:
    view = timeline(example("01-unbound-revisit.yaml", "unbound-revisit"))
    assert view.layout is Layout.relative
    assert (view.first_day, view.last_day) == (0, 23)
    assert days_of(view) == [(0, ["day7-invite"]), (23, ["day30-invite"])]
    # 24 day columns; a point sits in the middle of its day
    assert [mark.at for mark in view.days] == [2.08, 97.92]
    [nightly] = view.recurring
    assert (nightly.id, nightly.timing.kind, nightly.timing.period, nightly.timing.time) == (
        "daily-nudge",
        TimingKind.every,
        "day",
        "20:00",
    )
    assert nightly.conditional is True
    first = view.days[0].steps[0]
    assert (first.channel, first.executor, first.mode, first.notes) == (
        "private",
        "owner",
        "remind",
        "先问候再发链接，不要连发",
    )
    assert first.content[1] == ContentView("link", "绑定暖柚会员账号", "https://example.com/nuanyou/bind")


def test_delays_come_first_in_their_day_by_length() -> None:
    view = timeline(example("12-new-friend-onboarding.yaml", "new-friend-onboarding"))
    assert days_of(view) == [(0, ["hello", "quiz"]), (1, ["group-invite"])]
    hello, quiz = view.days[0].steps
    assert (hello.timing.kind, hello.timing.delay, quiz.timing.delay) == (TimingKind.delay, "0m", "10m")
    assert view.days[1].steps[0].timing.time == "20:00"


def test_a_variant_keeps_its_own_content_or_none() -> None:
    view = timeline(example("08-after-sales.yaml", "after-sales-revisit"))
    ask = view.days[0].steps[0]
    assert ask.variants[0] == VariantView("a", 50, None)
    assert ask.variants[1].content is not None
    assert ask.variants[1].content[0].text.startswith("亲，{{last_order.product}}用得怎么样")


def test_a_weekly_calendar_is_a_week_grid_with_events_aside() -> None:
    view = timeline(example("13-group-weekly.yaml", "member-group-weekly"))
    assert view.layout is Layout.week
    assert week_of(view) == {
        "mon": [("09:00", "mon-preview")],
        "tue": [("15:00", "tue-coupon-notice"), ("17:00", "tue-coupon-go"), ("17:05", "tue-koc-echo")],
        "wed": [("20:00", "wed-lottery")],
        "thu": [],
        "fri": [("19:00", "fri-flash")],
        "sat": [],
        "sun": [],
    }
    [welcome] = view.on_event
    assert (welcome.id, welcome.timing.event, welcome.mode) == ("welcome", "member_joined", "auto")
    assert view.days == () and view.recurring == ()
    rules = timeline(example("13-group-weekly.yaml", "newcomer-group-welcome"))
    assert rules.week[0].slots[0].step.timing.workdays_only is True
    assert rules.week[0].slots[0].step.executor == "role:群管理"


def test_daily_steps_fill_every_day_of_a_week_grid_and_rules_with_weekdays_join_it() -> None:
    sop = parse_one(
        """
        id: rhythm
        name: 节奏
        kind: moments
        steps:
          - {id: daily, at: {every: day, time: "08:30"}, channel: moments, executor: self, content: [{text: 早}]}
          - id: twice
            at: {rrule: "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0"}
            channel: moments
            executor: self
            content: [{text: 午}]
          - id: monthly
            at: {every: month, monthday: 1, time: "10:00"}
            channel: moments
            executor: self
            content: [{text: 月}]
        """
    )
    view = timeline(sop)
    assert view.layout is Layout.week
    grid = week_of(view)
    assert grid["mon"] == [("08:30", "daily")]
    assert grid["tue"] == [("08:30", "daily"), ("15:00", "twice")]
    assert grid["thu"] == [("08:30", "daily"), ("15:00", "twice")]
    assert [s.id for s in view.recurring] == ["monthly"]
    assert view.recurring[0].timing.monthday == 1


def test_daily_steps_without_a_week_stay_bands() -> None:
    view = timeline(example("15-moments.yaml", "moments-warmup"))
    assert view.layout is Layout.relative
    assert view.week == () and view.days == ()
    assert [(s.id, s.timing.time) for s in view.recurring] == [("morning-post", "08:30"), ("evening-post", "21:00")]


@pytest.mark.parametrize(
    ("rule", "slots"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0", [("tue", "15:00"), ("thu", "15:00")]),
        ("RRULE:FREQ=DAILY;BYDAY=MO;BYHOUR=9,18;BYMINUTE=30", [("mon", "09:30"), ("mon", "18:30")]),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0", None),
        ("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", None),
        ("FREQ=DAILY;BYHOUR=9;BYMINUTE=0", None),
        ("FREQ=HOURLY;BYMINUTE=0", None),
    ],
)
def test_which_rules_fit_a_week(rule: str, slots: list[tuple[str, str]] | None) -> None:
    assert rule_week_slots(rule) == slots


def test_a_campaign_counts_days_from_its_anchor_with_phases() -> None:
    view = timeline(example("14-trial-class-campaign.yaml", "trial-class-campaign"), SHANGHAI)
    assert view.layout is Layout.campaign
    assert view.anchor_date == date(2026, 12, 1)
    assert (view.first_day, view.last_day) == (-7, 8)
    assert [(m.day, m.phase, m.date) for m in view.days] == [
        (-7, "筹备期", date(2026, 11, 24)),
        (-3, "预热期", date(2026, 11, 28)),
        (-2, "预热期", date(2026, 11, 29)),
        (0, "启动期", date(2026, 12, 1)),
        (1, "启动期", date(2026, 12, 2)),
        (2, "启动期", date(2026, 12, 3)),
        (3, "收尾期", date(2026, 12, 4)),
    ]
    assert days_of(view)[3] == (0, ["d1-warmup", "d1-after-class"])
    # 16 day columns from T−7 to T+8: each phase covers its days whole
    assert [(p.name, p.start, p.width) for p in view.phases] == [
        ("筹备期", 0.0, 25.0),
        ("预热期", 25.0, 18.75),
        ("启动期", 43.75, 18.75),
        ("收尾期", 62.5, 37.5),
    ]
    internal = view.days[0].steps[0]
    assert (internal.channel, internal.executor) == ("internal", "role:设计师")


def test_a_one_day_phase_is_one_column_wide() -> None:
    view = timeline(example("16-year-end-campaign.yaml", "year-end-campaign"), SHANGHAI)
    assert (view.first_day, view.last_day) == (-14, 3)
    promo = next(p for p in view.phases if p.name == "促销期")
    assert (promo.first_day, promo.last_day, promo.width) == (0, 0, 5.56)
    assert days_of(view)[-2] == (0, ["go-live", "last-call"])


def test_the_scenario_campaign_pack_reads_too() -> None:
    view = timeline(example("14-trial-class-campaign.yaml", "trial-class-campaign", SCENARIOS), SHANGHAI)
    assert [m.day for m in view.days] == [-3, -2, 0, 3]


@pytest.mark.parametrize(("day", "label"), [(-7, "T−7"), (0, "T"), (2, "T+2")])
def test_campaign_day_labels(day: int, label: str) -> None:
    assert campaign_day(day) == label


@pytest.mark.parametrize(
    ("us", "text"), [(0, "0m"), (10 * 60_000_000, "10m"), (7_200_000_000, "2h"), (86_400_000_000 * 3, "3d")]
)
def test_durations_read_in_their_largest_unit(us: int, text: str) -> None:
    assert duration_text(us) == text


def test_source_diff_marks_each_line() -> None:
    lines = source_diff("a: 1\nb: 2\n", "a: 1\nb: 3\n", "v1", "v2")
    assert [(line.kind, line.text) for line in lines] == [
        ("file", "--- v1"),
        ("file", "+++ v2"),
        ("hunk", "@@ -1,2 +1,2 @@"),
        ("same", " a: 1"),
        ("del", "-b: 2"),
        ("add", "+b: 3"),
    ]
    assert source_diff("same\n", "same\n", "v1", "v2") == []
    removed_marker = source_diff("---\nid: x\n", "id: x\n", "v1", "v2")
    assert [line.kind for line in removed_marker] == ["file", "file", "hunk", "del", "same"]
