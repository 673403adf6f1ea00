"""Small reference data most ingest tests start from: staff s1, s2; customers c1, c2; group g1."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from siyu.ingest.service import import_file
from tests.integration.ingest.files import write_rows

STAFF = [
    {"id": "s1", "name": "Alice", "roles": ["店长"]},
    {"id": "s2", "name": "Bob", "roles": ["导购"], "manager": "s1"},
]
CUSTOMERS = [
    {"id": "c1", "name": "张三", "owner": "s2", "tags": ["会员"]},
    {"id": "c2", "name": "李四", "owner": "s2"},
]
GROUPS = [{"id": "g1", "name": "会员群", "owner": "s1"}]


def seed(engine: Engine, directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    for kind, rows in (("staff", STAFF), ("customers", CUSTOMERS), ("groups", GROUPS)):
        import_file(engine, kind, write_rows(directory / f"seed-{kind}.jsonl", rows))
