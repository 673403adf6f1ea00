"""Time specs → instants, quiet hours and workdays: local wall times across DST, the edges of
windows and quiet periods to the microsecond, and brute-force checks of the recurring forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from siyu.core.brand import BrandSettings, QuietHours
from siyu.core.model import DayAt, Delay, Every, NextAt, Period, RRule, Weekday
from siyu.core.schedule import (
    campaign_instant,
    due_instant,
    local_instant,
    one_shot,
    quiet_adjusted,
    recurring,
    recurring_candidates,
    workday_adjusted,
)
from siyu.core.timeutil import US_PER_DAY, US_PER_SECOND, from_us, to_us
from siyu.core.workdays import CalendarError, WorkdayCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = [SHANGHAI, NEW_YORK, ZoneInfo("UTC"), ZoneInfo("Pacific/Apia"), ZoneInfo("Australia/Lord_Howe")]
MINUTE = 60 * US_PER_SECOND
HOUR = 60 * MINUTE


def at(zone: ZoneInfo, *fields: int, fold: int = 0) -> int:
    """An instant from local fields (year, month, day, hour, minute, second, µs)."""
    return to_us(datetime(*fields, tzinfo=zone, fold=fold))  # type: ignore[misc]


def sh(*fields: int) -> int:
    return at(SHANGHAI, *fields)


def utc(*fields: int) -> int:
    return to_us(datetime(*fields, tzinfo=UTC))  # type: ignore[misc]


def local(us: int, zone: ZoneInfo = SHANGHAI) -> str:
    return from_us(us, zone).isoformat()


# ---------------------------------------------------------------- local_instant


def test_local_instant_in_shanghai() -> None:
    assert local_instant(date(2026, 6, 1), time(9, 0), SHANGHAI) == utc(2026, 6, 1, 1, 0)


def test_a_wall_time_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    # New York, 8 March 2026: 02:00 EST jumps to 03:00 EDT
    assert local(local_instant(date(2026, 3, 8), time(2, 30), NEW_YORK), NEW_YORK) == "2026-03-08T03:30:00-04:00"
    assert local_instant(date(2026, 3, 8), time(3, 0), NEW_YORK) == utc(2026, 3, 8, 7, 0)
    assert local_instant(date(2026, 3, 8), time(1, 59), NEW_YORK) == utc(2026, 3, 8, 6, 59)


def test_an_ambiguous_wall_time_takes_its_first_occurrence() -> None:
    # New York, 1 November 2026: 01:00–02:00 happens twice, first in EDT
    assert local_instant(date(2026, 11, 1), time(1, 30), NEW_YORK) == utc(2026, 11, 1, 5, 30)


# ---------------------------------------------------------------- one_shot


def test_delay_is_exact() -> None:
    entered = sh(2026, 6, 1, 23, 50, 12, 5)
    assert one_shot(Delay(30 * MINUTE), entered, SHANGHAI) == entered + 30 * MINUTE
    assert one_shot(Delay(0), entered, SHANGHAI) == entered


def test_day_0_at_a_time_already_past_fires_at_entry() -> None:
    entered = sh(2026, 6, 1, 21, 0, 0, 1)
    assert one_shot(DayAt(0, time(20, 0)), entered, SHANGHAI) == entered
    assert one_shot(DayAt(0, time(21, 0)), entered, SHANGHAI) == entered  # past by a microsecond
    assert one_shot(DayAt(0, time(22, 0)), entered, SHANGHAI) == sh(2026, 6, 1, 22, 0)


def test_day_n_counts_local_dates_and_never_moves() -> None:
    entered = sh(2026, 6, 1, 23, 59)  # 15:59 UTC: the UTC date would be the same, the local one matters
    assert one_shot(DayAt(1, time(8, 0)), entered, SHANGHAI) == sh(2026, 6, 2, 8, 0)
    assert one_shot(DayAt(7, time(0, 0)), entered, SHANGHAI) == sh(2026, 6, 8, 0, 0)
    late_utc = utc(2026, 6, 1, 17, 0)  # already 2 June in Shanghai
    assert one_shot(DayAt(1, time(8, 0)), late_utc, SHANGHAI) == sh(2026, 6, 3, 8, 0)


def test_day_n_across_daylight_saving_keeps_the_wall_time() -> None:
    entered = at(NEW_YORK, 2026, 3, 7, 12, 0)
    assert local(one_shot(DayAt(1, time(9, 0)), entered, NEW_YORK), NEW_YORK) == "2026-03-08T09:00:00-04:00"
    assert local(one_shot(DayAt(1, time(2, 30)), entered, NEW_YORK), NEW_YORK) == "2026-03-08T03:30:00-04:00"


def test_next_is_the_first_local_time_at_or_after_entry() -> None:
    assert one_shot(NextAt(time(10, 0)), sh(2026, 6, 1, 10, 0), SHANGHAI) == sh(2026, 6, 1, 10, 0)
    assert one_shot(NextAt(time(10, 0)), sh(2026, 6, 1, 9, 59, 59, 999_999), SHANGHAI) == sh(2026, 6, 1, 10, 0)
    assert one_shot(NextAt(time(10, 0)), sh(2026, 6, 1, 10, 0, 0, 1), SHANGHAI) == sh(2026, 6, 2, 10, 0)


@given(st.sampled_from(ZONES), st.integers(utc(2024, 1, 1), utc(2028, 1, 1)), st.integers(0, 1439))
def test_next_fires_within_a_day_and_a_gap_of_entry(zone: ZoneInfo, entered: int, minute: int) -> None:
    fires = one_shot(NextAt(time(minute // 60, minute % 60)), entered, zone)
    assert entered <= fires <= entered + US_PER_DAY + 2 * HOUR


# ---------------------------------------------------------------- campaign_instant


def test_campaign_days_count_from_the_anchors_local_date() -> None:
    anchor = datetime.fromisoformat("2026-12-07T19:00:00+08:00")
    assert campaign_instant(DayAt(-3, time(10, 0)), anchor, SHANGHAI) == sh(2026, 12, 4, 10, 0)
    assert campaign_instant(DayAt(0, time(20, 0)), anchor, SHANGHAI) == sh(2026, 12, 7, 20, 0)
    same_moment_in_utc = datetime.fromisoformat("2026-12-06T20:00:00+00:00")  # 7 December 04:00 in Shanghai
    assert campaign_instant(DayAt(1, time(9, 0)), same_moment_in_utc, SHANGHAI) == sh(2026, 12, 8, 9, 0)


def test_a_naive_anchor_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        campaign_instant(DayAt(0, time(9, 0)), datetime(2026, 12, 7), SHANGHAI)


# ---------------------------------------------------------------- recurring: every


def test_every_day_window_excludes_after_and_includes_until() -> None:
    spec = Every(Period.day, time(9, 0))
    entered = sh(2026, 1, 1)
    nine = sh(2026, 6, 1, 9, 0)
    assert recurring(spec, entered, nine, nine + 2 * US_PER_DAY, SHANGHAI) == [nine + US_PER_DAY, nine + 2 * US_PER_DAY]
    assert recurring(spec, entered, nine - 1, nine, SHANGHAI) == [nine]
    assert recurring(spec, entered, nine, nine, SHANGHAI) == []
    assert recurring(spec, entered, nine - 1, nine - 1 + US_PER_DAY, SHANGHAI) == [nine]


def test_every_never_fires_before_entry_and_fires_at_entry_itself() -> None:
    spec = Every(Period.day, time(9, 0))
    nine = sh(2026, 6, 1, 9, 0)
    window = (nine - US_PER_DAY, nine + US_PER_DAY)
    assert recurring(spec, nine, *window, SHANGHAI) == [nine, nine + US_PER_DAY]
    assert recurring(spec, nine + 1, *window, SHANGHAI) == [nine + US_PER_DAY]


def test_every_week_on_its_weekday_across_a_window() -> None:
    spec = Every(Period.week, time(9, 30), weekday=Weekday.mon)
    got = recurring(spec, sh(2026, 1, 1), sh(2026, 6, 1, 9, 30), sh(2026, 6, 22, 9, 30), SHANGHAI)
    assert [local(us) for us in got] == [
        "2026-06-08T09:30:00+08:00",
        "2026-06-15T09:30:00+08:00",
        "2026-06-22T09:30:00+08:00",
    ]


def test_every_month_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    spec = Every(Period.month, time(10, 0), monthday=31)
    got = recurring(spec, sh(2026, 1, 1), sh(2026, 1, 1), sh(2026, 5, 1), SHANGHAI)
    assert [from_us(us, SHANGHAI).date() for us in got] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    leap = recurring(spec, sh(2028, 1, 1), sh(2028, 2, 1), sh(2028, 3, 1), SHANGHAI)
    assert [from_us(us, SHANGHAI).date() for us in leap] == [date(2028, 2, 29)]


def test_every_day_across_daylight_saving_in_new_york() -> None:
    spec = Every(Period.day, time(2, 30))
    spring = recurring(spec, 0, at(NEW_YORK, 2026, 3, 7), at(NEW_YORK, 2026, 3, 10), NEW_YORK)
    assert [local(us, NEW_YORK) for us in spring] == [
        "2026-03-07T02:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-09T02:30:00-04:00",
    ]
    fall = recurring(Every(Period.day, time(1, 30)), 0, at(NEW_YORK, 2026, 10, 31), at(NEW_YORK, 2026, 11, 3), NEW_YORK)
    assert [local(us, NEW_YORK) for us in fall] == [
        "2026-10-31T01:30:00-04:00",
        "2026-11-01T01:30:00-04:00",  # once, the first time
        "2026-11-02T01:30:00-05:00",
    ]


def test_candidates_are_what_an_entry_long_ago_would_get() -> None:
    spec = Every(Period.week, time(8, 0), weekday=Weekday.sun)
    window = (sh(2026, 6, 1), sh(2026, 7, 1))
    assert recurring_candidates(spec, *window, SHANGHAI) == recurring(spec, sh(2020, 1, 1), *window, SHANGHAI)
    assert len(recurring_candidates(spec, *window, SHANGHAI)) == 4
    assert recurring_candidates(spec, sh(2026, 6, 1), sh(2026, 6, 6), SHANGHAI) == []


def _every_specs() -> st.SearchStrategy[Every]:
    times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 30, 59]))
    return st.one_of(
        st.builds(Every, st.just(Period.day), times),
        st.builds(Every, st.just(Period.week), times, weekday=st.sampled_from(list(Weekday))),
        st.builds(Every, st.just(Period.month), times, monthday=st.sampled_from([1, 15, 28, 29, 30, 31])),
    )


def _every_matches(spec: Every, wall: datetime) -> bool:
    if wall.time() != spec.time:
        return False
    if spec.period is Period.week:
        return spec.weekday is not None and wall.weekday() == spec.weekday.number
    if spec.period is Period.month:
        assert spec.monthday is not None
        last = ((wall.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)).day
        return wall.day == min(spec.monthday, last)
    return True


def _wall_minutes(after: int, until: int, zone: ZoneInfo) -> list[datetime]:
    """Every local wall minute that could name an instant in (after, until]."""
    first = from_us(after, zone).replace(tzinfo=None, second=0, microsecond=0) - timedelta(days=2)
    count = (until - after) // MINUTE + 4 * 24 * 60 + 2
    return [first + timedelta(minutes=n) for n in range(count)]


# boundaries of months and DST changes in the zones above
WINDOW_STARTS = [
    utc(2026, 1, 30, 12), utc(2026, 2, 27, 20), utc(2028, 2, 28, 10), utc(2026, 3, 7, 20), utc(2026, 10, 31, 20),
    utc(2026, 4, 4, 10), utc(2026, 9, 26, 10), utc(2026, 6, 14, 15), utc(2026, 12, 30, 0),
]  # fmt: skip


@st.composite
def windows(draw: st.DrawFn) -> tuple[int, int]:
    """(after, until) up to 4 days long, near a month end or a DST change."""
    after = draw(st.sampled_from(WINDOW_STARTS)) + draw(st.integers(-3 * HOUR, 3 * HOUR))
    return after, after + draw(st.integers(1, 4 * US_PER_DAY))


@given(_every_specs(), st.sampled_from(ZONES), windows(), st.integers(-30 * US_PER_DAY, 4 * US_PER_DAY))
def test_every_equals_a_minute_scan(spec: Every, zone: ZoneInfo, window: tuple[int, int], entered_offset: int) -> None:
    after, until = window
    entered = after + entered_offset
    expected = sorted(
        {
            us
            for wall in _wall_minutes(after, until, zone)
            if _every_matches(spec, wall)
            for us in [local_instant(wall.date(), wall.time(), zone)]
            if after < us <= until and us >= entered
        }
    )
    assert recurring(spec, entered, after, until, zone) == expected


# ---------------------------------------------------------------- recurring: rrule


def test_rrule_tuesdays_and_thursdays() -> None:
    spec = RRule("FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0")
    got = recurring(spec, sh(2026, 6, 1, 10), sh(2026, 6, 1), sh(2026, 6, 14), SHANGHAI)
    assert [local(us) for us in got] == [
        "2026-06-02T15:00:00+08:00",
        "2026-06-04T15:00:00+08:00",
        "2026-06-09T15:00:00+08:00",
        "2026-06-11T15:00:00+08:00",
    ]


def test_rrule_starts_at_entry() -> None:
    spec = RRule("FREQ=DAILY;BYHOUR=15;BYMINUTE=0")
    entered = sh(2026, 6, 1, 15, 0, 0, 1)  # a microsecond after 15:00: the first is tomorrow
    assert recurring(spec, entered, 0, sh(2026, 6, 2, 15), SHANGHAI) == [sh(2026, 6, 2, 15)]
    on_the_minute = sh(2026, 6, 1, 15)
    assert recurring(spec, on_the_minute, 0, sh(2026, 6, 2, 15), SHANGHAI) == [on_the_minute, sh(2026, 6, 2, 15)]


def test_rrule_interval_counts_from_the_entry_week() -> None:
    spec = RRule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    entered = sh(2026, 6, 3, 12)  # a Wednesday: its week's Monday is past
    got = recurring(spec, entered, sh(2026, 6, 1), sh(2026, 7, 14), SHANGHAI)
    assert [from_us(us, SHANGHAI).date() for us in got] == [date(2026, 6, 15), date(2026, 6, 29), date(2026, 7, 13)]
    # the same phase when the entry is years before the window
    window = (sh(2026, 6, 1), sh(2026, 7, 14))
    same_phase = recurring(spec, sh(2016, 6, 1, 12), *window, SHANGHAI)  # 522 weeks before
    assert same_phase == [sh(2026, 6, 1, 9), *got]
    other_phase = recurring(spec, sh(2016, 6, 8, 12), *window, SHANGHAI)  # 521 weeks before
    assert [from_us(us, SHANGHAI).date() for us in other_phase] == [
        date(2026, 6, 8),
        date(2026, 6, 22),
        date(2026, 7, 6),
    ]


def test_rrule_count_counts_from_entry() -> None:
    spec = RRule("FREQ=DAILY;COUNT=3;BYHOUR=9;BYMINUTE=0")
    entered = sh(2026, 6, 1, 8)
    assert recurring(spec, entered, sh(2026, 6, 2), sh(2026, 7, 1), SHANGHAI) == [sh(2026, 6, 2, 9), sh(2026, 6, 3, 9)]


def test_rrule_prefix_is_allowed() -> None:
    spec = RRule("RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0")
    assert recurring(spec, sh(2026, 6, 1), sh(2026, 6, 1), sh(2026, 6, 2), SHANGHAI) == [sh(2026, 6, 1, 9)]


def test_rrule_in_local_time_across_spring_forward() -> None:
    spec = RRule("FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30")
    got = recurring(spec, at(NEW_YORK, 2026, 3, 7), at(NEW_YORK, 2026, 3, 8), at(NEW_YORK, 2026, 3, 9), NEW_YORK)
    # 02:30 does not exist on the 8th and becomes 03:30, which the rule names too: one occurrence
    assert [local(us, NEW_YORK) for us in got] == ["2026-03-08T03:30:00-04:00"]


def test_an_hourly_rule_with_an_entry_ten_years_ago_is_quick() -> None:
    spec = RRule("FREQ=HOURLY;INTERVAL=5;BYMINUTE=7")
    entered = sh(2016, 1, 5, 10, 17, 33)
    got = recurring(spec, entered, sh(2026, 6, 1), sh(2026, 6, 2), SHANGHAI)
    # 10:07 on the entry day, then every 5 hours: hours since then divisible by 5
    assert got and all(((us - sh(2016, 1, 5, 10, 7)) // HOUR) % 5 == 0 for us in got)
    assert len(got) == 5


# A minute scan that knows these rules' meaning independently of dateutil.
SCANNED_RULES = {
    "FREQ=DAILY;BYHOUR=9,21;BYMINUTE=0,45": (1, "days"),
    "FREQ=DAILY;INTERVAL=3;BYHOUR=2;BYMINUTE=30": (3, "days"),
    "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=15;BYMINUTE=0": (1, "weeks"),
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;BYHOUR=1;BYMINUTE=30": (2, "weeks"),
    "FREQ=HOURLY;INTERVAL=7;BYMINUTE=10": (7, "hours"),
}


def _rule_matches(rule: str, start: datetime, wall: datetime) -> bool:
    interval, unit = SCANNED_RULES[rule]
    parts = dict(part.split("=") for part in rule.split(";"))
    if wall < start or wall.minute not in {int(m) for m in parts["BYMINUTE"].split(",")}:
        return False
    if "BYHOUR" in parts and wall.hour not in {int(h) for h in parts["BYHOUR"].split(",")}:
        return False
    if "BYDAY" in parts and ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][wall.weekday()] not in parts["BYDAY"]:
        return False
    if unit == "hours":
        return ((wall.replace(minute=0) - start.replace(minute=0)) // timedelta(hours=1)) % interval == 0
    if unit == "days":
        return (wall.date() - start.date()).days % interval == 0
    monday = start.date() - timedelta(days=start.weekday())
    return ((wall.date() - monday).days // 7) % interval == 0


@given(
    st.sampled_from(sorted(SCANNED_RULES)),
    st.sampled_from(ZONES),
    st.sampled_from(WINDOW_STARTS),
    st.integers(0, 3 * US_PER_DAY),
    st.one_of(st.integers(-2 * US_PER_DAY, 2 * US_PER_DAY), st.integers(-4000 * US_PER_DAY, 0)),
)
def test_rrule_equals_a_minute_scan(rule: str, zone: ZoneInfo, after: int, length: int, entered_offset: int) -> None:
    until = after + length
    entered = after + entered_offset
    start = from_us(entered, zone).replace(tzinfo=None, second=0, microsecond=0)
    expected = sorted(
        {
            us
            for wall in _wall_minutes(after, until, zone)
            if _rule_matches(rule, start, wall)
            for us in [local_instant(wall.date(), wall.time(), zone)]
            if after < us <= until and us >= entered
        }
    )
    assert recurring(RRule(rule), entered, after, until, zone) == expected


RULES = [
    "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=20;BYMINUTE=0",
    "FREQ=MONTHLY;INTERVAL=5;BYHOUR=10;BYMINUTE=0",
    "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;BYHOUR=18;BYMINUTE=30",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=2SA;BYHOUR=9;BYMINUTE=0",
    "FREQ=YEARLY;BYHOUR=9;BYMINUTE=0",
    "FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYHOUR=9;BYMINUTE=0",
    "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
    "FREQ=WEEKLY;INTERVAL=3;BYHOUR=9;BYMINUTE=0",
    "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,SA;BYHOUR=9;BYMINUTE=0",
    "FREQ=DAILY;INTERVAL=10;BYMONTH=3,4;BYHOUR=2;BYMINUTE=15",
    "FREQ=HOURLY;INTERVAL=5;BYHOUR=1,2,3,9,13;BYMINUTE=0",
    "FREQ=DAILY;UNTIL=20260620T000000;BYHOUR=12;BYMINUTE=0",
]


@given(
    st.sampled_from(RULES),
    st.sampled_from(ZONES),
    st.sampled_from(WINDOW_STARTS),
    st.integers(0, 400 * US_PER_DAY),
    st.integers(-4000 * US_PER_DAY, US_PER_DAY),
)
def test_rrule_equals_dateutil_expanding_from_the_entry(
    rule: str, zone: ZoneInfo, after: int, length: int, entered_offset: int
) -> None:
    until = after + length
    entered = after + entered_offset
    start = from_us(entered, zone).replace(tzinfo=None, second=0, microsecond=0)
    full = rrulestr(rule, dtstart=start)
    expected = []
    for wall in full.between(start, from_us(until, zone).replace(tzinfo=None) + timedelta(days=2), inc=True):
        us = local_instant(wall.date(), wall.time(), zone)
        if after < us <= until and us >= entered:
            expected.append(us)
    assert recurring(RRule(rule), entered, after, until, zone) == sorted(set(expected))


# ---------------------------------------------------------------- quiet hours

NIGHT = QuietHours(time(22, 0), time(8, 0))
LUNCH = QuietHours(time(12, 0), time(14, 0))


@pytest.mark.parametrize(
    ("quiet", "moment", "expected"),
    [
        (NIGHT, sh(2026, 6, 1, 21, 59, 59, 999_999), sh(2026, 6, 1, 21, 59, 59, 999_999)),
        (NIGHT, sh(2026, 6, 1, 22, 0), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 6, 1, 23, 0), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 6, 2, 0, 0), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 6, 2, 3, 0), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 6, 2, 7, 59, 59, 999_999), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 6, 2, 8, 0), sh(2026, 6, 2, 8, 0)),
        (NIGHT, sh(2026, 12, 31, 23, 30), sh(2027, 1, 1, 8, 0)),
        (LUNCH, sh(2026, 6, 1, 11, 59, 59, 999_999), sh(2026, 6, 1, 11, 59, 59, 999_999)),
        (LUNCH, sh(2026, 6, 1, 12, 0), sh(2026, 6, 1, 14, 0)),
        (LUNCH, sh(2026, 6, 1, 13, 59, 59, 999_999), sh(2026, 6, 1, 14, 0)),
        (LUNCH, sh(2026, 6, 1, 14, 0), sh(2026, 6, 1, 14, 0)),
        (LUNCH, sh(2026, 6, 1, 23, 0), sh(2026, 6, 1, 23, 0)),
        (QuietHours(time(9, 0), time(9, 0)), sh(2026, 6, 1, 9, 0), sh(2026, 6, 1, 9, 0)),
    ],
)
def test_quiet_hours_edges(quiet: QuietHours, moment: int, expected: int) -> None:
    assert quiet_adjusted(moment, quiet, SHANGHAI) == expected


def test_quiet_hours_end_across_daylight_saving_in_new_york() -> None:
    spring_night = quiet_adjusted(at(NEW_YORK, 2026, 3, 7, 23, 0), QuietHours(time(22, 0), time(8, 0)), NEW_YORK)
    assert local(spring_night, NEW_YORK) == "2026-03-08T08:00:00-04:00"
    # an end inside the gap moves forward by the gap, like any wall time
    gap_end = quiet_adjusted(at(NEW_YORK, 2026, 3, 8, 1, 0), QuietHours(time(0, 0), time(2, 30)), NEW_YORK)
    assert local(gap_end, NEW_YORK) == "2026-03-08T03:30:00-04:00"
    # in the repeated hour after falling back, the end is the second 01:45, not the first one before it
    second_0115 = at(NEW_YORK, 2026, 11, 1, 1, 15, fold=1)
    moved = quiet_adjusted(second_0115, QuietHours(time(0, 0), time(1, 45)), NEW_YORK)
    assert local(moved, NEW_YORK) == "2026-11-01T01:45:00-05:00"


def _inside(quiet: QuietHours, clock: time) -> bool:
    if quiet.start <= quiet.end:
        return quiet.start <= clock < quiet.end
    return clock >= quiet.start or clock < quiet.end


@given(
    st.sampled_from(ZONES),
    st.one_of(st.integers(utc(2024, 1, 1), utc(2028, 1, 1)), st.sampled_from(WINDOW_STARTS)),
    st.integers(-2 * US_PER_DAY, 2 * US_PER_DAY),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
)
def test_quiet_adjusted_is_never_earlier_and_never_quiet(
    zone: ZoneInfo, base: int, shift: int, start: time, end: time
) -> None:
    quiet = QuietHours(start, end)
    moment = base + shift
    moved = quiet_adjusted(moment, quiet, zone)
    assert moved >= moment
    if start != end:
        assert not _inside(quiet, from_us(moved, zone).time())
    if start == end or not _inside(quiet, from_us(moment, zone).time()):
        assert moved == moment
    assert moved - moment <= US_PER_DAY + 2 * HOUR


# ---------------------------------------------------------------- workdays and due_instant


def test_workday_adjusted_keeps_the_wall_time() -> None:
    china = WorkdayCalendar()
    assert workday_adjusted(sh(2026, 10, 1, 10, 15, 7, 3), china, SHANGHAI) == sh(2026, 10, 8, 10, 15, 7, 3)
    assert workday_adjusted(sh(2026, 9, 30, 23, 0), china, SHANGHAI) == sh(2026, 9, 30, 23, 0)
    # the local date decides: 1 October 00:30 in Shanghai is 30 September in UTC
    assert workday_adjusted(sh(2026, 10, 1, 0, 30), china, SHANGHAI) == sh(2026, 10, 8, 0, 30)


def test_due_instant_moves_customer_facing_work_out_of_quiet_hours() -> None:
    brand = BrandSettings()
    late = sh(2026, 6, 1, 23, 0)
    assert due_instant(late, customer_facing=True, workdays_only=False, settings=brand) == sh(2026, 6, 2, 8, 0)
    assert due_instant(late, customer_facing=False, workdays_only=False, settings=brand) == late


def test_quiet_hours_onto_a_holiday_move_again_to_the_next_workday() -> None:
    brand = BrandSettings()
    eve = sh(2026, 9, 30, 23, 0)  # the last workday before National Day
    assert due_instant(eve, customer_facing=True, workdays_only=True, settings=brand) == sh(2026, 10, 8, 8, 0)
    assert due_instant(eve, customer_facing=True, workdays_only=False, settings=brand) == sh(2026, 10, 1, 8, 0)


def test_workdays_then_quiet_hours() -> None:
    brand = BrandSettings()
    holiday_night = sh(2026, 10, 3, 23, 30)
    facing = due_instant(holiday_night, customer_facing=True, workdays_only=True, settings=brand)
    internal = due_instant(holiday_night, customer_facing=False, workdays_only=True, settings=brand)
    assert (facing, internal) == (sh(2026, 10, 9, 8, 0), sh(2026, 10, 8, 23, 30))


def test_due_instant_uses_the_brand_overrides_the_estimate_and_raises_past_it() -> None:
    brand = BrandSettings(workday_overrides={date(2026, 10, 1): True})
    made_a_workday = sh(2026, 10, 1, 9)
    assert due_instant(made_a_workday, customer_facing=True, workdays_only=True, settings=brand) == made_a_workday
    estimated_new_year = sh(2027, 1, 1, 9)  # 元旦 by the estimate: Monday 01-04 is the next workday
    assert due_instant(estimated_new_year, customer_facing=True, workdays_only=True, settings=brand) == sh(
        2027, 1, 4, 9
    )
    unknown = sh(2150, 3, 2, 9)
    with pytest.raises(CalendarError):
        due_instant(unknown, customer_facing=True, workdays_only=True, settings=brand)
    assert due_instant(unknown, customer_facing=True, workdays_only=False, settings=brand) == unknown


def test_due_instant_in_the_brands_zone() -> None:
    brand = BrandSettings(timezone="America/New_York")
    late = at(NEW_YORK, 2026, 3, 7, 23, 0)
    assert local(due_instant(late, customer_facing=True, workdays_only=False, settings=brand), NEW_YORK) == (
        "2026-03-08T08:00:00-04:00"
    )
