"""The exact messages a user reads for the common mistakes, located as file:line: path."""

from __future__ import annotations

from tests.unit.core.sop_samples import CUSTOMER, problems


def test_unknown_key_with_a_hint() -> None:
    assert problems(CUSTOMER + "stpes: []\n") == [
        "sop.yaml:12: stpes: unknown key stpes (did you mean steps?) (allowed here: id, name, kind, goal, enabled, "
        "priority, audience, entry, reentry, exit, holdout, ramp, steps, standards)"
    ]


def test_unknown_key_inside_a_step() -> None:
    assert problems(CUSTOMER.replace("    channel: private", "    chanel: private\n    channel: private")) == [
        "sop.yaml:8: steps[0].chanel: unknown key chanel (did you mean channel?) (allowed here: id, name, at, channel, "
        "executor, mode, when, content, variants, notes, workdays_only)"
    ]


def test_unknown_condition_leaf() -> None:
    assert problems(CUSTOMER.replace("audience: {tag: 会员}", "audience: {tga: 会员}")) == [
        "sop.yaml:4: audience: unknown condition tga (did you mean tag?) (expected one of: all, any, not, tag, attr, "
        "event, no_event, since, birthday, date_attr, in_group, repurchase_due, referrals)"
    ]


def test_wrong_type() -> None:
    assert problems(CUSTOMER + "priority: high\nenabled: yes\n") == [
        "sop.yaml:12: priority: expected a whole number, got 'high'",
        "sop.yaml:13: enabled: expected true or false, got 'yes'",
    ]


def test_bad_date() -> None:
    text = """
id: launch
name: 上新
kind: campaign
anchor: "2026-13-07T19:00:00+08:00"
steps:
  - id: t
    at: {day: -1, time: "10:00"}
    channel: internal
    executor: role:运营
    content: [{text: 准备}]
"""
    assert problems(text) == [
        "sop.yaml:4: anchor: expected an ISO 8601 date-time with offset like 2026-12-07T19:00:00+08:00, "
        "got '2026-13-07T19:00:00+08:00'"
    ]


def test_date_without_offset() -> None:
    text = """
id: launch
name: 上新
kind: campaign
anchor: 2026-12-07T19:00:00
steps:
  - id: t
    at: {day: -1, time: "10:00"}
    channel: internal
    executor: role:运营
    content: [{text: 准备}]
"""
    assert problems(text) == [
        "sop.yaml:4: anchor: '2026-12-07T19:00:00' has no offset; write it like 2026-12-07T19:00:00+08:00"
    ]


def test_bad_time() -> None:
    assert problems(CUSTOMER.replace('time: "10:00"', "time: 24:00")) == [
        "sop.yaml:7: steps[0].at.time: expected a time \"HH:MM\" from 00:00 to 23:59, got '24:00'"
    ]


def test_unquoted_time_is_read_as_a_time() -> None:
    assert problems(CUSTOMER.replace('time: "10:00"', "time: 10:30")) == []


def test_bad_duration() -> None:
    assert problems(CUSTOMER + "reentry: {after: 3w}\n") == [
        "sop.yaml:12: reentry.after: expected a duration like 30m, 24h or 7d, got '3w'"
    ]


def test_unknown_template_variable() -> None:
    assert problems(CUSTOMER.replace("text: 你好", 'text: "你好 {{staff.nme}}"')) == [
        "sop.yaml:11: steps[0].content[0].text: character 4: unknown variable {{staff.nme}} (did you mean "
        "staff.name?); available here: customer.id, customer.name, customer.birthday, customer.<attribute>, "
        "staff.id, staff.name, last_order.<property>"
    ]


def test_wrong_executor_for_kind() -> None:
    text = """
id: weekly
name: 周历
kind: group
audience: {tag: 会员群}
steps:
  - id: mon
    at: {every: week, weekday: mon, time: "09:00"}
    channel: group
    executor: owner
    content: [{text: 早安}]
"""
    assert problems(text) == [
        "sop.yaml:9: steps[0].executor: owner (the customer's owner) needs a step about a customer; "
        "in this group SOP step use: group_owner, role:<name>, staff:<id>"
    ]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        CUSTOMER.replace('time: "10:00"', "time: 25:00").replace("executor: owner", "executor: boss")
        + "holdout: 100%\n"
    )
    assert found == [
        "sop.yaml:7: steps[0].at.time: expected a time \"HH:MM\" from 00:00 to 23:59, got '25:00'",
        "sop.yaml:9: steps[0].executor: expected owner, group_owner, self, role:<name> or staff:<id>, got 'boss'",
        "sop.yaml:12: holdout: expected a percentage from 0% to below 100%, got 100%",
    ]


def test_missing_required_keys() -> None:
    assert problems("id: x\nkind: customer\naudience: {tag: a}\n") == [
        "sop.yaml:1: (top): missing required key: name",
        "sop.yaml:1: (top): missing required key: steps",
    ]


def test_problems_in_a_list_file_carry_the_index() -> None:
    text = """
- id: one
  name: 一
  kind: customer
  audience: {tag: 会员}
  steps:
    - {id: s, at: {delay: 0m}, channel: private, executor: owner, content: [{text: 好}]}
- id: two
  name: 二
  kind: customer
  audience: {tag: 会员}
  steps:
    - id: s
      at: {delay: 0m}
      channel: private
      executor: self
      content: [{text: 好}]
"""
    assert problems(text) == [
        "sop.yaml:15: [1].steps[0].executor: self (the posting account) is only for moments SOPs; "
        "in this customer SOP step use: owner, role:<name>, staff:<id>"
    ]
