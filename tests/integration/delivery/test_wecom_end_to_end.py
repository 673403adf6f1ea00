"""The dispatcher with the real WeCom adapter (built from stored settings) against the fake
WeCom server over loopback HTTP: sends become mass-send tasks, reminders app messages, and
results are read back until delivered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.channels.wecom.fake_server import FakeWeCom
from siyu.delivery.dispatcher import Dispatcher
from tests.integration.delivery.conftest import Clock
from tests.support.delivery import greet_brand, rows, task_of, tasks_of, wecom_on


def _drain(dispatcher: Dispatcher, clock: Clock, *, rounds: int = 20) -> None:
    for _ in range(rounds):
        if not dispatcher.step().claimed:
            clock.advance(301)


def test_sends_and_reminders_reach_wecom_once_and_are_confirmed(engine: Engine, tmp_path: Path, clock: Clock) -> None:
    with FakeWeCom(auto_confirm_after_s=None) as fake:
        greet_brand(engine, tmp_path, customers=3, channels_on=wecom_on(fake.base_url))
        dispatcher = Dispatcher(engine, clock_us=clock)
        try:
            dispatcher.step()
            sends = [r for r in rows(engine) if r.purpose == "send"]
            assert {r.status for r in sends} == {
                "sent"
            }  # WeCom made the mass-send task; the staff member has to confirm
            assert {r.status for r in rows(engine) if r.purpose == "remind"} == {"delivered"}
            fake.confirm()  # 小暖 taps send in WeCom
            clock.advance(301)
            dispatcher.step()
        finally:
            dispatcher.close()
        assert {r.status for r in rows(engine)} == {"delivered"}
        mass = fake.mass_sends()
        assert sorted((m["sender"], tuple(m["recipients"]), m["content"]) for m in mass) == [
            ("s1", ("c1",), "你好 客户1，我是 小暖"),
            ("s1", ("c2",), "你好 客户2，我是 小暖"),
            ("s1", ("c3",), "你好 客户3，我是 小暖"),
        ]
        apps = fake.app_messages()
        assert len(apps) == 1  # the three reminders of 11:00 are one batch
        assert all(a["touser"] == ["s1"] for a in apps)
        for r in sends:
            assert task_of(engine, r.task_id).status == "sent"


def test_an_expired_token_is_refreshed_without_a_lost_or_double_send(
    engine: Engine, tmp_path: Path, clock: Clock
) -> None:
    with FakeWeCom() as fake:
        greet_brand(engine, tmp_path, customers=2, channels_on=wecom_on(fake.base_url))
        dispatcher = Dispatcher(engine, clock_us=clock, batch=1, parallel=1)
        try:
            dispatcher.step()
            fake.expire_tokens()
            _drain(dispatcher, clock)
        finally:
            dispatcher.close()
        assert {r.status for r in rows(engine)} == {"delivered"}
        assert len(fake.mass_sends()) == 2
        assert fake.calls()["/cgi-bin/gettoken"] >= 3  # contact + agent tokens, then a refresh


def test_the_monthly_allowance_turns_further_sends_into_reminders(engine: Engine, tmp_path: Path) -> None:
    with FakeWeCom() as fake:
        on = wecom_on(fake.base_url)
        on["wecom"]["settings"]["monthly_mass_sends"] = 0
        greet_brand(engine, tmp_path, customers=1, channels_on=on)
        assert [r.purpose for r in rows(engine)] == ["remind", "remind"]
        hello = task_of(engine, tasks_of(engine, rows(engine)[0])[0])
        assert hello.mode == "remind"
        assert (hello.reason_code, hello.reason_params) == ("mass_send_allowance", {"limit": 0})
        assert fake.mass_sends() == []
