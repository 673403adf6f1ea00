"""Templates are checked where they are written: every templated field, with the step's variables."""

from __future__ import annotations

from siyu.core.sopparse.sop import parse_sop
from tests.unit.core.sop_samples import messages, sop, step


def test_templated_fields_are_checked_with_their_path_and_offset() -> None:
    content = [
        {"text": "嗨 {{customer.nme}}"},
        {"link": {"title": "{{group.name}}", "url": "https://example.com/?c={{customer.id}}&x={{y.z}}"}},
        {"miniprogram": {"title": "t", "appid": "wx", "page": "pages/a?{{staff.id"}},
        {"image": "{{not.a.template}}.png"},
    ]
    found = messages(sop("customer", step(content=content)))
    assert [line.split(": ", 2)[:2] for line in found] == [
        ["steps[0].content[1].link.title", "character 1"],
        ["steps[0].content[1].link.url", "character 42"],
        ["steps[0].content[2].miniprogram.page", "character 9"],
    ]


def test_customer_attributes_are_accepted_by_the_parser() -> None:
    assert messages(sop("customer", step(content=[{"text": "{{customer.pet_name}}"}]))) == []


def test_variant_content_is_checked_too() -> None:
    raw = sop("customer", step(variants=[{"id": "a", "weight": 1, "content": [{"text": "{{group.name}}"}]}]))
    assert messages(raw) == [
        "steps[0].variants[0].content[0].text: character 1: {{group.name}} is not available in a step about a "
        "customer; available here: customer.id, customer.name, customer.birthday, customer.<attribute>, staff.id, "
        "staff.name, last_order.<property>"
    ]


def test_member_name_only_in_member_joined_group_steps() -> None:
    welcome = step(
        at={"on": "member_joined"}, channel="group", executor="group_owner", content=[{"text": "欢迎 {{member.name}}"}]
    )
    weekly = step(
        id="w",
        at={"every": "day", "time": "09:00"},
        channel="group",
        executor="group_owner",
        content=[{"text": "{{member.name}}"}],
    )
    assert messages(sop("group", welcome)) == []
    assert messages(sop("group", welcome, weekly)) == [
        "steps[1].content[0].text: character 1: {{member.name}} is only available in group steps with at: "
        "{on: member_joined}"
    ]


def test_campaign_internal_steps_know_only_staff() -> None:
    raw = sop(
        "campaign",
        step(channel="internal", executor="role:运营", content=[{"text": "{{staff.name}} {{customer.name}}"}]),
    )
    assert messages(raw) == [
        "steps[0].content[0].text: character 16: {{customer.name}} is not available in a step about a staff "
        "account; available here: staff.id, staff.name"
    ]


def test_notes_are_not_templates() -> None:
    assert parse_sop(sop("customer", step(notes="{{ 随意 }}"))).steps[0].notes == "{{ 随意 }}"
