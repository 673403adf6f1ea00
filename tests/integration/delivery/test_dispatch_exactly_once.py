"""Unknown outcomes: a timeout after sending, or a worker that died mid-call, never sends twice:
the next attempt asks the provider first, and only a certain "not there" sends again."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels.base import DeliveryError, Receipt
from siyu.channels.recording import RecordingAdapter
from siyu.delivery.dispatcher import Dispatcher
from siyu.delivery.lease import Lease, claim, write_back
from siyu.store.tables import deliveries
from tests.integration.delivery.conftest import WEBHOOK, Clock
from tests.support.delivery import greet_brand, rows, task_of

ONLY_SENDS = {**WEBHOOK, "delivery": {"settings": {"digest_time": "", "routes": {"remind": "inbox"}, "lease_s": 60}}}


def test_a_timeout_after_sending_is_found_not_resent(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    timeout = DeliveryError("read timeout", permanent=False, in_doubt=True)
    webhook = RecordingAdapter(name="webhook", answers=[timeout])
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock, draw=lambda: 0.0)
    dispatcher.step()
    (row,) = rows(engine)
    assert (row.status, row.in_doubt) == ("queued", True)
    clock.advance(60)
    dispatcher.step()
    (row,) = rows(engine)
    assert len(webhook.sent) == 1  # the timed-out attempt reached the provider; no second send
    assert [item.key for item in webhook.finds] == [row.key]
    assert (row.status, row.in_doubt, row.provider_ref) == ("sent", False, f"found:{row.key}")
    assert task_of(engine, row.task_id).status == "sent"


def test_a_certain_not_there_sends_again(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    refused_before_sending = DeliveryError("connect timeout", permanent=False, in_doubt=True)
    webhook = RecordingAdapter(name="webhook", answers=[refused_before_sending])
    webhook.sent.clear()
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock, draw=lambda: 0.0)
    dispatcher.step()
    webhook.sent.clear()  # the provider in fact never got it
    clock.advance(60)
    dispatcher.step()
    (row,) = rows(engine)
    assert len(webhook.finds) == 1
    assert len(webhook.sent) == 1
    assert row.status == "delivered"


def test_a_dead_workers_lease_is_reclaimed_in_doubt(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    with engine.begin() as conn:  # a worker claims the row, then dies before writing back
        (claimed,) = claim(conn, owner="dead-worker", now_us=clock.now_us, lease_us=60_000_000, limit=10)
    assert claimed.attempts == 1
    webhook = RecordingAdapter(name="webhook")
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock)
    assert dispatcher.step().claimed == 0  # leased: nobody else touches it
    clock.advance(61)
    dispatcher.step()
    (row,) = rows(engine)
    assert len(webhook.finds) == 1  # asked first: the dead worker may have sent it
    assert len(webhook.sent) == 1
    assert (row.status, row.attempts) == ("delivered", 2)


def test_a_write_back_after_losing_the_lease_is_refused(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    with engine.begin() as conn:
        (slow,) = claim(conn, owner="slow", now_us=clock.now_us, lease_us=1_000_000, limit=10)
    later = clock.now_us + 2_000_000
    with engine.begin() as conn:
        (fast,) = claim(conn, owner="fast", now_us=later, lease_us=60_000_000, limit=10)
        assert fast.in_doubt  # slow's attempt never finished
        assert not write_back(conn, slow.id, Lease("slow", int(slow.lease_until)), {"status": "delivered"})
        assert write_back(conn, fast.id, Lease("fast", int(fast.lease_until)), {"status": "sent", "provider_ref": "x"})
        status = conn.execute(sa.select(deliveries.c.status).where(deliveries.c.id == fast.id)).scalar_one()
    assert status == "sent"


def test_two_dispatchers_never_share_a_row(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=6, channels_on=ONLY_SENDS)
    with engine.begin() as conn:
        first = claim(conn, owner="a", now_us=clock.now_us, lease_us=60_000_000, limit=4)
    with engine.begin() as conn:
        second = claim(conn, owner="b", now_us=clock.now_us, lease_us=60_000_000, limit=4)
    assert len(first) == 4
    assert len(second) == 2
    assert not {r.id for r in first} & {r.id for r in second}


def test_receipt_found_for_in_doubt_row_keeps_its_ref(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    greet_brand(engine, tmp_path, customers=1, channels_on=ONLY_SENDS)
    (row,) = rows(engine)
    webhook = RecordingAdapter(name="webhook", answers=[DeliveryError("timeout", permanent=False, in_doubt=True)])
    webhook.found[row.key] = Receipt(ref="wecom-msg-7", delivered=False)
    dispatcher = Dispatcher(engine, adapters={"webhook": webhook}, clock_us=clock, draw=lambda: 0.0)
    dispatcher.step()
    clock.advance(60)
    dispatcher.step()
    (row,) = rows(engine)
    assert (row.status, row.provider_ref) == ("sent", "wecom-msg-7")
