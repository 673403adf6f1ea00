"""Each staff member with open tasks gets one digest a day, from the brand's digest time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.base import Purpose
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.dispatcher import Dispatcher
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.brand import at
from tests.support.delivery import greet_brand, rows

DIGESTS = {**WEBHOOK, "delivery": {"settings": {"digest_time": "11:30", "public_url": "https://siyu.example.com"}}}


def test_one_digest_per_staff_member_per_day_from_the_digest_time(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=2, channels_on=DIGESTS)
    webhook = RecordingAdapter(name="webhook")
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    dispatcher.step()  # 11:00: too early
    assert not [r for r in rows(engine) if r.purpose == "digest"]
    clock.now_us = at("2026-11-20 11:30")
    dispatcher.step()
    clock.advance(3600)
    dispatcher.step()
    digests = [r for r in rows(engine) if r.purpose == "digest"]
    assert [(r.key, r.status) for r in digests] == [(f"digest:2026-11-20:{digests[0].staff_id}", "delivered")]
    (item,) = [i for i in webhook.sent if i.purpose is Purpose.digest]
    assert item.title == "今日待办 2 项 · 2026-11-20"  # two open reminders (the sends went out)
    assert item.text == "欢迎 · call 2"  # per SOP step, never per task
    assert item.link == "https://siyu.example.com/my/tasks"
    clock.now_us = at("2026-11-21 11:31")
    dispatcher.step()
    assert len([r for r in rows(engine) if r.purpose == "digest"]) == 2


def test_no_digest_when_reminders_stay_in_the_inbox(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    on = {**WEBHOOK, "delivery": {"settings": {"digest_time": "09:00", "routes": {"digest": "inbox"}}}}
    greet_brand(engine, tmp_path, customers=1, channels_on=on)
    Dispatcher(engine, adapters={"webhook": RecordingAdapter(name="webhook")}, clock_us=clock).step()
    assert not [r for r in rows(engine) if r.purpose == "digest"]


def test_the_digest_counts_per_sop_step_in_the_staff_members_language(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    from siyu.accounts.users import Role, create_user

    greet_brand(engine, tmp_path, customers=3, channels_on=DIGESTS)
    with engine.begin() as conn:
        create_user(
            conn,
            username="xn",
            password="a-long-password-1",
            role=Role.staff,
            now_us=clock.now_us,
            staff_external_id="s1",
            locale="en",
        )
    webhook = RecordingAdapter(name="webhook")
    clock.now_us = at("2026-11-20 11:30")
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    (item,) = [i for i in webhook.sent if i.purpose is Purpose.digest]
    assert item.title == "To do today: 6 · 2026-11-20"  # the sends are still due: not dispatched yet
    assert item.text.splitlines() == ["欢迎 · call 3", "欢迎 · hello 3"]
    assert item.extra["by_step"] == [
        {"sop": "欢迎", "step": "call", "open": 3},
        {"sop": "欢迎", "step": "hello", "open": 3},
    ]
