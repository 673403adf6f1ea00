"""Hypothesis strategies: random worlds around a random `now`, and random condition trees
(as the raw YAML-shaped data users write) over the values those worlds use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from siyu.core.timeutil import US_PER_DAY, US_PER_SECOND, to_us
from tests.support.dataset import Ev, Group, Person, StaffMember, World

ZONES = ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Apia"]
NOW_DAYS = [
    date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28), date(2025, 3, 1),
    date(2026, 3, 8), date(2026, 11, 1), date(2026, 11, 22), date(2026, 12, 31), date(2027, 1, 1),
]  # fmt: skip
TAGS = ["会员", "潜客", "宠物主"]
GROUP_TAGS = ["会员群", "新人群"]
ROLES = ["导购", "客服"]
EVENT_TYPES = ["order_paid", "friend_added", "account_bound", "order_refunded"]
PRODUCTS = ["润肤霜", "洁面乳"]
SKUS = ["WELFARE-PACK", "A1", 7]
ATTR_KEYS = ["gender", "level", "pet_vaccine_due"]
MINUTE = 60 * US_PER_SECOND
OFFSETS_US = [0, -1, 1, -US_PER_DAY, -7 * US_PER_DAY, -7 * US_PER_DAY - 1, -7 * US_PER_DAY + 1,
              -8 * US_PER_DAY, -8 * US_PER_DAY + 1, -8 * US_PER_DAY - 1, -30 * US_PER_DAY, -60 * US_PER_DAY,
              -180 * US_PER_DAY, -365 * US_PER_DAY, -366 * US_PER_DAY]  # fmt: skip
DURATIONS = ["1m", "90m", "24h", "1d", "7d", "8d", "30d", "60d", "180d", "365d"]


@st.composite
def nows(draw: st.DrawFn) -> tuple[ZoneInfo, int]:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    day = draw(st.sampled_from(NOW_DAYS))
    minute = draw(st.sampled_from([0, 1, 9 * 60, 23 * 60 + 59])) if draw(st.booleans()) else draw(st.integers(0, 1439))
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    return zone, to_us(local.astimezone(UTC))


def _dates_near(now_us: int, zone: ZoneInfo) -> st.SearchStrategy[date]:
    today = datetime.fromtimestamp(now_us / 1e6, zone).date()
    near = st.integers(-10, 10).map(lambda d: today + timedelta(days=d))
    fixed = st.sampled_from(
        [date(2000, 2, 29), date(1996, 2, 28), date(1990, 3, 1), date(1988, 12, 31), date(1999, 1, 1)]
    )
    return st.one_of(near, fixed, st.dates(date(1950, 1, 1), date(2030, 12, 31)))


def _attribute_value(now_us: int, zone: ZoneInfo) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(["female", "male", "10", "9.5", "abc", "", "010", "1e3", "true", "gold", "金卡"]),
        st.sampled_from([10, 9.5, -1, 0, 3, 1000]),
        st.booleans(),
        _dates_near(now_us, zone).map(lambda d: d.isoformat()),
    )


@st.composite
def worlds(draw: st.DrawFn) -> tuple[World, int]:
    zone, now = draw(nows())
    world = World(zone=zone)
    values = _attribute_value(now, zone)
    for index in range(draw(st.integers(0, 3))):
        world.staff.append(
            StaffMember(
                f"s{index}",
                set(draw(st.lists(st.sampled_from(ROLES), max_size=2))),
                set(draw(st.lists(st.sampled_from(TAGS), max_size=1))),
            )
        )
    count = draw(st.integers(0, 7))
    ids = [f"c{index}" for index in range(count)]
    for cid in ids:
        world.customers.append(
            Person(
                cid,
                set(draw(st.lists(st.sampled_from(TAGS), max_size=3))),
                draw(st.dictionaries(st.sampled_from(ATTR_KEYS), values, max_size=3)),
                draw(st.none() | _dates_near(now, zone)),
            )
        )
    for index in range(draw(st.integers(0, 3))):
        world.groups.append(
            Group(
                f"g{index}",
                set(draw(st.lists(st.sampled_from(GROUP_TAGS), max_size=2))),
                draw(st.dictionaries(st.sampled_from(["level", "city"]), values, max_size=2)),
                set(draw(st.lists(st.sampled_from(ids), max_size=4))) if ids else set(),
            )
        )
    group_ids = [g.id for g in world.groups]
    whole_days = st.integers(-90, 0).map(lambda d: d * US_PER_DAY)
    offset = st.one_of(
        st.sampled_from(OFFSETS_US),
        st.integers(-400 * US_PER_DAY, 2 * US_PER_DAY),
        whole_days,
        st.tuples(whole_days, st.integers(-12 * 60, 12 * 60)).map(lambda p: p[0] + p[1] * MINUTE),
    )
    properties = st.fixed_dictionaries(
        {},
        optional={
            "amount": st.sampled_from([0, 1, 99, 500, 1000, 1999.5, 2000, -5, "300"]),
            "product": st.sampled_from([*PRODUCTS, 5]),
            "sku": st.sampled_from(SKUS),
            "referrer": st.sampled_from([*ids, "x", 3]) if ids else st.just("x"),
            "flag": st.booleans(),
        },
    )
    for index in range(draw(st.integers(0, 30)) if (ids or group_ids) else 0):
        customer = draw(st.sampled_from(ids)) if ids and draw(st.integers(0, 4)) else None
        group = (
            draw(st.sampled_from(group_ids))
            if group_ids and (customer is None or not draw(st.integers(0, 3)))
            else None
        )
        if customer is None and group is None:
            customer = draw(st.sampled_from(ids)) if ids else None
            group = None if customer else group_ids[0]
        world.events.append(
            Ev(f"e{index}", draw(st.sampled_from(EVENT_TYPES)), now + draw(offset), customer, group, draw(properties))
        )
    return world, now


# ---------------------------------------------------------------- conditions (raw, as written in YAML)


def _bound(values: list[float]) -> st.SearchStrategy[dict[str, Any]]:
    value = st.sampled_from(values)
    single = st.sampled_from(["eq", "gt", "gte", "lt", "lte"]).flatmap(lambda op: value.map(lambda v: {op: v}))
    between = st.tuples(value, value).map(lambda pair: {"between": sorted(pair)})
    return st.one_of(single, between, st.tuples(single, single).map(lambda pair: {**pair[0], **pair[1]}))


def _window() -> st.SearchStrategy[dict[str, Any]]:
    older_newer = st.tuples(st.sampled_from(DURATIONS), st.sampled_from(DURATIONS)).filter(
        lambda p: _us(p[0]) > _us(p[1])
    )
    return st.one_of(
        st.just({}),
        st.sampled_from(DURATIONS).map(lambda d: {"within": d}),
        older_newer.map(lambda p: {"between": list(p)}),
        st.sampled_from(
            [
                {"from": "2026-06-01T00:00:00+08:00", "to": "2026-06-19T00:00:00+08:00"},
                {"from": "2024-02-01T00:00:00+00:00", "to": "2024-03-01T00:00:00-05:00"},
                {"from": "2026-11-01T00:00:00+08:00", "to": "2027-01-01T00:00:00+08:00"},
            ]
        ),
    )


def _us(duration: str) -> int:
    from siyu.core.timeutil import parse_duration_us

    return parse_duration_us(duration)


def _where() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({}),
        st.sampled_from(
            [
                {"where": {"sku": "WELFARE-PACK"}},
                {"where": {"sku": 7}},
                {"where": {"product": ["润肤霜", 5]}},
                {"where": {"flag": True}},
                {"where": {"amount": 2000, "sku": "A1"}},
                {"where": {"referrer": "x"}},
            ]
        ),
    )


def _event_leaf() -> st.SearchStrategy[dict[str, Any]]:
    counts = st.one_of(st.just({}), _bound([0, 1, 2, 3]).map(lambda b: {"count": b}))
    sums = st.one_of(
        st.just({}),
        st.tuples(st.sampled_from(["amount", "sku", "missing"]), _bound([0, 99, 500, 1999.5, 2000, 2500])).map(
            lambda pair: {"sum": {"field": pair[0], **pair[1]}}
        ),
    )
    return st.builds(
        lambda kind, window, where, count, total: {"event": kind, **window, **where, **count, **total},
        st.sampled_from(EVENT_TYPES), _window(), _where(), counts, sums,
    )  # fmt: skip


def _leaf_common() -> list[st.SearchStrategy[dict[str, Any]]]:
    literal = st.sampled_from(
        ["female", "10", "9.5", "abc", "gold", "", "true", 10, 9.5, 0, -1, True, False, "2026-11-20"]
    )
    attr = st.one_of(
        st.tuples(
            st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), literal.filter(lambda v: not isinstance(v, bool))
        ).map(lambda p: {p[0]: p[1]}),
        literal.map(lambda v: {"eq": v}),
        st.lists(literal, min_size=1, max_size=3).flatmap(lambda xs: st.sampled_from([{"in": xs}, {"not_in": xs}])),
        st.sampled_from(
            [
                {"between": [0, 10]},
                {"between": [-1, 9.5]},
                {"between": ["a", "m"]},
                {"between": ["2026-01-01", "2026-12-31"]},
            ]
        ),
        st.sampled_from([{"contains": "a"}, {"contains": "1"}, {"contains": "金"}]),
        st.booleans().map(lambda b: {"exists": b}),
    )
    return [
        st.sampled_from(TAGS + GROUP_TAGS).map(lambda tag: {"tag": tag}),
        st.tuples(st.sampled_from([*ATTR_KEYS, "city"]), attr).map(lambda p: {"attr": p[0], **p[1]}),
        _event_leaf(),
        st.builds(
            lambda kind, window, where: {"no_event": kind, **window, **where},
            st.sampled_from(EVENT_TYPES),
            _window(),
            _where(),
        ),
        st.builds(
            lambda kind, days: {"since": kind, "days": days},
            st.sampled_from(EVENT_TYPES),
            _bound([0, 1, 6.5, 7, 8, 30, 60]),
        ),
    ]


def customer_conditions(depth: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    customer_leaves = [
        *_leaf_common(),
        st.sampled_from([{"birthday": p} for p in ("today", "this_week", "this_month")]),
        _bound([0, 1, 3, 7, 30, 365, 366]).map(lambda b: {"birthday": {"in_days": b}}),
        st.integers(-2, 5).map(lambda d: {"birthday": {"in_days": d}}),
        _bound([-3, 0, 1, 7, 10]).map(lambda b: {"date_attr": "pet_vaccine_due", "in_days": b}),
        st.one_of(st.booleans().map(lambda b: {"in_group": b}), group_conditions(1).map(lambda g: {"in_group": g})),
        st.tuples(st.sampled_from(PRODUCTS), st.integers(0, 3)).map(
            lambda p: {"repurchase_due": {"product": p[0], "within_days": p[1]}}
        ),
        st.tuples(_bound([0, 1, 2, 6]), _window()).map(lambda p: {"referrals": p[0], **p[1]}),
    ]
    return _tree(st.one_of(*customer_leaves), depth)


def group_conditions(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    member_count = st.tuples(
        st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), st.sampled_from([0, 1, 2, 3])
    ).map(lambda p: {"attr": "member_count", p[0]: p[1]})
    return _tree(st.one_of(*_leaf_common(), member_count, st.just({"attr": "member_count", "eq": "2"})), depth)


def staff_conditions() -> st.SearchStrategy[dict[str, Any]]:
    leaves = st.one_of(
        st.sampled_from(ROLES).map(lambda r: {"role": r}), st.sampled_from(TAGS).map(lambda t: {"tag": t})
    )
    return _tree(leaves, 2)


def _tree(leaves: st.SearchStrategy[dict[str, Any]], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(children, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            children.map(lambda c: {"not": c}),
        ),
        max_leaves=depth * 2,
    )


@st.composite
def purchase_worlds(draw: st.DrawFn) -> tuple[World, int]:
    """Customers buying one product on nearby days, so that repurchase cycles sit on their edges."""
    zone, now = draw(nows())
    world = World(zone=zone)
    for index in range(draw(st.integers(1, 5))):
        world.customers.append(Person(f"c{index}"))
        for number in range(draw(st.integers(0, 5))):
            days = draw(st.integers(0, 40))
            minutes = draw(st.integers(-6 * 60, 6 * 60))
            product = draw(st.sampled_from(["润肤霜", "润肤霜", "润肤霜", "洁面乳"]))
            at = now - days * US_PER_DAY + minutes * MINUTE
            world.events.append(Ev(f"e{index}-{number}", "order_paid", at, f"c{index}", None, {"product": product}))
    return world, now


def repurchase_conditions() -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(st.sampled_from(PRODUCTS), st.integers(0, 5)).map(
        lambda p: {"repurchase_due": {"product": p[0], "within_days": p[1]}}
    )
