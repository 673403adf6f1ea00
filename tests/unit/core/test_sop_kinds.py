"""Each kind of SOP: its targets, channels, executors and extra keys."""

from __future__ import annotations

import pytest

from siyu.core.conditions.nodes import Role, Tag, TargetKind
from siyu.core.model import Channel, DayAt, Phase, SopKind, audience_target, step_target
from siyu.core.sopparse.sop import parse_sop
from tests.unit.core.sop_samples import messages, sop, step


@pytest.mark.parametrize(
    ("kind", "channel", "executor"),
    [
        ("customer", "private", "owner"),
        ("customer", "sms", "owner"),
        ("customer", "internal", "role:客服"),
        ("customer", "private", "staff:s001"),
        ("group", "group", "group_owner"),
        ("group", "internal", "role:运营"),
        ("moments", "moments", "self"),
        ("campaign", "private", "owner"),
        ("campaign", "sms", "role:运营"),
        ("campaign", "group", "group_owner"),
        ("campaign", "internal", "staff:s001"),
    ],
)
def test_valid_channel_and_executor_per_kind(kind: str, channel: str, executor: str) -> None:
    extra = {"groups": {"tag": "群"}, "audience": {"tag": "意向"}} if kind == "campaign" else {}
    assert messages(sop(kind, step(channel=channel, executor=executor), **extra)) == []


@pytest.mark.parametrize(
    ("kind", "channel", "allowed"),
    [
        ("customer", "group", "private, sms, internal"),
        ("customer", "moments", "private, sms, internal"),
        ("group", "private", "group, internal"),
        ("moments", "private", "moments"),
        ("campaign", "moments", "private, sms, group, internal"),
    ],
)
def test_channel_not_of_the_kind(kind: str, channel: str, allowed: str) -> None:
    raw = sop(kind, step(channel=channel, executor="role:x"))
    assert f"steps[0].channel: a {kind} SOP cannot use channel {channel} (use: {allowed})" in messages(raw)


def test_unknown_channel_with_a_hint() -> None:
    assert messages(sop("customer", step(channel="privat"))) == [
        "steps[0].channel: expected one of private, sms, internal, got 'privat' (did you mean private?)"
    ]


@pytest.mark.parametrize(
    ("kind", "channel", "executor", "message"),
    [
        (
            "customer",
            "private",
            "group_owner",
            "group_owner needs a step about a group; in this customer SOP step use: owner, role:<name>, staff:<id>",
        ),
        (
            "campaign",
            "internal",
            "owner",
            "owner (the customer's owner) needs a step about a customer; "
            "in this campaign SOP step use: role:<name>, staff:<id>",
        ),
        (
            "campaign",
            "group",
            "owner",
            "owner (the customer's owner) needs a step about a customer; "
            "in this campaign SOP step use: group_owner, role:<name>, staff:<id>",
        ),
        (
            "moments",
            "moments",
            "role:导购",
            "a moments post goes out from the account itself; in this moments SOP step use: self",
        ),
        (
            "group",
            "group",
            "self",
            "self (the posting account) is only for moments SOPs; "
            "in this group SOP step use: group_owner, role:<name>, staff:<id>",
        ),
    ],
)
def test_executor_must_fit_the_step(kind: str, channel: str, executor: str, message: str) -> None:
    extra = {"groups": {"tag": "群"}} if kind == "campaign" else {}
    assert messages(sop(kind, step(channel=channel, executor=executor), **extra)) == [f"steps[0].executor: {message}"]


@pytest.mark.parametrize("executor", ["role:", "staff: ", "boss", "owner:x", 3])
def test_malformed_executor(executor: object) -> None:
    assert messages(sop("customer", step(executor=executor))) == [
        f"steps[0].executor: expected owner, group_owner, self, role:<name> or staff:<id>, got {executor!r}"
    ]


def test_auto_mode_is_not_possible_for_internal_work() -> None:
    assert messages(sop("customer", step(channel="internal", executor="role:客服", mode="auto"))) == [
        "steps[0].mode: internal work is done by a person: mode auto is not possible on the internal channel"
    ]


def test_kind_must_be_known() -> None:
    assert messages(sop("customers")) == [
        "kind: expected one of customer, group, moments, campaign, got 'customers' (did you mean customer?)"
    ]


def test_keys_of_another_kind_are_named_as_such() -> None:
    assert messages(sop("customer", anchor="2026-12-07T19:00:00+08:00", visible_to={"tag": "会员"})) == [
        "anchor: anchor is only for campaign SOPs",
        "visible_to: visible_to is only for moments SOPs",
    ]


def test_audience_target_follows_the_kind() -> None:
    assert messages(sop("group", step(channel="group", executor="group_owner"), audience={"birthday": "today"})) == [
        "audience: birthday is not a group condition here (use: all, any, not, tag, attr, event, no_event, since)"
    ]
    assert messages(sop("moments", step(channel="moments", executor="self"), audience={"tag": "会员"})) == []


def test_audience_is_required_for_customer_and_group_sops() -> None:
    assert messages(sop("customer", audience=None)) == ["(top): missing required key: audience"]
    assert messages(sop("group", step(channel="group", executor="group_owner"), audience=None)) == [
        "(top): missing required key: audience"
    ]


def test_audience_is_optional_for_event_entry_moments_and_campaigns() -> None:
    assert messages(sop("customer", audience=None, entry={"event": "friend_added"})) == []
    assert messages(sop("moments", step(channel="moments", executor="self"))) == []
    assert messages(sop("campaign", step(channel="internal", executor="role:运营"))) == []


def test_moments_sop() -> None:
    parsed = parse_sop(
        sop("moments", step(channel="moments", executor="self"), audience={"role": "导购"}, visible_to={"tag": "会员"})
    )
    assert parsed.audience == Role("导购")
    assert parsed.visible_to == Tag("会员")
    assert messages(sop("moments", step(channel="moments", executor="self"), visible_to={"role": "导购"})) == [
        "visible_to: role is not a customer condition here (use: all, any, not, tag, attr, event, no_event, since, "
        "birthday, date_attr, in_group, repurchase_due, referrals)"
    ]


def test_campaign_sop() -> None:
    raw = sop(
        "campaign",
        step(id="t-3", at={"day": -3, "time": "10:00"}, channel="sms", executor="role:运营", mode="auto"),
        step(id="d1", at={"day": 0, "time": "13:30"}, channel="group", executor="group_owner"),
        audience={"tag": "意向"},
        groups={"tag": "试听课群"},
        phases=[{"name": "预热期", "days": [-3, -1]}, {"name": "启动期", "days": [0, 2]}],
    )
    parsed = parse_sop(raw)
    assert parsed.kind is SopKind.campaign
    assert parsed.anchor is not None
    assert parsed.anchor.isoformat() == "2026-12-07T19:00:00+08:00"
    assert parsed.groups == Tag("试听课群")
    assert parsed.phases == (Phase("预热期", -3, -1), Phase("启动期", 0, 2))
    assert parsed.steps[0].at == DayAt(-3, parsed.steps[0].at.time)  # type: ignore[union-attr]


def test_campaign_needs_an_anchor() -> None:
    assert messages(sop("campaign", step(channel="internal", executor="role:x"), anchor=None)) == [
        "(top): missing required key: anchor"
    ]


def test_campaign_steps_use_day_and_time() -> None:
    assert messages(sop("campaign", step(channel="internal", executor="role:x", at={"delay": "1h"}))) == [
        'steps[0].at: campaign steps sit on the anchor\'s time axis: use {day: N, time: "HH:MM"}'
    ]


def test_negative_days_only_in_campaigns() -> None:
    assert messages(sop("customer", step(at={"day": -1, "time": "10:00"}))) == [
        "steps[0].at.day: expected 0 or more (negative days are for campaign SOPs), got -1"
    ]


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([{"name": "a", "days": [2, 1]}], "phases[0].days: from 2 is after to 1"),
        ([{"name": "a", "days": [1]}], "phases[0].days: expected [from, to], two whole numbers, got a list"),
        (
            [{"name": "a", "days": [0, 1]}, {"name": "a", "days": [2, 3]}],
            "phases[1].name: duplicate name a (also phases[0])",
        ),
        (
            [{"name": "a", "days": [0, 5]}, {"name": "b", "days": [5, 6]}],
            "phases: phase b (days 5 to 6) overlaps phase a (days 0 to 5)",
        ),
        ([{"name": "a"}], "phases[0]: missing required key: days"),
        ([{"name": "a", "days": [0, 1], "goal": "x"}], "phases[0].goal: unknown key goal (allowed here: name, days)"),
    ],
)
def test_campaign_phases(phases: list[dict[str, object]], message: str) -> None:
    assert messages(sop("campaign", step(channel="internal", executor="role:x"), phases=phases)) == [message]


def test_step_targets() -> None:
    assert step_target(SopKind.customer, Channel.internal) is TargetKind.customer
    assert step_target(SopKind.group, Channel.internal) is TargetKind.group
    assert step_target(SopKind.moments, Channel.moments) is TargetKind.staff
    assert step_target(SopKind.campaign, Channel.private) is TargetKind.customer
    assert step_target(SopKind.campaign, Channel.sms) is TargetKind.customer
    assert step_target(SopKind.campaign, Channel.group) is TargetKind.group
    assert step_target(SopKind.campaign, Channel.internal) is TargetKind.staff


def test_audience_targets() -> None:
    assert audience_target(SopKind.customer) is TargetKind.customer
    assert audience_target(SopKind.group) is TargetKind.group
    assert audience_target(SopKind.moments) is TargetKind.staff
    assert audience_target(SopKind.campaign) is TargetKind.customer
    assert parse_sop(sop("group", step(channel="group", executor="group_owner"))).audience_target is TargetKind.group


def test_step_when_follows_the_step_target() -> None:
    raw = sop(
        "campaign",
        step(channel="group", executor="group_owner", when={"tag": "活跃群"}),
        step(id="t", channel="internal", executor="role:x", when={"in_group": True}),
        groups={"tag": "群"},
    )
    assert messages(raw) == ["steps[1].when: in_group is not a staff condition here (use: all, any, not, role, tag)"]


def test_id_is_a_slug() -> None:
    assert messages(sop(id="Bad_Id")) == [
        "id: expected an id made of lowercase letters, digits and -, 1 to 100 characters, not starting with -, "
        "got 'Bad_Id'"
    ]
    assert messages(sop(id="a" * 101))[0].startswith("id: expected an id made of")
    assert messages(sop(id="a" * 100)) == []
    assert messages(sop(id=618)) == []
