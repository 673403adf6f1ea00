"""JSON Lines: row numbers are line numbers; a bad line is a bad row, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyu.core.errors import ValidationError
from siyu.ingest.readers import BadRow, Row, open_source


def read(path: Path) -> list[Row]:
    with open_source(path) as source:
        assert source.columns is None
        return list(source.rows())


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_objects_keep_their_types_and_line_numbers(tmp_path: Path) -> None:
    data = '\ufeff{"id": "c1", "age": 30, "vip": true}\n\n  \n{"id": 2, "tags": ["a"]}\n'.encode()
    assert read(write(tmp_path / "c.jsonl", data)) == [
        (1, {"id": "c1", "age": 30, "vip": True}),
        (4, {"id": 2, "tags": ["a"]}),
    ]


def test_json_extension_reads_json_lines(tmp_path: Path) -> None:
    assert read(write(tmp_path / "c.json", b'{"id": "c1"}')) == [(1, {"id": "c1"})]


def test_bad_lines_are_bad_rows(tmp_path: Path) -> None:
    data = b'{"id": "c1"}\n{"id": \n"c2"\n{"a": NaN}\n'
    assert read(write(tmp_path / "c.jsonl", data)) == [
        (1, {"id": "c1"}),
        (2, BadRow("invalid JSON: Expecting value at column 8", '{"id": ')),
        (3, BadRow("expected a JSON object", '"c2"')),
        (4, BadRow("invalid JSON: NaN is not valid JSON", '{"a": NaN}')),
    ]


def test_spaces_around_an_object_and_data_after_it(tmp_path: Path) -> None:
    data = b'  {"id": "c1"}  \r\n{"id": "c2"} x\n'
    assert read(write(tmp_path / "c.jsonl", data)) == [
        (1, {"id": "c1"}),
        (2, BadRow("invalid JSON: Extra data at column 14", '{"id": "c2"} x')),
    ]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (b"", "", "empty file"),
        (b"\n \n", "", "empty file"),
        (b'[{"id": "c1"}]\n', "", "expected JSON Lines (one object per line), not a JSON array"),
        (b'[\n{"id": "c1"}\n]\n', "", "expected JSON Lines (one object per line), not a JSON array"),
        (b'{"id": "c1"}\n{"name": "\xc0"}\n', ":2", "not valid UTF-8 (save the file as UTF-8; in Excel: CSV UTF-8)"),
    ],
)
def test_file_faults(tmp_path: Path, data: bytes, where: str, message: str) -> None:
    path = write(tmp_path / "c.jsonl", data)
    with pytest.raises(ValidationError) as caught:
        read(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}{where}: {message}"]
