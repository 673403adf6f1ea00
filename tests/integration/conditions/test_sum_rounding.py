"""Money sums compare as people add them: 323.6 + 84.3 + 113.5 + 6.2 + 1472.4 is 2000, in SQL and Python."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from siyu.core.conditions.nodes import TargetKind
from siyu.core.conditions.parse import parse_condition
from siyu.core.evaluate import evaluate
from siyu.core.timeutil import US_PER_DAY
from siyu.store.compile import SqlContext, target_ids
from tests.support.dataset import Ev, Person, World

NOW = 1_795_352_400_000_000


@pytest.mark.parametrize(("bound", "expected"), [({"gte": 2000}, True), ({"lte": 2000}, True), ({"gt": 2000}, False)])
def test_float_sums_are_compared_rounded(engine: Engine, bound: dict[str, float], expected: bool) -> None:
    world = World(
        zone=ZoneInfo("Asia/Shanghai"),
        customers=[Person("c1")],
        events=[  # added in this order as floats: 2000.0000000000002
            Ev(f"e{n}", "order_paid", NOW - US_PER_DAY, "c1", None, {"amount": amount})
            for n, amount in enumerate([323.6, 84.3, 113.5, 6.2, 1472.4])
        ],
    )
    condition = parse_condition({"event": "order_paid", "sum": {"field": "amount", **bound}}, TargetKind.customer)
    with engine.begin() as conn:
        world.write(conn)
        sql = SqlContext(conn.dialect.name, world.context(NOW))
        selected = {row[0] for row in conn.execute(target_ids(condition, TargetKind.customer, sql))}
    assert evaluate(condition, world.customer_facts(world.customers[0]), world.context(NOW)) is expected
    assert (selected == {1}) is expected
