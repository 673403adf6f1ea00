"""The fault test: dispatcher processes are SIGKILLed at random moments, again and again, while
the fake WeCom fails, times out before acting and — the hard case — acts and then times out.
Afterwards every auto task was sent exactly once (the fake's own records) and every remind
task announced by exactly one batch reminder, notified exactly once, and nothing is left undelivered."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.store.tables import deliveries, tasks
from tests.support.delivery import SAME_HELLO, greet_brand, rows, task_of, tasks_of, wecom_on

CUSTOMERS = 30
KILLS = 12
SEED = int(os.environ.get("SIYU_FAULT_SEED", "20261122"))  # another seed: another run of faults


def _dispatcher(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "siyu", "--db", url, "dispatch", "--idle", "0.05", "--batch", "4", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _attempts(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(deliveries.c.attempts), 0))).scalar_one())


def _unfinished(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(deliveries).where(deliveries.c.status.in_(("queued", "sent")))
            ).scalar_one()
        )


def test_sigkilled_dispatchers_deliver_everything_exactly_once(engine: Engine, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    with FakeWeCom() as fake:
        delivery = {"lease_s": 1, "retry_base_s": 0.05, "retry_cap_s": 0.3, "max_attempts": 100, "poll_every_s": 1}
        greet_brand(
            engine, tmp_path, customers=CUSTOMERS, channels_on=wecom_on(fake.base_url, timeout_s=0.3, delivery=delivery)
        )
        assert _unfinished(engine) == CUSTOMERS + 1  # a send per customer, one reminder for the batch
        # -1 (busy) and 6000 (conflict) are retried at once; 45009 (rate limit) would pause 60 s
        chaos = {"fail_rate": 0.15, "timeout_rate": 0.1, "timeout_s": 0.6, "timeout_after_effect_rate": 0.15}
        fake.set_chaos(seed=SEED, errcodes=(-1, 6000), **chaos)
        url = engine.url.render_as_string(hide_password=False)
        for _ in range(KILLS):
            before = _attempts(engine)
            worker = _dispatcher(url)
            # the interpreter takes a second or more to start (longer on a loaded machine): wait
            # until this worker has begun an attempt, then kill it at a random moment after
            deadline = time.monotonic() + 20
            while _attempts(engine) == before and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.2))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        in_doubt_after_kills = sum(1 for r in rows(engine) if r.in_doubt or r.attempt_started_at is not None)
        fake.set_chaos(seed=SEED)  # calm: let the last worker finish
        worker = _dispatcher(url)
        drain_started = time.monotonic()
        left_after_kills = _unfinished(engine)
        try:
            deadline = time.monotonic() + 60
            while _unfinished(engine) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        drain_s = time.monotonic() - drain_started
        stored = rows(engine)
        mass = fake.mass_sends()
        apps = fake.app_messages()
        searches = fake.calls()["/cgi-bin/externalcontact/get_groupmsg_list_v2"]

    assert {r.status for r in stored} == {"delivered"}, Counter(r.status for r in stored)
    # every auto task exactly once, by WeCom's own count
    sends_per_customer = Counter(recipient for m in mass for recipient in m["recipients"])
    assert sends_per_customer == {f"c{n}": 1 for n in range(1, CUSTOMERS + 1)}
    # every remind task announced by one batch reminder, and every batch reminder notified exactly
    # once (WeCom's duplicate check dropped the repeats)
    reminders = [r for r in stored if r.purpose == "remind"]
    announced = Counter(task_id for r in reminders for task_id in tasks_of(engine, r))
    with engine.begin() as conn:
        remind_tasks = conn.execute(sa.select(tasks.c.id).where(tasks.c.mode == "remind")).scalars().all()
    assert announced == dict.fromkeys(remind_tasks, 1) and len(remind_tasks) == CUSTOMERS
    titles = Counter(str(r.payload["title"]) for r in reminders)
    notified = Counter(title for a in apps for title in titles if title in str(a["content"]))
    assert notified == titles == {f"欢迎 · call · {CUSTOMERS} 位客户 · 11:00": 1}
    assert len(apps) == len(reminders)
    for r in stored:
        if r.purpose == "send":
            assert task_of(engine, r.task_id).status == "sent"
    # the hard cases really happened: retries, and attempts whose outcome had to be looked up
    assert sum(r.attempts for r in stored if r.purpose == "send") > CUSTOMERS
    assert searches > 0
    assert left_after_kills < CUSTOMERS + 1  # the killed workers were dispatching, not just starting
    print(
        f"kills={KILLS} in_doubt={in_doubt_after_kills} left={left_after_kills} drain={drain_s:.1f}s searches={searches}"
    )


ADD_MSG_TEMPLATE = "/cgi-bin/externalcontact/add_msg_template"
GROUPED_KILLS = 4


def test_a_grouped_mass_send_reaches_each_customer_exactly_once(engine: Engine, tmp_path: Path) -> None:
    """The aggregated case: one WeCom mass send for every customer (the same content), made by
    WeCom on every call and never answered (each attempt's outcome is unknown), while dispatcher
    processes are SIGKILLed: WeCom's records still hold one message per customer."""
    rng = random.Random(SEED + 1)
    with FakeWeCom() as fake:
        delivery = {"lease_s": 1, "retry_base_s": 0.05, "retry_cap_s": 0.3, "max_attempts": 100, "poll_every_s": 1}
        on = wecom_on(fake.base_url, timeout_s=0.3, delivery=delivery)
        greet_brand(engine, tmp_path, customers=CUSTOMERS, channels_on=on, sop_text=SAME_HELLO)
        (send,) = [r for r in rows(engine) if r.purpose == "send"]
        assert len(tasks_of(engine, send)) == CUSTOMERS
        fake.set_chaos(seed=SEED, timeout_after_effect_rate=1.0, timeout_s=0.6, paths=[ADD_MSG_TEMPLATE])
        url = engine.url.render_as_string(hide_password=False)
        for _ in range(GROUPED_KILLS):
            before = _attempts(engine)
            worker = _dispatcher(url)
            deadline = time.monotonic() + 20
            while _attempts(engine) == before and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.0))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        fake.set_chaos(seed=SEED)
        worker = _dispatcher(url)
        try:
            deadline = time.monotonic() + 60
            while _unfinished(engine) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
        stored = rows(engine)
        mass = fake.mass_sends()
        calls = fake.calls()

    assert {r.status for r in stored} == {"delivered"}, Counter(r.status for r in stored)
    assert len(mass) == 1  # one mass-send task, confirmed once by the staff member
    assert Counter(recipient for m in mass for recipient in m["recipients"]) == {
        f"c{n}": 1 for n in range(1, CUSTOMERS + 1)
    }
    assert {task_of(engine, task_id).status for task_id in tasks_of(engine, send)} == {"sent"}
    # the hard case really happened: an attempt whose outcome was unknown, and WeCom was asked before sending again
    assert calls[ADD_MSG_TEMPLATE] >= 1 and calls["/cgi-bin/externalcontact/get_groupmsg_list_v2"] > 0
    (row,) = [r for r in stored if r.purpose == "send"]
    assert row.attempts >= 2
