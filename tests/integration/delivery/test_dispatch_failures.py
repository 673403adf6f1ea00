"""Failures: transient ones retry with backoff and end in the dead-letter list; permanent ones
fail the task with the reason; WeCom's allowance refusal turns the task into a reminder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.base import DeliveryError, Purpose
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.dispatcher import Dispatcher
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.delivery import greet_brand, rows, set_channels, task_of, tasks_of

ONLY_SENDS = {
    **WEBHOOK,
    "delivery": {"settings": {"digest_time": "", "routes": {"remind": "inbox"}, "max_attempts": 3}},
}


def _send_row(engine: Engine):  # type: ignore[no-untyped-def]
    (row,) = [r for r in rows(engine) if r.purpose == Purpose.send.value]
    return row


def test_transient_errors_back_off_then_go_to_the_dead_letter_list(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    busy = DeliveryError("provider busy", permanent=False, code="http:503")
    webhook = RecordingAdapter(name="webhook", default=busy)
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock, draw=lambda: 0.0)
    dispatcher.step()
    row = _send_row(engine)
    assert (row.status, row.attempts, row.last_error, row.error_code) == ("queued", 1, "provider busy", "http:503")
    assert row.next_attempt_at == clock.now_us + 15_000_000  # half of 30 s with a zero draw
    assert dispatcher.step().claimed == 0
    clock.advance(15)
    dispatcher.step()
    row = _send_row(engine)
    assert (row.status, row.attempts) == ("queued", 2)
    assert row.next_attempt_at == clock.now_us + 30_000_000  # doubled
    clock.advance(30)
    dispatcher.step()
    row = _send_row(engine)
    assert (row.status, row.attempts) == ("dead", 3)
    assert task_of(engine, row.task_id).status == "due"  # not lost: retryable from the dead-letter list
    assert len(webhook.sent) == 0


def test_a_permanent_error_fails_the_task_with_the_reason(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    refused = DeliveryError("HTTP 400: unknown customer", permanent=True, code="http:400")
    webhook = RecordingAdapter(name="webhook", answers=[refused])
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    row = _send_row(engine)
    assert (row.status, row.attempts) == ("failed", 1)
    task = task_of(engine, row.task_id)
    assert (task.status, task.reason) == ("failed", "HTTP 400: unknown customer")


def test_an_allowance_refusal_turns_the_task_into_a_reminder(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    on = {**WEBHOOK, "delivery": {"settings": {"digest_time": ""}}}
    greet_brand(engine, tmp_path, customers=1, channels_on=on)
    over = DeliveryError("monthly allowance used", permanent=True, code="wecom:status3", over_allowance=True)
    webhook = RecordingAdapter(name="webhook", answers=[over])
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    dispatcher.step()
    send = _send_row(engine)
    task = task_of(engine, send.task_id)
    assert (send.status, task.status, task.mode) == ("failed", "due", "remind")
    # the converted task joins its batch (10:00) and gets a reminder, sent in the next round
    reminders = [r for r in rows(engine) if send.task_id in tasks_of(engine, r) and r.purpose == "remind"]
    assert [r.status for r in reminders] == ["queued"]
    assert task.batch_id == reminders[0].batch_id
    dispatcher.step()
    assert [r.status for r in rows(engine) if r.id == reminders[0].id] == ["delivered"]


def test_an_adapter_bug_is_a_visible_transient_failure(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)

    def broken(_item):  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    webhook = RecordingAdapter(name="webhook", default=broken)
    Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock).step()
    row = _send_row(engine)
    assert (row.status, row.error_code, row.in_doubt) == ("queued", "siyu:adapter_bug", True)
    assert "KeyError" in row.last_error


def test_a_missing_adapter_fails_permanently(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    set_channels(engine, {})
    Dispatcher(engine, adapters={}, clock_us=clock).step()
    row = _send_row(engine)
    assert (row.status, row.error_code) == ("failed", "siyu:no_adapter")
