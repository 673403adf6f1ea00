"""Members and tags rows: both columns required, nothing else allowed."""

from __future__ import annotations

from siyu.ingest.kinds import LinkRecord, validate_member, validate_tag


def test_member() -> None:
    assert validate_member(2, {"group": "g1", "customer": " c1 "}) == LinkRecord(2, "g1", "c1")
    assert validate_member(3, {"group": "", "customer": "c1"}) == [("group", "required")]


def test_tag() -> None:
    assert validate_tag(2, {"customer": "c1", "tag": "会员"}) == LinkRecord(2, "c1", "会员")
    assert validate_tag(3, {"customer": "c1", "tag": "x" * 101, "note": "n"}) == [
        ("note", "unknown column (expected: customer, tag)"),
        ("tag", "longer than 100 characters"),
    ]
