"""Scenario 08 (after-sales), three SOPs on orders paid 7 to 8 days ago ([now − 8 d, now − 7 d)):

- after-sales-revisit: a survey at 10:00 (A/B copy, 50/50: the variant is pick_variant of the
  SOP, the step and the customer), unless an order was refunded in the last 8 days; variant a
  names the shop of the last order (`{{last_order.shop}}`);
- welfare-pack-price-diff: buyers of the WELFARE-PACK sku, at 11:00;
- high-spender-survey: customers with ≥ 2000 paid in the last 365 days, at 15:00.

One customer hit by all three on one day gets two touches that day: the brand-wide cap (2 per
local day) defers the third to the same time the next day, with the reason on the task.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.core.assign import pick_variant
from siyu.sops import repo as sop_service

# `run` from the rule tests: ticks that take every step even while a test on another schema
# holds a PostgreSQL advisory lock (they are database-wide)
from tests.integration.planner.rules.support import run
from tests.support.brand import SCENARIOS, Brand, apply_sops, at, summary, task_rows

REVISIT = "after-sales-revisit"
WELFARE = "welfare-pack-price-diff"
HIGH = "high-spender-survey"
FILE = SCENARIOS / "08-after-sales.yaml"
DAILY_CAP = "每日上限 2 已满，顺延 1 天"
SURVEY_LINK = {"link": {"title": "满意度问卷", "url": "https://example.com/survey"}}


def variant_of(engine: Engine, customer: str) -> str:
    """The survey variant the engine must give this customer, from the applied SOP's weights."""
    with engine.begin() as conn:
        (ask,) = sop_service.latest(conn, REVISIT).sop.steps
    variant = pick_variant(REVISIT, ask.id, customer, ask.variants)
    assert variant is not None
    return variant


def order(brand: Brand, customer: str, moment: str, amount: float, *, sku: str = "SKU-1", shop: str = "旗舰店") -> None:
    number = len(brand.events) + 1
    brand.add_event("order_paid", moment, customer=customer, order_id=f"o{number}", amount=amount, sku=sku, shop=shop)


def test_orders_7_to_8_days_old_without_refund_get_the_survey(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("a-in8", "s1")
    order(brand, "a-in8", "2026-11-12 10:00", 100, shop="京东旗舰店")  # exactly 8 days before 11-20 10:00: in
    brand.add_customer("a-edge7", "s2")
    order(brand, "a-edge7", "2026-11-13 10:00", 100)  # exactly 7 days at 10:00: out until 10:00 has passed
    brand.add_customer("a-old", "s3")
    order(brand, "a-old", "2026-11-12 09:59", 100)  # 8 days 1 minute at 10:00: out
    brand.add_customer("a-refund", "s2")
    order(brand, "a-refund", "2026-11-12 15:00", 100)
    brand.add_event("order_refunded", "2026-11-15 09:00", customer="a-refund", order_id="o4")
    brand.add_customer("a-refund-old", "s3")  # a refund long ago does not exclude
    order(brand, "a-refund-old", "2026-09-01 15:00", 100)
    brand.add_event("order_refunded", "2026-09-10 09:00", customer="a-refund-old", order_id="o6")
    order(brand, "a-refund-old", "2026-11-12 15:00", 100, shop="天猫旗舰店")
    brand.add_customer("a-new", "s1")
    order(brand, "a-new", "2026-11-14 09:00", 100)  # 7 days old at 11-21 09:00; in from then on
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:30"))

    run(engine, "2026-11-20 10:00")
    assert summary(engine, sop=REVISIT) == [
        ("ask", "a-in8", "s1", "2026-11-20 10:00", "due", variant_of(engine, "a-in8")),
        ("ask", "a-refund-old", "s3", "2026-11-20 10:00", "due", variant_of(engine, "a-refund-old")),
    ]

    # a-edge7 enters at 11:00 (day-0 10:00 past: at once); a-new at the 10:00 check of 11-21
    run(engine, "2026-11-20 11:00", "2026-11-21 09:00", "2026-11-21 10:00")
    assert summary(engine, sop=REVISIT) == [
        ("ask", "a-edge7", "s2", "2026-11-20 11:00", "due", variant_of(engine, "a-edge7")),
        ("ask", "a-in8", "s1", "2026-11-20 10:00", "due", variant_of(engine, "a-in8")),
        ("ask", "a-new", "s1", "2026-11-21 10:00", "due", variant_of(engine, "a-new")),
        ("ask", "a-refund-old", "s3", "2026-11-20 10:00", "due", variant_of(engine, "a-refund-old")),
    ]


def test_the_survey_copy_follows_the_variant_and_names_the_shop(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("a-in8", "s1")  # variant a
    brand.add_customer("a-new", "s1")  # variant b
    order(brand, "a-in8", "2026-11-12 12:00", 100, shop="京东旗舰店")
    order(brand, "a-new", "2026-11-12 12:00", 100, shop="京东旗舰店")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    assert (variant_of(engine, "a-in8"), variant_of(engine, "a-new")) == ("a", "b")

    run(engine, "2026-11-20 09:00", "2026-11-20 10:00")
    tasks = {row["target"]: row for row in task_rows(engine, sop=REVISIT)}
    assert tasks["a-in8"]["content"] == {
        "items": [
            {"text": "嗨～在京东旗舰店买的宝贝收到了吗？商品和服务还满意吗？有任何问题可以随时跟我说哦～"},
            SURVEY_LINK,
        ]
    }
    assert tasks["a-new"]["content"] == {
        "items": [{"text": "亲，宝贝用得怎么样？花 1 分钟填个问卷，送你一张无门槛券～"}, SURVEY_LINK]
    }


def test_both_variants_occur_each_as_drawn(engine: Engine, tmp_path: Path) -> None:
    customers = [f"ab{number:02}" for number in range(40)]
    brand = Brand()
    for staff in ("s1", "s2", "s3", "s4"):
        brand.add_staff(staff)
    for number, customer in enumerate(customers):
        brand.add_customer(customer, f"s{number % 4 + 1}")
        order(brand, customer, "2026-11-12 12:00", 100)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 09:00", "2026-11-20 10:00")

    expected = sorted(
        ("ask", customer, f"s{number % 4 + 1}", "2026-11-20 10:00", "due", variant_of(engine, customer))
        for number, customer in enumerate(customers)
    )
    assert summary(engine, sop=REVISIT) == expected
    counts = Counter(row[5] for row in expected)
    assert set(counts) == {"a", "b"}, counts


def test_welfare_pack_buyers_get_the_price_difference_at_11(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("w1", "s1")
    order(brand, "w1", "2026-11-12 12:00", 99, sku="WELFARE-PACK")
    brand.add_customer("w2", "s2")  # another sku in the window, the welfare pack long before
    order(brand, "w2", "2026-10-01 12:00", 99, sku="WELFARE-PACK")
    order(brand, "w2", "2026-11-12 12:00", 99)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 09:00")
    assert summary(engine, sop=WELFARE) == [("price-diff", "w1", "s1", "2026-11-20 11:00", "pending", "")]
    run(engine, "2026-11-20 11:00")
    (task,) = task_rows(engine, sop=WELFARE)
    assert task["status"] == "due"
    assert task["content"] == {
        "items": [
            {"text": "福利包退差价已开放，填写满意度问卷即可申请～"},
            {"link": {"title": "申请退差价", "url": "https://example.com/diff"}},
        ]
    }


def test_high_spenders_get_the_survey_at_15(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    for staff in ("s1", "s2", "s3"):
        brand.add_staff(staff)
    brand.add_customer("h1", "s1")  # 1500 in March + 600 in the window = 2100
    order(brand, "h1", "2026-03-01 12:00", 1500)
    order(brand, "h1", "2026-11-12 12:00", 600)
    brand.add_customer("h2", "s2")  # 1999 in all
    order(brand, "h2", "2026-03-01 12:00", 1399)
    order(brand, "h2", "2026-11-12 12:00", 600)
    brand.add_customer("h3", "s3")  # the 1500 is more than 365 days old
    order(brand, "h3", "2025-11-01 12:00", 1500)
    order(brand, "h3", "2026-11-12 12:00", 600)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 09:00"))
    run(engine, "2026-11-20 09:00", "2026-11-20 15:00")
    assert summary(engine, sop=HIGH) == [("survey", "h1", "s1", "2026-11-20 15:00", "due", "")]
    assert task_rows(engine, sop=HIGH)[0]["content"] == {
        "items": [{"text": "感谢一直以来的支持！想听听你对我们新品的建议～"}]
    }


def test_three_sops_on_one_day_the_cap_defers_the_third_to_the_next_day(engine: Engine, tmp_path: Path) -> None:
    """vip bought a welfare pack 7–8 days ago (survey 10:00, price difference 11:00, both planned
    at 09:00); a big order at 12:30 makes vip a high spender, planned at 13:00 for 15:00: the
    third touch of the day, deferred to 15:00 tomorrow."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("vip", "s1")
    order(brand, "vip", "2026-11-13 08:30", 300, sku="WELFARE-PACK")
    order(brand, "vip", "2026-11-20 12:30", 1800)
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 08:00"))

    run(engine, "2026-11-20 09:00", "2026-11-20 10:00", "2026-11-20 11:00", "2026-11-20 12:00")
    assert summary(engine) == [
        ("ask", "vip", "s1", "2026-11-20 10:00", "due", variant_of(engine, "vip")),
        ("price-diff", "vip", "s1", "2026-11-20 11:00", "due", ""),
    ]

    run(engine, "2026-11-20 13:00")
    assert summary(engine) == [
        ("ask", "vip", "s1", "2026-11-20 10:00", "due", variant_of(engine, "vip")),
        ("price-diff", "vip", "s1", "2026-11-20 11:00", "due", ""),
        ("survey", "vip", "s1", "2026-11-21 15:00", "pending", ""),
    ]
    (survey,) = task_rows(engine, sop=HIGH)
    assert survey["scheduled_at"] == "2026-11-20T15:00:00+08:00"
    assert survey["reason"] == DAILY_CAP

    run(engine, "2026-11-20 15:00", "2026-11-21 14:59")
    assert [row[3:5] for row in summary(engine, sop=HIGH)] == [("2026-11-21 15:00", "pending")]
    run(engine, "2026-11-21 15:00")
    assert summary(engine, sop=HIGH) == [("survey", "vip", "s1", "2026-11-21 15:00", "due", "")]


def test_the_cap_reason_stays_on_the_deferred_task_once_due(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("vip", "s1")
    order(brand, "vip", "2026-11-13 08:30", 2500, sku="WELFARE-PACK")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 08:00"))
    run(engine, "2026-11-20 09:00", "2026-11-21 11:00")
    (deferred,) = task_rows(engine, sop=WELFARE)
    assert (deferred["status"], deferred["reason"]) == ("due", DAILY_CAP)


def test_three_sops_entered_together_keep_the_two_planned_first(engine: Engine, tmp_path: Path) -> None:
    """All three audiences start to hold at the same check: the SOPs (all priority 0) are planned
    in id order, so the welfare pack's 11:00, planned last, is the one deferred."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("vip", "s1")
    order(brand, "vip", "2026-11-13 08:30", 2500, sku="WELFARE-PACK")
    brand.write(engine, tmp_path)
    apply_sops(engine, FILE, now=at("2026-11-20 08:00"))
    run(engine, "2026-11-20 09:00")
    assert summary(engine) == [
        ("ask", "vip", "s1", "2026-11-20 10:00", "pending", variant_of(engine, "vip")),
        ("price-diff", "vip", "s1", "2026-11-21 11:00", "pending", ""),
        ("survey", "vip", "s1", "2026-11-20 15:00", "pending", ""),
    ]
    assert {row["sop"]: row["reason"] for row in task_rows(engine)} == {REVISIT: None, HIGH: None, WELFARE: DAILY_CAP}
