"""The customer leaves over event history in SQL: `referrals` (distinct contacts a customer
brought) and `repurchase_due` (own or brand-wide median gap between purchases has passed)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from siyu.core.bounds import Ever
from siyu.core.conditions.nodes import PropertyMatch, Referrals, RepurchaseDue, TargetKind
from siyu.store.compile.comparisons import bound_sql
from siyu.store.compile.context import SqlContext
from siyu.store.compile.event_leaves import event_filter
from siyu.store.compile.json_properties import referrer_property
from siyu.store.tables import customers, events


def referrals_sql(condition: Referrals, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    referrer, is_text = referrer_property(sql)
    referrals = (
        sa.select(referrer.label("referrer"), events.c.customer_id)
        .where(*event_filter("friend_added", condition.window, (), TargetKind.customer, sql), is_text)
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


def repurchase_due_ids(condition: RepurchaseDue, sql: SqlContext) -> Select[int]:
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
        .where(*event_filter("order_paid", Ever(), (product,), TargetKind.customer, sql))
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
