"""The event leaves in SQL: `event` (exists, count, sum; `since_entry`) and `since` (whole days
since the first), with the choice between probing each target's events and collecting ids."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from siyu.core.bounds import Between, Ever, Window, Within, window_interval
from siyu.core.conditions.nodes import Event, PropertyMatch, Since, TargetKind
from siyu.core.evaluate import SUM_DECIMALS
from siyu.core.timeutil import US_PER_DAY
from siyu.store.compile.comparisons import bound_sql
from siyu.store.compile.context import SqlContext
from siyu.store.compile.json_properties import numeric_property, property_matches
from siyu.store.tables import events


def event_owner(target: TargetKind) -> sa.Column[int]:
    return events.c.group_id if target == TargetKind.group else events.c.customer_id


# Event properties with an expression index (migration 0002); keep the two lists in step.
INDEXED_PROPERTIES = ("product", "sku")


# A window at least this long selects most targets: probing each target beats collecting ids.
BROAD_WINDOW_US = 90 * US_PER_DAY


def event_filter(
    kind: str, window: Window, where: tuple[PropertyMatch, ...], target: TargetKind, sql: SqlContext
) -> list[ColumnElement[bool]]:
    low, high = window_interval(window, sql.now_us)
    owner = event_owner(target)
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
    owner = event_owner(target)
    if broad:
        return sa.exists().where(owner == ids, *tests)
    return ids.in_(sa.select(owner).where(*tests))


def event_sql(
    condition: Event, target: TargetKind, sql: SqlContext, ids: ColumnElement[int], within: sa.Select[int] | None
) -> ColumnElement[bool]:
    owner = event_owner(target)
    tests = event_filter(condition.type, condition.window, condition.where, target, sql)
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


def since_sql(condition: Since, target: TargetKind, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
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
        tests = event_filter(condition.type, Ever(), condition.where, target, sql)
        return _has_event(ids, target, [*tests, events.c.at <= instant], broad=False)

    test = any_until(sql.now_us - low * US_PER_DAY)
    if high is not None:
        test = sa.and_(test, sa.not_(any_until(sql.now_us - (high + 1) * US_PER_DAY)))
    return test
