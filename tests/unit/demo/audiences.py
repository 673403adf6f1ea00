"""Each audience of the scenario pack (and of examples/sops), evaluated in plain Python on a
demo read back from its files: enough to tell that no audience is empty. Local dates are the
dates of the written `+08:00` times."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise

from tests.unit.demo.dataset import Demo, Event

Audience = Callable[[Demo, datetime], set[str]]
DAY = timedelta(days=1)


def _paid(demo: Demo, customer: str) -> list[Event]:
    return demo.of_type(customer, "order_paid")


def _in_window(events: list[Event], start: datetime, end: datetime) -> list[Event]:
    return [event for event in events if start <= event.at < end]


def _days_since_first(demo: Demo, customer: str, kind: str, now: datetime) -> int | None:
    events = demo.of_type(customer, kind)
    if not events:
        return None
    return (now - min(event.at for event in events)) // DAY


def unbound_revisit(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if (_days_since_first(demo, c, "friend_added", now) or 0) >= 7
        and not demo.of_type(c, "account_bound")
    }  # fmt: skip


def invite_to_group(demo: Demo, now: datetime) -> set[str]:
    inside = demo.in_group
    return {
        c for c in demo.customers
        if (_days_since_first(demo, c, "friend_added", now) or 0) >= 1 and c not in inside
    }  # fmt: skip


def sale_buyers_not_in_group(demo: Demo, _now: datetime) -> set[str]:
    start = datetime.fromisoformat("2026-06-01T00:00:00+08:00")
    end = datetime.fromisoformat("2026-06-19T00:00:00+08:00")
    inside = demo.in_group
    return {c for c in demo.customers if c not in inside and _in_window(_paid(demo, c), start, end)}


def shop_source_not_in_group(demo: Demo, _now: datetime) -> set[str]:
    inside = demo.in_group
    return {
        c for c, row in demo.customers.items()
        if row["source"] in ("京东店铺", "拼多多店铺") and c not in inside
    }  # fmt: skip


def lapsed_female_not_in_group(demo: Demo, now: datetime) -> set[str]:
    inside = demo.in_group
    return {
        c for c, row in demo.customers.items()
        if row.get("gender") == "female" and c not in inside and _paid(demo, c)
        and not _in_window(_paid(demo, c), now - 60 * DAY, now + DAY)
    }  # fmt: skip


def pet_vaccine_due(demo: Demo, now: datetime) -> set[str]:
    today = now.date()
    return {
        c for c, row in demo.customers.items()
        if "宠物主" in demo.customer_tags(c) and "pet_vaccine_due" in row
        and 0 <= (date.fromisoformat(row["pet_vaccine_due"]) - today).days <= 7
    }  # fmt: skip


def birthday_today(demo: Demo, now: datetime) -> set[str]:
    today = now.date()
    found = set()
    for c, row in demo.customers.items():
        if "birthday" not in row:
            continue
        born = date.fromisoformat(row["birthday"])
        month, day = (2, 28) if (born.month, born.day) == (2, 29) else (born.month, born.day)
        if (month, day) == (today.month, today.day):
            found.add(c)
    return found


def leap_day_birthdays(demo: Demo, _now: datetime) -> set[str]:
    return {c for c, row in demo.customers.items() if row.get("birthday", "")[5:] == "02-29"}


def fission_participants(demo: Demo, _now: datetime) -> set[str]:
    return {c for c in demo.customers if "双11裂变活动" in demo.customer_tags(c)}


def referrals(demo: Demo) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in demo.events:
        referrer = event.properties.get("referrer") if event.type == "friend_added" else None
        if referrer:
            counts[referrer] = counts.get(referrer, 0) + 1
    return counts


def fission_reward(demo: Demo, now: datetime) -> set[str]:
    counts = referrals(demo)
    return {c for c in fission_participants(demo, now) if counts.get(c, 0) >= 6}


def after_sales(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if _in_window(_paid(demo, c), now - 8 * DAY, now - 7 * DAY)
        and not _in_window(demo.of_type(c, "order_refunded"), now - 8 * DAY, now + DAY)
    }  # fmt: skip


def welfare_pack_buyers(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if any(e.properties["sku"] == "WELFARE-PACK"
               for e in _in_window(_paid(demo, c), now - 8 * DAY, now - 7 * DAY))
    }  # fmt: skip


def high_spenders(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if _in_window(_paid(demo, c), now - 8 * DAY, now - 7 * DAY)
        and sum(float(e.properties["amount"])
                for e in _in_window(_paid(demo, c), now - 365 * DAY, now + DAY)) >= 2000
    }  # fmt: skip


def product_gaps(demo: Demo, customer: str, product: str) -> list[int]:
    days = sorted(e.at.date() for e in _paid(demo, customer) if e.properties["product"] == product)
    return [(later - earlier).days for earlier, later in pairwise(days)]


def repurchase_due(demo: Demo, now: datetime, product: str = "润肤霜") -> set[str]:
    gaps = {c: product_gaps(demo, c, product) for c in demo.customers}
    everyone = [gap for customer_gaps in gaps.values() for gap in customer_gaps]
    fallback = statistics.median(everyone)
    due = set()
    for c in demo.customers:
        bought = [e.at.date() for e in _paid(demo, c) if e.properties["product"] == product]
        if not bought:
            continue
        cycle = statistics.median(gaps[c]) if len(gaps[c]) >= 2 else fallback
        if (now.date() - max(bought)).days >= cycle:
            due.add(c)
    return due


def prospects(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if "潜客" in demo.customer_tags(c) and not _paid(demo, c)
        and (_days_since_first(demo, c, "friend_added", now) or 0) > 60
    }  # fmt: skip


def silent(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if _in_window(_paid(demo, c), now - 365 * DAY, now + DAY)
        and not _in_window(_paid(demo, c), now - 180 * DAY, now + DAY)
    }  # fmt: skip


def lost(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if _paid(demo, c) and not _in_window(_paid(demo, c), now - 365 * DAY, now + DAY)
    }  # fmt: skip


def recent_friends(demo: Demo, now: datetime) -> set[str]:
    return {
        c for c in demo.customers
        if "员工" not in demo.customer_tags(c)
        and _in_window(demo.of_type(c, "friend_added"), now - 7 * DAY, now + DAY)
    }  # fmt: skip


def trial_interested(demo: Demo, _now: datetime) -> set[str]:
    return {c for c in demo.customers if "试听课意向" in demo.customer_tags(c)}


def members(demo: Demo, _now: datetime) -> set[str]:
    return {c for c in demo.customers if "会员" in demo.customer_tags(c)}


def diet_interested(demo: Demo, _now: datetime) -> set[str]:
    return {c for c in demo.customers if "减脂" in demo.customer_tags(c)}


CUSTOMER_AUDIENCES: dict[str, Audience] = {
    "01 unbound-revisit": unbound_revisit,
    "02 invite-to-group": invite_to_group,
    "03 618 buyers not in a group": sale_buyers_not_in_group,
    "04 shop source not in a group": shop_source_not_in_group,
    "05 lapsed female not in a group": lapsed_female_not_in_group,
    "05 pet vaccine due in 0-7 days": pet_vaccine_due,
    "06 birthday today": birthday_today,
    "06 born on 29 Feb": leap_day_birthdays,
    "07 fission participants": fission_participants,
    "07 fission reward (6 referrals)": fission_reward,
    "08 after-sales 7-8 days": after_sales,
    "08 welfare pack 7-8 days": welfare_pack_buyers,
    "08 high spenders 7-8 days": high_spenders,
    "09 润肤霜 repurchase due": repurchase_due,
    "10 prospects over 60 days": prospects,
    "11 silent 180 days": silent,
    "11 lost 365 days": lost,
    "12 new friends this week": recent_friends,
    "14 trial-class interest": trial_interested,
    "15 members (moments visibility)": members,
    "减脂 keyword tag": diet_interested,
}
