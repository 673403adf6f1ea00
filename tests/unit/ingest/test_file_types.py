"""The format comes from the extension; anything else is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyu.core.errors import ValidationError
from siyu.ingest.readers import format_of


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.csv", "csv"), ("a.CSV", "csv"), ("a.jsonl", "jsonl"), ("a.json", "jsonl"), ("a.xlsx", "xlsx")]
)
def test_known_extensions(name: str, fmt: str) -> None:
    assert format_of(Path(name)) == fmt


@pytest.mark.parametrize("name", ["a.xls", "a.txt", "a"])
def test_unknown_extensions(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        format_of(Path(name))
    assert [str(p) for p in caught.value.problems] == [
        f"{name}: unknown file type (expected .csv, .jsonl, .json or .xlsx)"
    ]
