"""Staff rows: id and name required; roles and tags replace when present; manager may be blank."""

from __future__ import annotations

from siyu.ingest.fields import MISSING
from siyu.ingest.kinds import StaffRecord, validate_staff


def test_csv_row() -> None:
    record = validate_staff(2, {"id": "s1", "name": "Alice", "roles": "导购;店长", "manager": "", "tags": ""})
    assert record == StaffRecord(2, "s1", "Alice", ("导购", "店长"), None, ())


def test_absent_keys_are_untouched() -> None:
    assert validate_staff(1, {"id": "s1", "name": "Alice"}) == StaffRecord(1, "s1", "Alice", None, MISSING, None)


def test_faults_name_each_column() -> None:
    assert validate_staff(3, {"id": "", "name": " ", "roles": [1, {}], "boss": "s2"}) == [
        ("boss", "unknown column (expected: id, name, roles, manager, tags)"),
        ("id", "required"),
        ("name", "required"),
        ("roles", "expected text, got an object"),
    ]


def test_missing_keys_in_json() -> None:
    assert validate_staff(1, {"roles": ["导购"]}) == [("id", "required"), ("name", "required")]
