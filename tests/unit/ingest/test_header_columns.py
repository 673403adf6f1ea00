"""A CSV/XLSX header must hold the required columns and, outside attribute kinds, nothing else."""

from __future__ import annotations

from siyu.ingest.kinds import KINDS


def test_missing_required_columns() -> None:
    assert KINDS["staff"].check_columns(("id", "roles")) == [("name", "missing column")]
    assert KINDS["members"].check_columns(("customer",)) == [("group", "missing column")]


def test_unknown_columns_outside_attribute_kinds() -> None:
    assert KINDS["tags"].check_columns(("customer", "tag", "customer_id")) == [
        ("customer_id", "unknown column (expected: customer, tag)")
    ]


def test_other_columns_of_customers_and_groups_are_attributes() -> None:
    assert KINDS["customers"].check_columns(("id", "level", "城市")) == []
    assert KINDS["groups"].check_columns(("id", "x" * 101)) == [
        ("x" * 101, "an attribute name may not be longer than 100 characters")
    ]


def test_events_need_a_customer_or_a_group_column() -> None:
    assert KINDS["events"].check_columns(("id", "type", "at", "group")) == []
    assert KINDS["events"].check_columns(("id", "type", "at")) == [
        ("customer", "missing column (customer or group needed)")
    ]


def test_columns_of_a_rejected_rows_file_are_ignored() -> None:
    assert KINDS["members"].check_columns(("_row", "_errors", "group", "customer")) == []
