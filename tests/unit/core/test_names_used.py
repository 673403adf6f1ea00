"""The names an SOP relies on, each located where it is written, and the closest existing names
offered for one the data has never had (by characters, so Chinese names match too)."""

from __future__ import annotations

from siyu.core.conditions.nodes import TargetKind
from siyu.core.names_used import NameKind, NameUse, Scope, UnknownName, closest, names_in
from siyu.core.sopparse.sop import parse_sop
from siyu.core.yamlsource import load_sops

SOP = """\
id: pets
name: 宠物
kind: customer
audience:
  all:
    - tag: 宠物住
    - event: order_paid
      where: {product: [润肤霜, 7], sku: A1}
    - in_group: {tag: 会员群}
    - repurchase_due: {product: 宠物粮}
entry: {event: friend_added}
exit: {attr: level, gte: 3}
steps:
  - id: hello
    at: {day: 0, time: "10:00"}
    channel: private
    executor: staff:st0001
    when: {not: {date_attr: pet_vaccine_due, in_days: 3}}
    content:
      - text: 你好
  - id: help
    at: {day: 1, time: "10:00"}
    channel: private
    executor: role:导购
    content:
      - text: 你好
"""


def test_every_name_is_found_with_its_path() -> None:
    raw = load_sops(SOP, "pets.yaml")[0].raw
    found = [(use.scope, use.name, use.where) for use in names_in(parse_sop(raw), raw)]
    customer = TargetKind.customer
    assert found == [
        (Scope(NameKind.tag, customer), "宠物住", "audience.all[0].tag"),
        (Scope(NameKind.event), "order_paid", "audience.all[1].event"),
        (Scope(NameKind.product, event="order_paid", key="product"), "润肤霜", "audience.all[1].where.product[0]"),
        (Scope(NameKind.product, event="order_paid", key="sku"), "A1", "audience.all[1].where.sku"),
        (Scope(NameKind.tag, TargetKind.group), "会员群", "audience.all[2].in_group.tag"),
        (
            Scope(NameKind.product, event="order_paid", key="product"),
            "宠物粮",
            "audience.all[3].repurchase_due.product",
        ),
        (Scope(NameKind.attribute, customer), "level", "exit.attr"),
        (Scope(NameKind.event), "friend_added", "entry.event"),
        (Scope(NameKind.staff), "st0001", "steps[0].executor"),
        (Scope(NameKind.attribute, customer), "pet_vaccine_due", "steps[0].when.not.date_attr"),
        (Scope(NameKind.role), "导购", "steps[1].executor"),
    ]


def test_a_misspelt_chinese_name_suggests_the_close_one() -> None:
    assert closest("宠物住", ["会员", "宠物主", "潜客", "宠物粮"]) == ("宠物主", "宠物粮")
    assert closest("order_payed", ["order_paid", "friend_added"]) == ("order_paid",)
    assert closest("完全不同", ["会员", "潜客"]) == ()


def test_the_warning_reads_in_both_languages() -> None:
    unknown = UnknownName(
        NameUse(Scope(NameKind.tag, TargetKind.customer), "宠物住", ("steps", 2, "when", "tag")), ("宠物主",)
    )
    assert unknown.use.where == "steps[2].when.tag"
    assert unknown.message("zh-CN") == "标签「宠物住」从未出现在数据中；是否想写：宠物主？"
    assert unknown.message("en") == "tag 宠物住 never appears in the data; did you mean 宠物主?"
    bare = UnknownName(NameUse(Scope(NameKind.product, event="order_paid", key="sku"), "X9", ()), ())
    assert bare.message("zh-CN") == "「order_paid」事件的 sku「X9」从未出现在数据中"
    assert bare.message("en") == "sku X9 never appears in order_paid events"
