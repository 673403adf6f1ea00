"""Templates: strict placeholder syntax, variables by step target, strict rendering."""

from __future__ import annotations

import pytest

from siyu.core.conditions.nodes import TargetKind
from siyu.core.render import (
    MissingValueError,
    Placeholder,
    TemplateError,
    check_template,
    parse_template,
    placeholders,
    render,
    scope_for,
)


def test_parse_splits_text_and_placeholders() -> None:
    assert parse_template("嗨 {{customer.name}}，我是{{ staff.name }}") == (
        "嗨 ",
        Placeholder("customer", "name", 2),
        "，我是",
        Placeholder("staff", "name", 22),
    )


def test_plain_text_and_lone_braces_are_literal() -> None:
    assert parse_template("a } b }} c {") == ("a } b }} c {",)
    assert parse_template("") == ()


def test_attribute_names_may_be_unicode_identifiers() -> None:
    assert placeholders("{{customer.宠物名}}") == (Placeholder("customer", "宠物名", 0),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hi {{customer.name", 'character 4: "{{" is not closed by "}}"'),
        ("{{name}}", "character 1: expected a variable like {{customer.name}}, got '{{name}}'"),
        (
            "x {{ customer.first name }}",
            "character 3: expected a variable like {{customer.name}}, got '{{ customer.first name }}'",
        ),
        (
            "{{customer.name|upper}}",
            "character 1: expected a variable like {{customer.name}}, got '{{customer.name|upper}}'",
        ),
        ("{{{customer.name}}}", "character 1: expected a variable like {{customer.name}}, got '{{{customer.name}}'"),
        ("{{Customer.name}}", "character 1: expected a variable like {{customer.name}}, got '{{Customer.name}}'"),
        ("{{customer.1st}}", "character 1: expected a variable like {{customer.name}}, got '{{customer.1st}}'"),
    ],
)
def test_syntax_errors_are_located_by_character(text: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    assert str(caught.value) == message


def test_render_fills_every_placeholder() -> None:
    values = {"customer": {"name": "小王"}, "staff": {"name": "阿美"}}
    assert render("嗨 {{customer.name}}，我是{{ staff.name }}～", values) == "嗨 小王，我是阿美～"


def test_render_raises_on_a_missing_value() -> None:
    with pytest.raises(MissingValueError, match=r"no value for \{\{customer.pet_name\}\} \(character 3\)"):
        render("咱家{{customer.pet_name}}", {"customer": {"name": "小王"}})
    with pytest.raises(MissingValueError):
        render("{{last_order.shop}}", {})


def test_render_raises_on_bad_syntax() -> None:
    with pytest.raises(TemplateError):
        render("{{customer.name", {"customer": {"name": "x"}})


def reasons(text: str, target: TargetKind, *, member_event: bool = False) -> list[str]:
    return [str(error) for error in check_template(text, scope_for(target, member_event=member_event))]


CUSTOMER_VARIABLES = (
    "customer.id, customer.name, customer.birthday, customer.<attribute>, staff.id, staff.name, last_order.<property>"
)


def test_customer_steps_know_customer_staff_and_last_order() -> None:
    text = "{{customer.name}}{{customer.id}}{{customer.pet_name}}{{staff.name}}{{staff.id}}{{last_order.shop}}"
    assert reasons(text, TargetKind.customer) == []


GROUP_VARIABLES = "group.id, group.name, staff.id, staff.name"
STAFF_VARIABLES = "staff.id, staff.name"


@pytest.mark.parametrize(
    ("text", "target", "reason", "available"),
    [
        (
            "{{staff.nme}}",
            TargetKind.customer,
            "unknown variable {{staff.nme}} (did you mean staff.name?)",
            CUSTOMER_VARIABLES,
        ),
        (
            "{{custmer.name}}",
            TargetKind.customer,
            "unknown variable {{custmer.name}} (did you mean customer.name?)",
            CUSTOMER_VARIABLES,
        ),
        (
            "{{order.shop}}",
            TargetKind.customer,
            "unknown variable {{order.shop}} (did you mean last_order.shop?)",
            CUSTOMER_VARIABLES,
        ),
        (
            "{{group.name}}",
            TargetKind.customer,
            "{{group.name}} is not available in a step about a customer",
            CUSTOMER_VARIABLES,
        ),
        (
            "{{customer.name}}",
            TargetKind.group,
            "{{customer.name}} is not available in a step about a group",
            GROUP_VARIABLES,
        ),
        (
            "{{member.name}}",
            TargetKind.customer,
            "{{member.name}} is not available in a step about a customer",
            CUSTOMER_VARIABLES,
        ),
        (
            "{{last_order.shop}}",
            TargetKind.staff,
            "{{last_order.shop}} is not available in a step about a staff account",
            STAFF_VARIABLES,
        ),
        ("{{group.title}}", TargetKind.group, "unknown variable {{group.title}}", GROUP_VARIABLES),
    ],
)
def test_unknown_variables(text: str, target: TargetKind, reason: str, available: str) -> None:
    assert reasons(text, target) == [f"character 1: {reason}; available here: {available}"]


def test_member_outside_member_joined_steps() -> None:
    assert reasons("{{member.name}}", TargetKind.group) == [
        "character 1: {{member.name}} is only available in group steps with at: {on: member_joined}"
    ]


def test_member_is_known_in_member_joined_steps() -> None:
    assert reasons("欢迎 {{member.name}} 加入 {{group.name}}", TargetKind.group, member_event=True) == []
    assert reasons("{{member.id}}", TargetKind.group, member_event=True) == [
        f"character 1: unknown variable {{{{member.id}}}}; available here: {GROUP_VARIABLES}, member.name"
    ]


def test_every_unknown_variable_of_a_text_is_reported() -> None:
    assert [e.offset for e in check_template("{{a.b}} x {{c.d}}", scope_for(TargetKind.staff))] == [0, 10]
