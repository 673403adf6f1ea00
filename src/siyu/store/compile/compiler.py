"""Conditions → SQL: the entry points (`condition_sql`, `target_ids`, `count_targets`), the
groups, and the dispatch over every leaf, for SQLite and PostgreSQL.

Every leaf becomes a set-based test on the target's id — `id IN (SELECT …)`, or for event tests
that most targets pass, `EXISTS (…)` probing the target's own events — so a whole audience is one
statement over the whole table. The semantics are those of core.evaluate, proved equal by a
property test. Subqueries never yield NULL ids, so NOT IN is safe. The dispatch `match`es over the
closed `Condition` union and ends in `assert_never`, so a leaf without a branch fails mypy.
"""

from __future__ import annotations

from typing import assert_never

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from siyu.core.bounds import Ever
from siyu.core.conditions.nodes import (
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
    Referrals,
    RepurchaseDue,
    Role,
    Since,
    Tag,
    TargetKind,
)
from siyu.core.evaluate import birthday_keys
from siyu.store.compile.attribute_leaves import attribute_sql, date_attribute_sql, member_count_sql
from siyu.store.compile.context import SqlContext, target_id_column
from siyu.store.compile.customer_leaves import referrals_sql, repurchase_due_ids
from siyu.store.compile.event_leaves import event_sql, since_sql
from siyu.store.tables import customer_tags, customers, group_members, group_tags, staff_roles, staff_tags
from siyu.store.target_tables import TARGET_TABLES


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
    match condition:
        case All():
            return _all(condition, target, sql, ids)
        case AnyOf():
            return sa.or_(*(condition_sql(item, target, sql, ids) for item in condition.items))
        case Not():
            return sa.not_(condition_sql(condition.item, target, sql, ids))
        case Tag():
            table = {TargetKind.customer: customer_tags, TargetKind.group: group_tags, TargetKind.staff: staff_tags}[
                target
            ]
            owner = table.c[target_id_column(target)]
            return ids.in_(sa.select(owner).where(table.c.tag == condition.name))
        case Role():
            return ids.in_(sa.select(staff_roles.c.staff_id).where(staff_roles.c.role == condition.name))
        case Attr():
            if target == TargetKind.group and condition.key == GROUP_MEMBER_COUNT:
                return member_count_sql(condition, sql, ids)
            return attribute_sql(condition, target, sql, ids)
        case Event():
            return event_sql(condition, target, sql, ids, within)
        case Since():
            return since_sql(condition, target, sql, ids)
        case Birthday():
            keys = sorted(birthday_keys(condition, sql.ctx))
            if not keys:
                return sa.false()
            return ids.in_(sa.select(customers.c.id).where(customers.c.birthday_md.in_(keys)))
        case DateAttr():
            return date_attribute_sql(condition, sql, ids)
        case InGroup():
            members = sa.select(group_members.c.customer_id)
            if condition.group is not None:
                members = members.where(
                    group_members.c.group_id.in_(target_ids(condition.group, TargetKind.group, sql))
                )
            test = ids.in_(members)
            return test if condition.member else sa.not_(test)
        case RepurchaseDue():
            return ids.in_(repurchase_due_ids(condition, sql))
        case Referrals():
            return referrals_sql(condition, sql, ids)
        case _:
            assert_never(condition)


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
