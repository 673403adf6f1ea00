"""The attribute leaves in SQL: `attr` over imported attributes (text, number), a group's
counted `member_count`, and `date_attr` in days from today."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from siyu.core.conditions.nodes import Attr, DateAttr, TargetKind
from siyu.core.values import Scalar
from siyu.store.compile.comparisons import apply_comparison, contains, text_column
from siyu.store.compile.context import SqlContext, target_id_column
from siyu.store.tables import customer_attributes, group_attributes, group_members


def attribute_sql(condition: Attr, target: TargetKind, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
    table = customer_attributes if target == TargetKind.customer else group_attributes
    owner = table.c[target_id_column(target)]
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
        return having(contains(table.c.value_text, str(value), sql))
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


def _compare(table: sa.Table, op: str, literal: Scalar, sql: SqlContext) -> ColumnElement[bool]:
    if isinstance(literal, int | float) and not isinstance(literal, bool):
        return apply_comparison(op, table.c.value_num, float(literal))
    return apply_comparison(op, text_column(table.c.value_text, sql), str(literal))


def member_count_sql(condition: Attr, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
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
            return apply_comparison(op, count, float(literal))
        return apply_comparison(op, text_column(text, sql), str(literal))

    if op in ("eq", "ne", "in", "not_in"):
        literals: tuple[Scalar, ...] = value if isinstance(value, tuple) else (value,)
        test = sa.or_(*(equals(literal) for literal in literals))
        return test if op in ("eq", "in") else sa.not_(test)
    if op == "contains":
        return contains(text, str(value), sql)
    if op == "between":
        assert isinstance(value, tuple)
        return sa.and_(compare("gte", value[0]), compare("lte", value[1]))
    assert not isinstance(value, tuple)
    return compare(op, value)


def date_attribute_sql(condition: DateAttr, sql: SqlContext, ids: ColumnElement[int]) -> ColumnElement[bool]:
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
