"""Conditions → SQL: the one place that builds condition SQL, for SQLite and PostgreSQL.

Every leaf becomes a set-based test on the target's id — `id IN (SELECT …)`, or for event tests
that most targets pass, `EXISTS (…)` probing the target's own events — so a whole audience is one
statement over the whole table. The semantics are those of core.evaluate, proved equal by a
property test. Subqueries never yield NULL ids, so NOT IN is safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement, Select

from siyu.core.bounds import Between, Bound, Ever, Window, Within, window_interval
from siyu.core.conditions import (
    GROUP_MEMBER_COUNT,
    All,
    AnyOf,
    Attr,
    Birthday,
    Condition,
    DateAttr,
    Event,
    InGroup,
    Not,
    PropertyMatch,
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    Tag,
    TargetKind,
)
from siyu.core.evaluate import SUM_DECIMALS, birthday_keys
from siyu.core.facts import Context
from siyu.core.timeutil import US_PER_DAY
from siyu.core.values import Scalar
from siyu.store.tables import (
    customer_attributes,
    customer_tags,
    customers,
    events,
    group_attributes,
    group_members,
    group_tags,
    staff_roles,
    staff_tags,
)
from siyu.store.target_tables import TARGET_TABLES


@dataclass(frozen=True)
class SqlContext:
    dialect: str
    ctx: Context
    # the instant the target entered the SOP, as a (correlated) SQL expression, for since_entry
    entry_at: ColumnElement[int] | None = None

    @property
    def now_us(self) -> int:
        return self.ctx.now_us

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"


def target_ids(condition: Condition | None, target: TargetKind, sql: SqlContext) -> Select[int]:
    """SELECT id of every target matching `condition` (every target when None)."""
    table = TARGET_TABLES[target]
    query = sa.select(table.c.id)
    if condition is not None:
        query = query.where(condition_sql(condition, target, sql, table.c.id))
    return query


def count_targets(condition: Condition | None, target: TargetKind, sql: SqlContext) -> Select[int]:
    table = TARGET_TABLES[target]
    query = sa.select(sa.func.count()).select_from(table)
    if condition is not None:
        query = query.where(condition_sql(condition, target, sql, table.c.id))
    return query


def condition_sql(
    condition: Condition,
    target: TargetKind,
    sql: SqlContext,
    ids: ColumnElement[int],
    within: sa.Select[int] | None = None,
) -> ColumnElement[bool]:
    """A boolean SQL expression: does the target whose id is `ids` match?

    `within`, when given, is a set of target ids outside which the answer does not matter;
    aggregating leaves use it to aggregate only over those targets.
    """
    if isinstance(condition, All):
        return _all(condition, target, sql, ids)
    if isinstance(condition, AnyOf):
        return sa.or_(*(condition_sql(item, target, sql, ids) for item in condition.items))
    if isinstance(condition, Not):
        return sa.not_(condition_sql(condition.item, target, sql, ids))
    if isinstance(condition, Tag):
        table = {TargetKind.customer: customer_tags, TargetKind.group: group_tags, TargetKind.staff: staff_tags}[target]
        owner = table.c[_owner_column(target)]
        return ids.in_(sa.select(owner).where(table.c.tag == condition.name))
    if isinstance(condition, Role):
        return ids.in_(sa.select(staff_roles.c.staff_id).where(staff_roles.c.role == condition.name))
    if isinstance(condition, Attr):
        if target == TargetKind.group and condition.key == GROUP_MEMBER_COUNT:
            return _member_count(condition, sql, ids)
        return _attribute(condition, target, sql, ids)
    if isinstance(condition, Event):
        return _event(condition, target, sql, ids, within)
    if isinstance(condition, Since):
        return _since(condition, target, sql, ids)
    if isinstance(condition, Birthday):
        keys = sorted(birthday_keys(condition, sql.ctx))
        if not keys:
            return sa.false()
        return ids.in_(sa.select(customers.c.id).where(customers.c.birthday_md.in_(keys)))
    if isinstance(condition, DateAttr):
        return _date_attribute(condition, sql, ids)
    if isinstance(condition, InGroup):
        members = sa.select(group_members.c.customer_id)
        if condition.group is not None:
            members = members.where(group_members.c.group_id.in_(target_ids(condition.group, TargetKind.group, sql)))
        test = ids.in_(members)
        return test if condition.member else sa.not_(test)
    if isinstance(condition, RepurchaseDue):
        return ids.in_(_repurchase_due(condition, sql))
    if isinstance(condition, Referrals):
        return _referrals(condition, sql, ids)
    raise TypeError(f"cannot compile {type(condition).__name__}")


def _aggregates(condition: Condition) -> bool:
    return isinstance(condition, Event) and (condition.count is not None or condition.sum is not None)


def _narrows(condition: Condition) -> bool:
    """Leaves that usually select few targets and are cheap to compute."""
    if isinstance(condition, Event):
        return condition.count is None and condition.sum is None and not isinstance(condition.window, Ever)
    return isinstance(condition, Tag | Birthday | DateAttr) or (
        isinstance(condition, Attr) and condition.op in ("eq", "in", "between")
    )


def _all(condition: All, target: TargetKind, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    """A conjunction; aggregating items only aggregate over targets the narrowing siblings admit
    (a semi-join reduction: "spent ≥ 2000 this year" is summed only for last week's buyers)."""
    narrowing = [item for item in condition.items if _narrows(item)]
    within: sa.Select[int] | None = None
    if narrowing and any(_aggregates(item) for item in condition.items):
        table = TARGET_TABLES[target].alias()
        within = sa.select(table.c.id).where(*(condition_sql(item, target, sql, table.c.id) for item in narrowing))
    return sa.and_(
        *(condition_sql(item, target, sql, ids, within if _aggregates(item) else None) for item in condition.items)
    )


def _owner_column(target: TargetKind) -> str:
    return {TargetKind.customer: "customer_id", TargetKind.group: "group_id", TargetKind.staff: "staff_id"}[target]


# ---------------------------------------------------------------- attributes


def _attribute(condition: Attr, target: TargetKind, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    table = customer_attributes if target == TargetKind.customer else group_attributes
    owner = table.c[_owner_column(target)]
    op, value = condition.op, condition.value

    def having(test: ColumnElement[bool] | None) -> ColumnElement[bool]:
        query = sa.select(owner).where(table.c.key == condition.key)
        if test is not None:
            query = query.where(test)
        return ids.in_(query)

    if op == "exists":
        return having(None) if value else sa.not_(having(None))
    if op in ("eq", "ne", "in", "not_in"):
        literals: tuple[Scalar, ...] = value if isinstance(value, tuple) else (value,)
        test = having(sa.or_(*(_equals(table, literal) for literal in literals)))
        return test if op in ("eq", "in") else sa.not_(test)
    if op == "contains":
        return having(_contains(table.c.value_text, str(value), sql))
    if op == "between":
        assert isinstance(value, tuple)
        low, high = value
        return having(sa.and_(_compare(table, "gte", low, sql), _compare(table, "lte", high, sql)))
    assert not isinstance(value, tuple)
    return having(_compare(table, op, value, sql))


def _equals(table: sa.Table, literal: Scalar) -> ColumnElement[bool]:
    if isinstance(literal, bool):
        return table.c.value_text == ("true" if literal else "false")
    if isinstance(literal, int | float):
        return table.c.value_num == float(literal)
    return table.c.value_text == literal


def _text_column(column: ColumnElement[str], sql: SqlContext) -> ColumnElement[str]:
    """Text compares by code point on both databases (PostgreSQL's default collation would not)."""
    return column.collate("C") if sql.postgres else column


def _compare(table: sa.Table, op: str, literal: Scalar, sql: SqlContext) -> ColumnElement[bool]:
    if isinstance(literal, int | float) and not isinstance(literal, bool):
        return _apply(op, table.c.value_num, float(literal))
    return _apply(op, _text_column(table.c.value_text, sql), str(literal))


def _apply(op: str, left: ColumnElement[Any], right: object) -> ColumnElement[bool]:
    if op == "gt":
        return left > right
    if op == "gte":
        return left >= right
    if op == "lt":
        return left < right
    if op == "lte":
        return left <= right
    if op == "eq":
        return left == right
    raise ValueError(f"unknown comparison {op}")


def _contains(column: ColumnElement[str], needle: str, sql: SqlContext) -> ColumnElement[bool]:
    function = sa.func.strpos if sql.postgres else sa.func.instr
    return function(column, needle) > 0


def _member_count(condition: Attr, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    """`member_count` is a number every group has, counted from its members."""
    count = (
        sa.select(sa.func.count())
        .where(group_members.c.group_id == ids)
        .correlate_except(group_members)
        .scalar_subquery()
    )
    text = sa.cast(count, sa.Text)
    op, value = condition.op, condition.value
    if op == "exists":
        return sa.true() if value else sa.false()

    def equals(literal: Scalar) -> ColumnElement[bool]:
        if isinstance(literal, bool):
            return sa.false()
        if isinstance(literal, int | float):
            return count == float(literal)
        return text == literal

    def compare(op: str, literal: Scalar) -> ColumnElement[bool]:
        if isinstance(literal, int | float) and not isinstance(literal, bool):
            return _apply(op, count, float(literal))
        return _apply(op, _text_column(text, sql), str(literal))

    if op in ("eq", "ne", "in", "not_in"):
        literals: tuple[Scalar, ...] = value if isinstance(value, tuple) else (value,)
        test = sa.or_(*(equals(literal) for literal in literals))
        return test if op in ("eq", "in") else sa.not_(test)
    if op == "contains":
        return _contains(text, str(value), sql)
    if op == "between":
        assert isinstance(value, tuple)
        return sa.and_(compare("gte", value[0]), compare("lte", value[1]))
    assert not isinstance(value, tuple)
    return compare(op, value)


def _date_attribute(condition: DateAttr, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    span = condition.in_days.integer_range()
    if span is None:
        return sa.false()
    low, high = span
    query = sa.select(customer_attributes.c.customer_id).where(
        customer_attributes.c.key == condition.key, customer_attributes.c.value_day.is_not(None)
    )
    today = sql.ctx.today
    if low is not None:
        query = query.where(customer_attributes.c.value_day >= today + low)
    if high is not None:
        query = query.where(customer_attributes.c.value_day <= today + high)
    return ids.in_(query)


# ---------------------------------------------------------------- events


def _event_owner(target: TargetKind) -> sa.Column[int]:
    return events.c.group_id if target == TargetKind.group else events.c.customer_id


# Event properties with an expression index (migration 0002); keep the two lists in step.
INDEXED_PROPERTIES = ("product", "sku")
# A window at least this long selects most targets: probing each target beats collecting ids.
BROAD_WINDOW_US = 90 * US_PER_DAY


def _event_filter(
    kind: str, window: Window, where: tuple[PropertyMatch, ...], target: TargetKind, sql: SqlContext
) -> list[ColumnElement[bool]]:
    low, high = window_interval(window, sql.now_us)
    owner = _event_owner(target)
    at: ColumnElement[int] = events.c.at
    if not sql.postgres and any(match.key in INDEXED_PROPERTIES for match in where):
        # SQLite would rather range-scan the time index and read every row's JSON from the table;
        # `at + 0` cannot use an index, which leaves it the property index (type, property, …).
        at = events.c.at + 0
    tests: list[ColumnElement[bool]] = [events.c.type == kind, at < high, owner.is_not(None)]
    if low is not None:
        tests.append(at >= low)
    tests += [property_matches(match, sql) for match in where]
    return tests


def _broad(window: Window) -> bool:
    if isinstance(window, Ever):
        return True
    if isinstance(window, Within):
        return window.span_us >= BROAD_WINDOW_US
    if isinstance(window, Between):
        return window.older_us - window.newer_us >= BROAD_WINDOW_US
    return window.end_us - window.start_us >= BROAD_WINDOW_US


def _has_event(
    ids: ColumnElement[int], target: TargetKind, tests: list[ColumnElement[bool]], *, broad: bool
) -> ColumnElement[bool]:
    """Does the target have an event passing `tests`? A broad test probes the target's own events
    (an index seek each, and only for targets still in question); a narrow one collects the few
    ids once."""
    owner = _event_owner(target)
    if broad:
        return sa.exists().where(owner == ids, *tests)
    return ids.in_(sa.select(owner).where(*tests))


def _json_path(key: str) -> ColumnElement[str]:
    """The JSON path as an SQL literal (not a parameter), so it can match an expression index."""
    text = f'$."{key}"'.replace("'", "''")
    return sa.literal_column(f"'{text}'", sa.Text)


def property_matches(match: PropertyMatch, sql: SqlContext) -> ColumnElement[bool]:
    """The event property equals one of the values, with the same JSON type."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal(match.key, sa.Text))
        return sa.or_(*(node == sa.cast(sa.literal(json.dumps(v), sa.Text), JSONB) for v in match.values))
    path = _json_path(match.key)
    kind = sa.func.json_type(events.c.properties, path)
    value = sa.func.json_extract(events.c.properties, path)
    tests: list[ColumnElement[bool]] = []
    for wanted in match.values:
        if isinstance(wanted, bool):
            tests.append(kind == ("true" if wanted else "false"))
        elif isinstance(wanted, int | float):
            tests.append(sa.and_(kind.in_(("integer", "real")), value == wanted))
        elif wanted.startswith(("{", "[")):
            tests.append(sa.and_(kind == "text", value == wanted))
        else:
            # json_extract yields text only for JSON strings, and objects / arrays as text that
            # starts with { or [; so one call decides, and it can use an index on the expression.
            tests.append(value == wanted)
    return sa.or_(*tests)


def numeric_property(key: str, sql: SqlContext) -> ColumnElement[float]:
    """The property as a number when it is a JSON number, else NULL."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal(key, sa.Text))
        text = events.c.properties.op("->>")(sa.literal(key, sa.Text))
        return sa.case((sa.func.jsonb_typeof(node) == "number", sa.cast(text, sa.Numeric)), else_=None)
    path = _json_path(key)
    return sa.case(
        (
            sa.func.json_type(events.c.properties, path).in_(("integer", "real")),
            sa.func.json_extract(events.c.properties, path),
        ),
        else_=None,
    )


def bound_sql(bound: Bound, value: ColumnElement[Any]) -> ColumnElement[bool]:
    return sa.and_(*(_apply(op, value, limit) for op, limit in bound.comparisons))


def _event(
    condition: Event, target: TargetKind, sql: SqlContext, ids: ColumnElement[int], within: sa.Select[int] | None
) -> ColumnElement[bool]:
    owner = _event_owner(target)
    tests = _event_filter(condition.type, condition.window, condition.where, target, sql)
    if within is not None:
        tests.append(owner.in_(within))
    if condition.since_entry:
        if sql.entry_at is None:
            raise ValueError("since_entry needs the entry time of an SOP membership")
        tests.append(events.c.at > sql.entry_at)
    if condition.count is None and condition.sum is None:
        # since_entry correlates the events with each target's own entry: they can only be
        # probed per target (collecting ids once would redo the collection for every target)
        broad = condition.since_entry or (_broad(condition.window) and not condition.where)
        return _has_event(ids, target, tests, broad=broad)
    query = sa.select(owner).where(*tests)
    aggregates: list[ColumnElement[bool]] = []
    holds_for_none = True
    if condition.count is not None:
        aggregates.append(bound_sql(condition.count, sa.func.count()))
        holds_for_none = condition.count.holds(0)
    if condition.sum is not None:
        total = sa.func.round(
            sa.func.coalesce(sa.func.sum(numeric_property(condition.sum.field, sql)), 0), SUM_DECIMALS
        )
        aggregates.append(bound_sql(condition.sum.bound, total))
        holds_for_none = holds_for_none and condition.sum.bound.holds(0)
    grouped = query.group_by(owner)
    if holds_for_none:
        # targets without any matching event pass; exclude those whose aggregate fails
        return sa.not_(ids.in_(grouped.having(sa.not_(sa.and_(*aggregates)))))
    return ids.in_(grouped.having(sa.and_(*aggregates)))


def _since(condition: Since, target: TargetKind, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    """Whole days since the first event in [low, high] ⟺ first ≤ now − low·D and not first ≤ now − (high+1)·D."""
    span = condition.days.integer_range()
    if span is None:
        return sa.false()
    low, high = span
    low = max(low or 0, 0)
    if high is not None and high < 0:
        return sa.false()

    # "Days since the first X" is asked of lifecycle events (added, bound, first order) that a
    # target has once or a few times: collecting their ids once beats probing every target.
    def any_until(instant: int) -> ColumnElement[bool]:
        tests = _event_filter(condition.type, Ever(), condition.where, target, sql)
        return _has_event(ids, target, [*tests, events.c.at <= instant], broad=False)

    test = any_until(sql.now_us - low * US_PER_DAY)
    if high is not None:
        test = sa.and_(test, sa.not_(any_until(sql.now_us - (high + 1) * US_PER_DAY)))
    return test


# ---------------------------------------------------------------- referrals and repurchase


def _referrer(sql: SqlContext) -> tuple[ColumnElement[str], ColumnElement[bool]]:
    """The referrer property as text, and the test that it is a JSON string."""
    if sql.postgres:
        node = events.c.properties.op("->")(sa.literal("referrer", sa.Text))
        return events.c.properties.op("->>")(sa.literal("referrer", sa.Text)), sa.func.jsonb_typeof(node) == "string"
    path = _json_path("referrer")
    return sa.func.json_extract(events.c.properties, path), sa.func.json_type(events.c.properties, path) == "text"


def _referrals(condition: Referrals, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    referrer, is_text = _referrer(sql)
    referrals = (
        sa.select(referrer.label("referrer"), events.c.customer_id)
        .where(*_event_filter("friend_added", condition.window, (), TargetKind.customer, sql), is_text)
        .subquery()
    )
    contacts = sa.func.count(sa.distinct(referrals.c.customer_id))
    referrers = (
        sa.select(customers.c.id)
        .join(referrals, referrals.c.referrer == customers.c.external_id)
        .group_by(customers.c.id)
    )
    if condition.bound.holds(0):
        return sa.not_(ids.in_(referrers.having(sa.not_(bound_sql(condition.bound, contacts)))))
    return ids.in_(referrers.having(bound_sql(condition.bound, contacts)))


def _repurchase_due(condition: RepurchaseDue, sql: SqlContext) -> Select[int]:
    """Customers whose own median gap (or the brand-wide median when they have < 2 gaps) has passed.

    Purchases at the same instant fall on the same local day, so ordering by `at` alone gives the
    same gaps whatever the order of ties — and lets the product index deliver rows in order.
    """
    product = PropertyMatch("product", (condition.product,))
    purchases = (
        sa.select(
            events.c.customer_id,
            events.c.day,
            sa.func.lag(events.c.day).over(partition_by=events.c.customer_id, order_by=events.c.at).label("previous"),
        )
        .where(*_event_filter("order_paid", Ever(), (product,), TargetKind.customer, sql))
        .cte()
        .prefix_with("MATERIALIZED")
    )
    gaps = (
        sa.select(purchases.c.customer_id, (purchases.c.day - purchases.c.previous).label("gap"))
        .where(purchases.c.previous.is_not(None))
        .cte()
        .prefix_with("MATERIALIZED")
    )
    ranked = sa.select(
        gaps.c.customer_id,
        gaps.c.gap,
        sa.func.row_number().over(partition_by=gaps.c.customer_id, order_by=gaps.c.gap).label("rank"),
        sa.func.count().over(partition_by=gaps.c.customer_id).label("size"),
    ).subquery()
    own = (
        sa.select(ranked.c.customer_id, sa.func.avg(ranked.c.gap).label("median"))
        .where(ranked.c.size >= 2, ranked.c.rank.in_([(ranked.c.size + 1) // 2, (ranked.c.size + 2) // 2]))
        .group_by(ranked.c.customer_id)
        .subquery()
    )
    # The brand-wide median from a histogram of gap lengths: far fewer rows to sort than gaps.
    histogram = sa.select(gaps.c.gap, sa.func.count().label("size")).group_by(gaps.c.gap).subquery()
    running = sa.select(
        histogram.c.gap,
        # PostgreSQL sums bigints as numeric: cast back so that // stays integer division
        sa.cast(sa.func.sum(histogram.c.size).over(order_by=histogram.c.gap), sa.BigInteger).label("upto"),
        sa.cast(sa.func.sum(histogram.c.size).over(), sa.BigInteger).label("total"),
    ).subquery()

    def gap_at(position: ColumnElement[int]) -> ColumnElement[int]:
        return sa.select(sa.func.min(running.c.gap)).where(running.c.upto >= position).scalar_subquery()

    brand = (gap_at((running.c.total + 1) // 2) + gap_at((running.c.total + 2) // 2)) / 2.0
    brand = sa.select(brand).limit(1).scalar_subquery()
    last = (
        sa.select(purchases.c.customer_id, sa.func.max(purchases.c.day).label("last_day"))
        .group_by(purchases.c.customer_id)
        .subquery()
    )
    cycle = sa.func.coalesce(own.c.median, brand)
    return (
        sa.select(last.c.customer_id)
        .select_from(last.outerjoin(own, own.c.customer_id == last.c.customer_id))
        .where(sql.ctx.today - last.c.last_day >= cycle - condition.within_days)
    )
