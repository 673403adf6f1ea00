"""A customer WeCom's callback creates has no name; the callback queues its profile and answers
at once, and the worker's WeCom round stores the name, gender, avatar and remark — retrying a
busy WeCom, giving up (with WeCom's reason) on a customer that is not the corp's, and the
backfill queueing every nameless customer. Against the fake WeCom, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from siyu.channels import stored as channels
from siyu.channels.wecom.contacts import GET_CONTACT
from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.core.timeutil import US_PER_SECOND, to_us
from siyu.directory import wecom_profiles
from siyu.directory.wecom_sync import WeComSync
from siyu.store.tables import customer_attributes, customers, wecom_profile_fetches
from tests.integration.web.test_wecom_callback import AES_KEY, CORP_ID, TOKEN, _contact, _post
from tests.support.web import Web

NEW = "wmNewFriend0001"
STRANGER = "wmStranger0001"
PROFILE = {"name": "周可馨", "gender": 2, "avatar": "https://wework.qpic.cn/kexin/0", "remark": "可馨（老客）"}


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    friends = {"st1": {NEW, "wmOld0001", "wmOld0002"}, "st2": set()}
    with FakeWeCom(corp_id=CORP_ID, friends=friends, contacts={NEW: PROFILE}) as server:
        yield server


@pytest.fixture
def wired(web: Web, fake: FakeWeCom) -> Web:
    with web.engine.begin() as conn:
        channels.save(
            conn,
            "wecom",
            enabled=True,
            settings={"corp_id": CORP_ID, "base_url": fake.base_url, "timeout_s": 5.0},
            secrets={
                "callback_token": TOKEN,
                "callback_aes_key": AES_KEY,
                "contact_secret": "fake-contact-secret",
                "agent_secret": "fake-agent-secret",
            },
            now_us=to_us(web.now),
        )
    return web


def _customer(web: Web, external_id: str) -> tuple[str, dict[str, str]]:
    with web.engine.connect() as conn:
        row = conn.execute(
            sa.select(customers.c.id, customers.c.name).where(customers.c.external_id == external_id)
        ).one()
        a = customer_attributes
        attributes = dict(conn.execute(sa.select(a.c.key, a.c.value_text).where(a.c.customer_id == row.id)).all())
    return row.name, {str(k): str(v) for k, v in attributes.items()}


def _queue(web: Web) -> list[tuple[Any, ...]]:
    f = wecom_profile_fetches
    with web.engine.connect() as conn:
        rows = conn.execute(
            sa.select(customers.c.external_id, f.c.status, f.c.attempts, f.c.error_code)
            .select_from(f.join(customers, customers.c.id == f.c.customer_id))
            .order_by(customers.c.external_id)
        )
        return [tuple(row) for row in rows]


def test_a_new_friend_gets_its_name_from_the_worker_not_the_callback(wired: Web, fake: FakeWeCom) -> None:
    answer = _post(wired, _contact("add_external_contact", staff="st1", customer=NEW))
    assert answer.status_code == 200 and answer.text == "success"
    assert fake.state.calls()[GET_CONTACT] == 0  # the callback did not wait for WeCom
    assert _customer(wired, NEW) == ("", {})
    assert _queue(wired) == [(NEW, "queued", 0, None)]

    report = WeComSync(wired.engine).step(to_us(wired.now))

    assert report.skipped is None and report.profiles.stored == 1
    name, attributes = _customer(wired, NEW)
    assert name == "周可馨"
    assert attributes == {
        "gender": "female",
        "wecom_avatar": "https://wework.qpic.cn/kexin/0",
        "wecom_remark": "可馨（老客）",
    }
    assert _queue(wired) == []
    assert report.tags is not None and report.tags.tags > 0  # the first round syncs the corp tags too


def test_a_busy_wecom_is_retried_after_a_backoff(wired: Web, fake: FakeWeCom) -> None:
    _post(wired, _contact("add_external_contact", staff="st1", customer=NEW))
    fake.fail_next(GET_CONTACT, 45033)
    sync = WeComSync(wired.engine, draw=lambda: 0.0)
    now = to_us(wired.now)

    assert sync.step(now).profiles.retrying == 1
    assert _queue(wired) == [(NEW, "queued", 1, "wecom:45033")]
    assert sync.step(now).profiles.stored == 0  # not due yet: nothing claimed
    assert sync.step(now + 600 * US_PER_SECOND).profiles.stored == 1
    assert _customer(wired, NEW)[0] == "周可馨"


def test_a_customer_that_is_not_the_corps_fails_with_wecoms_reason(wired: Web) -> None:
    _post(wired, _contact("add_external_contact", staff="st2", customer=STRANGER))
    report = WeComSync(wired.engine).step(to_us(wired.now))
    assert report.profiles.stored == 0
    assert len(report.profiles.failed) == 1 and "84061" in report.profiles.failed[0]
    assert _queue(wired) == [(STRANGER, "failed", 1, "wecom:84061")]
    assert _customer(wired, STRANGER)[0] == ""


def test_the_backfill_names_nameless_customers_and_keeps_imported_names(wired: Web) -> None:
    now = to_us(wired.now)
    with wired.engine.begin() as conn:
        conn.execute(
            sa.insert(customers),
            [
                {"external_id": x, "name": "", "created_at": now, "updated_at": now}
                for x in ("wmOld0001", "wmOld0002", "not-a-wecom-id")
            ],
        )
        assert wecom_profiles.queue_nameless(conn, now_us=now) == 2
        assert wecom_profiles.queue_nameless(conn, now_us=now) == 0  # already queued: nothing twice
    report = WeComSync(wired.engine).step(now)
    assert report.profiles.stored == 2
    assert all(_customer(wired, x)[0] for x in ("wmOld0001", "wmOld0002"))
    assert _customer(wired, "not-a-wecom-id")[0] == ""
    assert _customer(wired, "c1")[0] == "陈一"  # an imported name is never queued nor replaced


def test_nothing_is_fetched_while_wecom_is_off(web: Web) -> None:
    _post_without_channel = WeComSync(web.engine).step(to_us(web.now))
    assert _post_without_channel.skipped == "the wecom channel is disabled"
