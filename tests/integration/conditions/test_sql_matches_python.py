"""The property that holds the condition language together: for random worlds and random
condition trees, the SQL audience equals the Python evaluator's, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from siyu.core.conditions.nodes import TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.evaluate import evaluate
from siyu.store.compile import SqlContext, target_ids
from siyu.store.tables import chat_groups, customers, staff
from tests.support.dataset import World, clear
from tests.support.strategies import (
    customer_conditions,
    group_conditions,
    purchase_worlds,
    repurchase_conditions,
    staff_conditions,
    worlds,
)

PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("SIYU_PROPERTY_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _sql_matches(engine: Engine, world: World, now: int, raw: dict[str, Any], target: TargetKind) -> set[str]:
    condition = parse_condition(raw, target)
    table = {TargetKind.customer: customers, TargetKind.group: chat_groups, TargetKind.staff: staff}[target]
    with engine.connect() as conn:
        sql = SqlContext(conn.dialect.name, world.context(now))
        ids = target_ids(condition, target, sql).subquery()
        rows = conn.execute(table.select().with_only_columns(table.c.external_id).where(table.c.id.in_(ids.select())))
        return {row[0] for row in rows}


def _python_matches(world: World, now: int, raw: dict[str, Any], target: TargetKind) -> set[str]:
    condition = parse_condition(raw, target)
    ctx = world.context(now)
    if target == TargetKind.customer:
        return {p.id for p in world.customers if evaluate(condition, world.customer_facts(p), ctx)}
    if target == TargetKind.group:
        return {g.id for g in world.groups if evaluate(condition, world.group_facts(g), ctx)}
    return {s.id for s in world.staff if evaluate(condition, world.staff_facts(s), ctx)}


def _share(matched: set[str], total: int) -> str:
    """Labels for --hypothesis-show-statistics: are the conditions selective at all?"""
    if not total:
        return "no targets"
    return "none match" if not matched else "all match" if len(matched) == total else "some match"


def _assert_agree(
    engine: Engine, data: tuple[World, int], conditions: list[dict[str, Any]], target: TargetKind
) -> None:
    world, now = data
    with engine.begin() as conn:
        clear(conn)
        world.write(conn)
    population = {TargetKind.customer: world.customers, TargetKind.group: world.groups, TargetKind.staff: world.staff}
    for raw in conditions:
        expected = _python_matches(world, now, raw, target)
        event(f"{target.value}: {_share(expected, len(population[target]))}")
        assert _sql_matches(engine, world, now, raw, target) == expected, raw


@PROPERTY_SETTINGS
@given(data=worlds(), conditions=st.lists(customer_conditions(), min_size=1, max_size=6))
def test_customer_audiences_agree(engine: Engine, data: tuple[World, int], conditions: list[dict[str, Any]]) -> None:
    _assert_agree(engine, data, conditions, TargetKind.customer)


@PROPERTY_SETTINGS
@given(data=worlds(), conditions=st.lists(group_conditions(), min_size=1, max_size=4))
def test_group_audiences_agree(engine: Engine, data: tuple[World, int], conditions: list[dict[str, Any]]) -> None:
    _assert_agree(engine, data, conditions, TargetKind.group)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=worlds(), conditions=st.lists(staff_conditions(), min_size=1, max_size=4))
def test_staff_audiences_agree(engine: Engine, data: tuple[World, int], conditions: list[dict[str, Any]]) -> None:
    _assert_agree(engine, data, conditions, TargetKind.staff)


@PROPERTY_SETTINGS
@given(data=purchase_worlds(), conditions=st.lists(repurchase_conditions(), min_size=1, max_size=4))
def test_repurchase_cycles_agree(engine: Engine, data: tuple[World, int], conditions: list[dict[str, Any]]) -> None:
    _assert_agree(engine, data, conditions, TargetKind.customer)
