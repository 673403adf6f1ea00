"""Group rows: roles are staff:role pairs; other columns are group attributes."""

from __future__ import annotations

from siyu.core.values import normalize
from siyu.ingest.fields import MISSING
from siyu.ingest.kinds import EntityRecord, validate_group


def test_csv_row() -> None:
    record = validate_group(
        2, {"id": "g1", "name": "会员群", "owner": "s1", "tags": "", "roles": "s1:群主;s2:助理", "city": "上海"}
    )
    assert record == EntityRecord(
        2, "g1", "会员群", "s1", (), {"city": normalize("上海")}, roles=(("s1", "群主"), ("s2", "助理"))
    )


def test_json_roles() -> None:
    record = validate_group(1, {"id": "g1", "roles": [{"staff": "s1", "role": "群主"}]})
    assert record == EntityRecord(1, "g1", MISSING, MISSING, None, {}, roles=(("s1", "群主"),))


def test_faults() -> None:
    assert validate_group(3, {"id": "g1", "roles": "s1"}) == [("roles", 'expected "staff:role", got "s1"')]
