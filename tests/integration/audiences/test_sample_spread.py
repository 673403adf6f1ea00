"""A sample is a stable spread over the whole audience, not its first rows."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from siyu.audiences.query import Audience, count, external_ids, sample
from siyu.core.conditions.nodes import Tag, TargetKind
from tests.support.dataset import Person, World


def test_sample_is_spread_and_repeatable(engine: Engine) -> None:
    people = [Person(f"c{n:03d}", {"会员"} if n % 2 else set()) for n in range(200)]
    with engine.begin() as conn:
        World(zone=ZoneInfo("Asia/Shanghai"), customers=people).write(conn)
    members = Audience(TargetKind.customer, Tag("会员"))
    with engine.connect() as conn:
        assert count(conn, members, 0) == 100
        first = sample(conn, members, 0, limit=10)
        assert first == sample(conn, members, 0, limit=10)
        assert len(set(first)) == 10
        assert set(first) <= set(external_ids(conn, members, 0))
        assert first != list(external_ids(conn, members, 0, limit=10))
