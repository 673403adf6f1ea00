"""Auto private sends of one staff member with the same rendered content, due in the same
minute, go as one WeCom mass-send task for all their customers; each customer's task is settled
on its own from WeCom's send result; the monthly allowance still counts per customer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.delivery.dispatcher import Dispatcher
from siyu.store.tables import events
from tests.integration.delivery.conftest import Clock
from tests.support.delivery import SAME_HELLO, greet_brand, rows, task_of, tasks_of, wecom_on


def _sends(engine: Engine) -> list[object]:
    return [r for r in rows(engine) if r.purpose == "send"]


def test_the_same_content_for_one_staff_member_is_one_mass_send(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    with FakeWeCom(auto_confirm_after_s=None) as fake:
        greet_brand(engine, tmp_path, customers=4, channels_on=wecom_on(fake.base_url), sop_text=SAME_HELLO)
        (send,) = _sends(engine)
        carried = tasks_of(engine, send)
        assert send.task_id is None and send.key.startswith("mass:") and len(carried) == 4
        dispatcher = Dispatcher(engine, clock_us=clock)
        try:
            dispatcher.step()
            assert {task_of(engine, t).status for t in carried} == {"sent"}
            fake.confirm()
            clock.advance(301)
            dispatcher.step()
        finally:
            dispatcher.close()
        (mass,) = fake.mass_sends()
        assert (mass["sender"], sorted(mass["recipients"]), mass["content"]) == (
            "s1",
            ["c1", "c2", "c3", "c4"],
            "会员日快乐，全场 8 折",
        )
        assert fake.calls()["/cgi-bin/externalcontact/add_msg_template"] == 1
        assert [r.status for r in _sends(engine)] == ["delivered"]
        with engine.begin() as conn:
            kinds = Counter(
                conn.execute(sa.select(events.c.type).where(events.c.type.in_(("task_sent", "task_delivered"))))
                .scalars()
                .all()
            )
        assert kinds == {"task_sent": 4, "task_delivered": 4}


def test_different_content_per_customer_is_sent_one_by_one(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    with FakeWeCom() as fake:
        greet_brand(engine, tmp_path, customers=3, channels_on=wecom_on(fake.base_url))
        assert sorted(r.key for r in _sends(engine)) == sorted(f"task:{r.task_id}:send" for r in _sends(engine))
        dispatcher = Dispatcher(engine, clock_us=clock)
        try:
            dispatcher.step()
        finally:
            dispatcher.close()
        assert sorted(len(m["recipients"]) for m in fake.mass_sends()) == [1, 1, 1]


def test_a_customer_who_is_no_friend_fails_alone(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    with FakeWeCom(auto_confirm_after_s=0.0, friends={"s1": ["c1", "c2"]}) as fake:
        greet_brand(engine, tmp_path, customers=3, channels_on=wecom_on(fake.base_url), sop_text=SAME_HELLO)
        (send,) = _sends(engine)
        dispatcher = Dispatcher(engine, clock_us=clock)
        try:
            dispatcher.step()
            clock.advance(301)
            dispatcher.step()
        finally:
            dispatcher.close()
        by_customer = {task_of(engine, t).target_id: task_of(engine, t) for t in tasks_of(engine, send)}
        statuses = {target: task.status for target, task in by_customer.items()}
        assert sorted(statuses.values()) == ["failed", "sent", "sent"]
        failed = next(task for task in by_customer.values() if task.status == "failed")
        assert "does not list c3" in (failed.reason or "")
        assert [r.status for r in _sends(engine)] == ["delivered"]


def test_the_allowance_still_counts_each_customer(engine: Engine, tmp_path: Path) -> None:
    with FakeWeCom() as fake:
        on = wecom_on(fake.base_url)
        on["wecom"]["settings"]["monthly_mass_sends"] = 1
        two_sends = SAME_HELLO.replace("at: {delay: 1h}", "at: {delay: 0m}").replace("mode: remind", "mode: auto")
        two_sends = two_sends.replace("给 {{customer.name}} 打个电话", "第二条：新品上架")
        greet_brand(engine, tmp_path, customers=3, channels_on=on, sop_text=two_sends)
        (send,) = _sends(engine)  # the first step's group took the month's one send of each customer
        assert len(tasks_of(engine, send)) == 3
        reminded = [task_of(engine, t) for r in rows(engine) if r.purpose == "remind" for t in tasks_of(engine, r)]
        assert len(reminded) == 3
        assert {(t.step_id, t.mode, t.reason_code) for t in reminded} == {("call", "remind", "mass_send_allowance")}
