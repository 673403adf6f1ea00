"""Every audience of the scenario pack selects exactly the customers its scenario describes,
on a brand crafted so that each rule has a case just inside and just outside it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from siyu.audiences import query as audiences
from siyu.core.audiences import audiences_of
from siyu.core.timeutil import US_PER_DAY, to_us
from siyu.sops import repo as sops
from tests.support.dataset import Ev, Group, Person, StaffMember, World

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = to_us(datetime(2026, 11, 22, 21, 0, tzinfo=SHANGHAI))
SCENARIOS = Path(__file__).resolve().parents[3].parent / "shared" / "scenarios" / "sops"
HOUR = US_PER_DAY // 24


def ago(days: float) -> int:
    return NOW - int(days * US_PER_DAY)


def at(text: str) -> int:
    return to_us(datetime.fromisoformat(text))


def brand() -> World:
    people = {
        name: Person(name)
        for name in [
            "unbound",
            "bound",
            "fresh",
            "member",
            "buyer618",
            "buyer618member",
            "buyer619",
            "jd",
            "lapsed",
            "recentfemale",
            "pet",
            "petlate",
            "bday",
            "fission",
            "r1",
            "r2",
            "r3",
            "r4",
            "r5",
            "r6",
            "aftersales",
            "refunded",
            "welfare",
            "big",
            "rep",
            "repfresh",
            "prospect",
            "silent",
            "lost",
            "staffcust",
            "trial",
        ]
    }
    people["jd"].attributes["source"] = "京东店铺"
    people["lapsed"].attributes["gender"] = "female"
    people["recentfemale"].attributes["gender"] = "female"
    people["pet"].tags.add("宠物主")
    people["pet"].attributes["pet_vaccine_due"] = "2026-11-29"
    people["petlate"].tags.add("宠物主")
    people["petlate"].attributes["pet_vaccine_due"] = "2026-11-30"
    people["bday"].birthday = date(1990, 11, 22)
    people["fission"].tags.add("双11裂变活动")
    people["prospect"].tags.add("潜客")
    people["staffcust"].tags.add("员工")
    people["trial"].tags.add("试听课意向")

    events = [
        Ev("a1", "friend_added", ago(10), "unbound"),
        Ev("a2", "friend_added", ago(10), "bound"),
        Ev("b2", "account_bound", ago(5), "bound"),
        Ev("a3", "friend_added", ago(3), "fresh"),
        Ev("a4", "friend_added", ago(20), "member"),
        Ev("b4", "account_bound", ago(19), "member"),
        Ev("o5", "order_paid", at("2026-06-10T12:00:00+08:00"), "buyer618"),
        Ev("o6", "order_paid", at("2026-06-10T12:00:00+08:00"), "buyer618member"),
        Ev("o7", "order_paid", at("2026-06-19T00:00:00+08:00"), "buyer619"),
        Ev("o9", "order_paid", ago(70), "lapsed"),
        Ev("o10", "order_paid", ago(30), "recentfemale"),
        *(Ev(f"ar{n}", "friend_added", NOW - 12 * HOUR, f"r{n}", None, {"referrer": "fission"}) for n in range(1, 7)),
        Ev("o21", "order_paid", ago(7.5), "aftersales", None, {"amount": 100, "shop": "天猫"}),
        Ev("o22", "order_paid", ago(7.5), "refunded", None, {"amount": 100}),
        Ev("x22", "order_refunded", ago(1), "refunded"),
        Ev("o23", "order_paid", ago(7.5), "welfare", None, {"amount": 100, "sku": "WELFARE-PACK"}),
        Ev("o24a", "order_paid", ago(200), "big", None, {"amount": 1500}),
        Ev("o24b", "order_paid", ago(7.5), "big", None, {"amount": 600}),
        *(Ev(f"o25-{d}", "order_paid", ago(d), "rep", None, {"product": "润肤霜"}) for d in (100, 70, 40)),
        *(Ev(f"o26-{d}", "order_paid", ago(d), "repfresh", None, {"product": "润肤霜"}) for d in (50, 30, 10)),
        Ev("a27", "friend_added", ago(70), "prospect"),
        Ev("o28", "order_paid", ago(200), "silent"),
        Ev("o29", "order_paid", ago(400), "lost"),
    ]
    return World(
        zone=SHANGHAI,
        staff=[StaffMember("guide", {"导购"}), StaffMember("ops", {"运营"})],
        customers=list(people.values()),
        groups=[
            Group("g1", {"会员群"}, members={"member", "buyer618member"}),
            Group("gtrial", {"试听课群"}),
            Group("g3", set()),
        ],
        events=events,
    )


EVERYONE_BUT_STAFF = {p.id for p in brand().customers} - {"staffcust"}
EXPECTED: dict[str, set[str]] = {
    "unbound-revisit": {"unbound", "prospect"},
    "invite-to-group": {"unbound", "bound", "fresh", "prospect"},
    "sale-buyers-invite": {"buyer618"},
    "shop-source-invite": {"jd"},
    "lapsed-female-not-in-group": {"lapsed"},
    "pet-vaccine-reminder": {"pet"},
    "birthday": {"bday"},
    "fission-poster": {"fission"},
    "fission-reward": {"fission"},
    "after-sales-revisit": {"aftersales", "welfare", "big"},
    "welfare-pack-price-diff": {"welfare"},
    "high-spender-survey": {"big"},
    "repurchase-reminder": {"rep"},
    "prospect-recall": {"prospect"},
    "silent-wakeup": {"silent"},
    "lost-wakeup": {"lost"},
    "new-friend-onboarding": EVERYONE_BUT_STAFF,
    "member-group-weekly": {"g1"},
    "trial-class-campaign": {"trial"},
    "trial-class-campaign:groups": {"gtrial"},
    "moments-warmup": {"guide"},
}


@pytest.fixture
def selected(engine: Engine) -> dict[str, set[str]]:
    assert SCENARIOS.is_dir(), f"the scenario pack is missing at {SCENARIOS}"
    with engine.begin() as conn:
        brand().write(conn)
        sops.apply(conn, [SCENARIOS], now_us=NOW)
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for stored in sops.all_latest(conn):
            for index, (name, audience) in enumerate(audiences_of(stored.sop).items()):
                key = stored.id if index == 0 else f"{stored.id}:{name}"
                found[key] = set(audiences.external_ids(conn, audience, NOW))
    return found


def test_every_scenario_audience_is_exactly_as_described(selected: dict[str, set[str]]) -> None:
    assert set(selected) == set(EXPECTED)
    wrong = {key: (sorted(selected[key]), sorted(want)) for key, want in EXPECTED.items() if selected[key] != want}
    assert not wrong, wrong
