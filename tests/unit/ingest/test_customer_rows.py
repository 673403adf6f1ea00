"""Customer rows: gender and source are attributes; other columns too; blank removes."""

from __future__ import annotations

from datetime import date

from siyu.core.values import normalize
from siyu.ingest.fields import MISSING
from siyu.ingest.kinds import EntityRecord, validate_customer


def test_csv_row() -> None:
    values: dict[str, object] = {
        "id": "c1",
        "name": "张三",
        "owner": "s1",
        "gender": "female",
        "birthday": "1990-06-01",
        "source": "",
        "tags": "会员;高价值",
        "level": "3",
    }
    assert validate_customer(2, values) == EntityRecord(
        2,
        "c1",
        "张三",
        "s1",
        ("会员", "高价值"),
        {"gender": normalize("female"), "source": None, "level": normalize("3")},
        birthday=date(1990, 6, 1),
    )


def test_json_row_keeps_types_and_leaves_absent_keys() -> None:
    record = validate_customer(1, {"id": "c1", "age": 30, "vip": True})
    assert record == EntityRecord(
        1, "c1", MISSING, MISSING, None, {"age": normalize(30), "vip": normalize(True)}, birthday=MISSING
    )


def test_blank_owner_and_birthday_clear_them() -> None:
    record = validate_customer(2, {"id": "c1", "owner": "", "birthday": ""})
    assert isinstance(record, EntityRecord)
    assert (record.owner, record.birthday) == (None, None)


def test_faults() -> None:
    assert validate_customer(4, {"id": "c1", "birthday": "1990-02-30", "prefs": ["a"], "": "x"}) == [
        ("birthday", 'expected a date YYYY-MM-DD, got "1990-02-30"'),
        ("prefs", "an attribute value must be text, a number or true/false, not a list"),
        ("", "an attribute name may not be empty"),
    ]
