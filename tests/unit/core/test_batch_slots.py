"""A batch's slot is the minute of the due instant: tasks share a slot exactly when they fall
due in the same minute, in UTC and in every zone a whole number of minutes off it."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from siyu.core.reminders import SLOT_US, TEXTS, batch_title, names_line, slot_of
from siyu.core.timeutil import from_us

INSTANTS = st.integers(min_value=0, max_value=4_000_000_000 * 1_000_000)
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(INSTANTS)
def test_the_slot_is_the_start_of_the_due_minute(due_us: int) -> None:
    slot = slot_of(due_us)
    assert slot <= due_us < slot + SLOT_US and slot % SLOT_US == 0
    assert slot_of(slot) == slot


@given(INSTANTS, INSTANTS, OFFSETS)
def test_two_tasks_share_a_slot_exactly_when_their_local_minute_is_the_same(a: int, b: int, zone: timezone) -> None:
    def minute(us: int) -> datetime:
        return from_us(us, zone).replace(second=0, microsecond=0)

    assert (slot_of(a) == slot_of(b)) == (minute(a) == minute(b))


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    def names(template: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field}

    for key, texts in TEXTS.items():
        assert set(texts) == {"zh-CN", "en"}, key
        assert names(texts["zh-CN"]) == names(texts["en"]), key


def test_a_title_reads_sop_step_count_and_time_in_the_readers_language() -> None:
    common = {"count": 36, "target_type": "customer", "local_time": "10:00", "follow_up": False}
    assert batch_title("售后回访", "call", locale="zh-CN", **common) == "售后回访 · call · 36 位客户 · 10:00"
    assert batch_title("售后回访", "call", locale="en", **common) == "售后回访 · call · 36 customers · 10:00"
    more = {**common, "count": 2, "target_type": "group", "follow_up": True}
    assert batch_title("周报", "post", locale=None, **more) == "周报 · post · 新增 2 个群 · 10:00"


def test_names_are_listed_up_to_ten_then_counted() -> None:
    assert names_line(["甲", "乙"], 2, "zh-CN") == "甲、乙"
    many = [f"c{n}" for n in range(12)]
    assert names_line(many, 12, "zh-CN") == "、".join(many[:10]) + " 等 12 位"
    assert names_line(many, 40, "en") == ", ".join(many[:10]) + " and others, 40 in all"


def test_a_utc_instant_helper_agrees() -> None:
    moment = datetime(2026, 11, 20, 10, 0, 59, tzinfo=UTC)
    us = int(moment.timestamp()) * 1_000_000
    assert slot_of(us) == int(moment.replace(second=0).timestamp()) * 1_000_000
