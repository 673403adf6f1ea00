"""What must hold in every demo: the import contract, referential integrity, time, realism."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from siyu.demo.generate import FILE_NAMES, DemoFiles
from tests.unit.demo.audiences import product_gaps, referrals
from tests.unit.demo.conftest import CUSTOMERS, NOW
from tests.unit.demo.dataset import Demo

KNOWN_TYPES = {
    "friend_added", "account_bound", "order_paid", "order_refunded", "group_joined", "group_left",
    "message_received", "message_sent", "coupon_redeemed", "link_clicked",
}  # fmt: skip


def test_counts_follow_the_size_of_the_brand(demo: Demo, demo_files: DemoFiles) -> None:
    assert len(demo.customers) == CUSTOMERS == demo_files.counts["customers"]
    assert len(demo.staff) == 25 == demo_files.counts["staff"]  # 17 导购, one per 300 customers, and 8 others
    assert len(demo.groups) == 17 == demo_files.counts["groups"]  # one per 300 customers
    assert len(demo.events) == demo_files.counts["events"] >= 10 * CUSTOMERS
    assert len(demo.members) == demo_files.counts["members"]
    assert len(demo.tags) == demo_files.counts["tags"]
    assert Counter(e.type for e in demo.events) == Counter(demo_files.event_types)
    assert set(demo_files.event_types) == KNOWN_TYPES


def test_every_event_is_in_the_past_with_a_local_offset(demo: Demo) -> None:
    assert max(e.at for e in demo.events) <= NOW
    assert min(e.at for e in demo.events) >= NOW - timedelta(days=740)
    assert {e.at.utcoffset() for e in demo.events} == {timedelta(hours=8)}


def test_ids_are_unique(demo: Demo) -> None:
    ids = [e.id for e in demo.events]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"ev\d{7}-\d{3}", i) for i in ids)
    for customer, events in demo.by_customer.items():
        numbers = [int(e.id.rsplit("-", 1)[1]) for e in events]
        assert numbers == list(range(1, len(events) + 1)), customer
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert {e.id[2:9] for e in events} == {customer[2:]}
    orders = [e.properties["order_id"] for e in demo.events if e.type == "order_paid"]
    assert len(set(orders)) == len(orders)
    assert len({s["id"] for s in demo.staff}) == len(demo.staff)
    assert len(set(demo.members)) == len(demo.members)
    assert len(set(demo.tags)) == len(demo.tags)


def test_every_reference_exists(demo: Demo) -> None:
    staff = {s["id"] for s in demo.staff}
    assert {s["manager"] for s in demo.staff} - {""} <= staff
    assert {c["owner"] for c in demo.customers.values()} <= staff
    assert {g["owner"] for g in demo.groups.values()} <= staff
    assert {r["staff"] for g in demo.groups.values() for r in g["roles"]} <= staff
    assert {g for g, _ in demo.members} <= set(demo.groups)
    assert {c for _, c in demo.members} | {c for c, _ in demo.tags} <= set(demo.customers)
    assert {e.customer for e in demo.events} <= set(demo.customers)
    assert {e.group for e in demo.events if e.group} <= set(demo.groups)
    assert {e.properties["staff"] for e in demo.events if e.type == "message_sent"} <= staff
    assert set(referrals(demo)) <= set(demo.customers)
    paid = {e.properties["order_id"] for e in demo.events if e.type == "order_paid"}
    assert {e.properties["order_id"] for e in demo.events if e.type == "order_refunded"} <= paid
    assert {e.properties["order_id"] for e in demo.events if e.type == "coupon_redeemed"} <= paid


def test_referrers_were_friends_before_the_people_they_referred(demo: Demo) -> None:
    added = {e.customer: e.at for e in demo.events if e.type == "friend_added"}
    referred = [(e.at, e.properties["referrer"]) for e in demo.events if "referrer" in e.properties]
    assert referred
    assert all(added[referrer] < at for at, referrer in referred)


def test_members_are_the_groups_last_joined_and_not_left(demo: Demo) -> None:
    inside: dict[tuple[str, str], bool] = {}
    for event in sorted(demo.events, key=lambda e: e.at):
        if event.type in ("group_joined", "group_left"):
            assert event.group
            inside[(event.group, event.customer)] = event.type == "group_joined"
    assert {pair for pair, member in inside.items() if member} == set(demo.members)
    assert any(not member for member in inside.values())  # some have left again
    assert 0.3 < len({c for _, c in demo.members}) / CUSTOMERS < 0.7  # not everyone is in a group


def test_each_customer_starts_with_friend_added_and_binds_after(demo: Demo) -> None:
    for customer, events in demo.by_customer.items():
        added = [e for e in events if e.type == "friend_added"]
        assert len(added) == 1, customer
        bound = [e for e in events if e.type == "account_bound"]
        assert all(e.at > added[0].at for e in bound)
    bound_share = sum(1 for c in demo.customers if demo.of_type(c, "account_bound")) / CUSTOMERS
    assert 0.55 < bound_share < 0.72


def test_profiles_look_like_a_chinese_consumer_brand(demo: Demo) -> None:
    rows = list(demo.customers.values())
    genders = Counter(row.get("gender", "") for row in rows)
    assert 0.65 < genders["female"] / CUSTOMERS < 0.75
    assert genders[""] > 0  # some left blank
    assert 0 < sum(1 for row in rows if "birthday" not in row) < CUSTOMERS / 3
    assert sum(1 for row in rows if row.get("birthday", "").endswith("-02-29")) >= 3
    assert {row["source"] for row in rows} == {
        "京东店铺",
        "拼多多店铺",
        "天猫",
        "抖音小店",
        "线下门店",
        "公众号",
        "朋友推荐",
    }
    assert sum(1 for row in rows if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", row["name"])) > 0.8 * CUSTOMERS
    assert all("city" in row for row in rows)
    members = [row for row in rows if "会员" in row["tags"]]
    assert members
    assert all("member_level" in row for row in members)
    pets = [row for row in rows if "宠物主" in row["tags"]]
    assert pets
    assert all({"pet_name", "pet_vaccine_due"} <= set(row) for row in pets)
    assert not any("pet_name" in row for row in rows if "宠物主" not in row["tags"])


def test_staff_roles_form_a_small_tree(demo: Demo) -> None:
    by_id = {s["id"]: s for s in demo.staff}
    roles = Counter(s["roles"] for s in demo.staff)
    assert roles["导购"] == max(roles.values())
    assert {"导购", "客服", "运营", "助教", "设计师", "店长"} <= set(roles)
    roots = [s for s in demo.staff if not s["manager"]]
    assert len(roots) == 1
    for member in demo.staff:
        if "导购" in member["roles"]:
            assert by_id[member["manager"]]["roles"] == "店长"
    assert any(s["tags"] for s in demo.staff)


def test_groups_have_kinds_owners_and_roles(demo: Demo) -> None:
    tags = Counter(tag for g in demo.groups.values() for tag in g["tags"])
    assert set(tags) == {"会员群", "试听课群", "新人群"}
    assert tags["会员群"] > tags["新人群"] >= tags["试听课群"]
    roles = {r["role"] for g in demo.groups.values() for r in g["roles"]}
    assert {"群管理", "助教"} <= roles


def test_orders_carry_money_with_two_decimals_in_the_daytime(demo_files: DemoFiles, demo: Demo) -> None:
    text = demo_files.path("events").read_text(encoding="utf-8")
    amounts = re.findall(r'"amount":([0-9.]+)', text)
    assert amounts
    assert all(re.fullmatch(r"\d+\.\d\d", amount) for amount in amounts)
    orders = [e for e in demo.events if e.type == "order_paid"]
    assert {"order_id", "amount", "sku", "product", "shop"} <= set(orders[0].properties)
    night = sum(1 for e in orders if 2 <= e.at.hour < 7)
    assert night / len(orders) < 0.02
    evening = sum(1 for e in orders if 19 <= e.at.hour < 23)
    assert evening / len(orders) > 0.25
    assert any(e.properties["sku"] == "WELFARE-PACK" for e in orders)
    assert {"润肤霜", "洁面乳", "精华液", "身体乳", "宠物粮"} <= {e.properties["product"] for e in orders}


def test_sales_spike_in_618_and_double_11(demo: Demo) -> None:
    per_day = Counter(e.at.date() for e in demo.events if e.type == "order_paid")
    ordinary = sorted(per_day[d] for d in per_day if d.month in (3, 4, 8, 9))
    median_day = ordinary[len(ordinary) // 2]
    june_18 = next(d for d in per_day if (d.year, d.month, d.day) == (2026, 6, 18))
    nov_11 = next(d for d in per_day if (d.year, d.month, d.day) == (2026, 11, 11))
    assert per_day[june_18] > 4 * median_day
    assert per_day[nov_11] > 4 * median_day


def test_each_customer_buys_moisturiser_on_their_own_rhythm(demo: Demo) -> None:
    rhythms = {c: product_gaps(demo, c, "润肤霜") for c in demo.customers}
    regular = {c: gaps for c, gaps in rhythms.items() if len(gaps) >= 2}
    assert len(regular) > CUSTOMERS / 20
    medians = sorted(sorted(gaps)[len(gaps) // 2] for gaps in regular.values() if len(gaps) >= 4)
    assert medians[len(medians) // 10] < 35 < medians[9 * len(medians) // 10]  # cycles differ by customer


def test_message_keywords_and_tags_match(demo: Demo) -> None:
    texts = [e.properties["text"] for e in demo.events if e.type == "message_received"]
    for keyword in ("减脂", "优惠", "发货"):
        assert any(keyword in text for text in texts), keyword
    diet = {c for c, tag in demo.tags if tag == "减脂"}
    assert diet
    for customer in diet:
        assert any("减脂" in e.properties["text"] for e in demo.of_type(customer, "message_received"))


def test_file_names_are_the_import_kinds() -> None:
    assert set(FILE_NAMES) == {"staff", "customers", "groups", "members", "tags", "events"}


def test_customers_are_spread_over_the_guides_as_a_brand_would(demo: Demo) -> None:
    """No 导购 looks after a crowd: each has about 300 customers (5,000 over 17)."""
    owners = Counter(customer["owner"] for customer in demo.customers.values())
    guides = {member["id"] for member in demo.staff if "导购" in member["roles"].split(";")}
    assert set(owners) == guides and len(guides) == 17
    assert max(owners.values()) <= 400 and min(owners.values()) >= 200
