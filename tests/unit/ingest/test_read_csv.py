"""CSV: header on row 1, spreadsheet row numbers, BOM accepted, bad UTF-8 located."""

from __future__ import annotations

from pathlib import Path

import pytest

from siyu.core.errors import ValidationError
from siyu.ingest.readers import BadRow, Row, open_source


def read(path: Path) -> list[Row]:
    with open_source(path) as source:
        return list(source.rows())


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_rows_are_numbered_like_a_spreadsheet_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b'id,name\nc1,"two\nlines"\n,\n\nc2, B \n')
    with open_source(path) as source:
        assert source.columns == ("id", "name")
        rows = list(source.rows())
        assert source.position == source.size
    assert rows == [(2, {"id": "c1", "name": "two\nlines"}), (5, {"id": "c2", "name": " B "})]


def test_bom_and_header_spaces(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "\ufeff id ,名字\nc1,张三\n".encode())
    with open_source(path) as source:
        assert source.columns == ("id", "名字")
        assert list(source.rows()) == [(2, {"id": "c1", "名字": "张三"})]


def test_short_rows_are_padded_and_long_rows_are_bad(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b"id,name\nc1\nc2,B,,\nc3,C,extra\n")
    assert read(path) == [
        (2, {"id": "c1", "name": None}),
        (3, {"id": "c2", "name": "B"}),
        (4, BadRow("the row has 3 cells but the header has 2", cells=("c3", "C", "extra"))),
    ]


def test_a_column_without_header_must_stay_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b"id,,name,\nc1,,A\nc2,x,B\nc3\n")
    assert read(path) == [
        (2, {"id": "c1", "name": "A"}),
        (3, BadRow("column 2 has a value but no header", cells=("c2", "x", "B"))),
        (4, {"id": "c3", "name": None}),
    ]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (b"", "", "empty file"),
        (b"\n\n", ":1", "the first row must be the header (it is empty)"),
        (b"id,name,id\n", ":1:id", 'duplicate column "id"'),
    ],
)
def test_file_faults(tmp_path: Path, data: bytes, where: str, message: str) -> None:
    path = write(tmp_path / "c.csv", data)
    with pytest.raises(ValidationError) as caught:
        read(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}{where}: {message}"]


def test_bad_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "id,name\nc1,张三\n".encode() + "c2,李四\n".encode("gbk"))
    with pytest.raises(ValidationError) as caught:
        read(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: not valid UTF-8 (save the file as UTF-8; in Excel: CSV UTF-8) (line 3)"
    ]
