"""An SOP's audiences, defined once in core: by the name of their targets, with their kind and condition."""

from __future__ import annotations

from siyu.core.audiences import Audience, audiences_of, enters_by_audience, entry_kinds, steps_about
from siyu.core.conditions.nodes import Tag, TargetKind
from tests.unit.core.sop_samples import parse_one

CUSTOMER = """
id: vip
name: VIP
kind: customer
audience: {tag: VIP}
steps:
  - {id: hi, at: {delay: 1h}, channel: private, executor: owner, content: [{text: hi}]}
"""

GROUP = """
id: weekly
name: weekly
kind: group
audience: {tag: 会员群}
steps:
  - {id: post, at: {every: week, weekday: mon, time: "10:00"}, channel: group, executor: group_owner, content: [{text: hi}]}
"""

CAMPAIGN = """
id: launch
name: launch
kind: campaign
anchor: 2026-12-07T19:00:00+08:00
groups: {tag: 会员群}
steps:
  - {id: prepare, at: {day: -1, time: "10:00"}, channel: internal, executor: role:运营, content: [{text: prepare}]}
  - {id: invite, at: {day: 0, time: "10:00"}, channel: private, executor: owner, content: [{text: come}]}
  - {id: post, at: {day: 0, time: "11:00"}, channel: group, executor: group_owner, content: [{text: come}]}
"""

EVENT = """
id: paid
name: paid
kind: customer
entry: {event: order_paid}
steps:
  - {id: thanks, at: {delay: 1h}, channel: private, executor: owner, content: [{text: thanks}]}
"""


def test_a_customer_sop_has_one_audience_of_customers() -> None:
    sop = parse_one(CUSTOMER)
    assert audiences_of(sop) == {"customers": Audience(TargetKind.customer, Tag("VIP"))}
    assert entry_kinds(sop) == (TargetKind.customer,)
    assert enters_by_audience(sop)


def test_a_group_sop_has_one_audience_of_groups() -> None:
    sop = parse_one(GROUP)
    assert audiences_of(sop) == {"groups": Audience(TargetKind.group, Tag("会员群"))}
    assert entry_kinds(sop) == (TargetKind.group,)


def test_a_campaign_reaches_customers_and_groups_and_takes_none_of_a_kind_it_does_not_name() -> None:
    sop = parse_one(CAMPAIGN)
    assert audiences_of(sop) == {
        "customers": Audience(TargetKind.customer, None, nobody=True),
        "groups": Audience(TargetKind.group, Tag("会员群")),
    }
    assert entry_kinds(sop) == (TargetKind.customer, TargetKind.group)


def test_steps_serve_the_entries_of_their_kind_and_internal_campaign_work_has_no_entries() -> None:
    sop = parse_one(CAMPAIGN)
    assert [step.id for step in steps_about(sop, TargetKind.customer)] == ["invite"]
    assert [step.id for step in steps_about(sop, TargetKind.group)] == ["post"]
    assert steps_about(sop, TargetKind.staff) == ()


def test_an_sop_entered_by_event_does_not_enter_by_audience() -> None:
    assert not enters_by_audience(parse_one(EVENT))
