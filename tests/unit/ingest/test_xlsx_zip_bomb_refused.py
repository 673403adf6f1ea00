"""An XLSX that would unpack to too much is refused from its zip directory, before openpyxl
inflates a byte, with a located message in Chinese and English."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from siyu.core.errors import ValidationError
from siyu.ingest import readers
from siyu.ingest.readers import open_source
from siyu.ingest.zip_limits import MAX_RATIO, check_xlsx_archive

SHEET = "xl/worksheets/sheet1.xml"


def bomb(path: Path, unpacked: int) -> Path:
    """A zip whose sheet is `unpacked` bytes of zeros (it packs about a thousand times)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(SHEET, "w") as member:
        block = b"\0" * (1024 * 1024)
        for _ in range(unpacked // len(block)):
            member.write(block)
    return path


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to open the file")

    monkeypatch.setattr(readers, "load_workbook", refuse)


@pytest.mark.usefixtures("no_openpyxl")
def test_a_member_that_inflates_a_thousand_times_is_refused(tmp_path: Path) -> None:
    path = bomb(tmp_path / "c.xlsx", 64 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        open_source(path)
    [problem] = caught.value.problems
    assert problem.where == f"{path}:{SHEET}"
    assert "疑似压缩炸弹" in problem.message and "a zip bomb" in problem.message


@pytest.mark.usefixtures("no_openpyxl")
def test_an_archive_over_the_unpacked_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIYU_MAX_XLSX_UNPACKED_BYTES", str(2 * 1024 * 1024))
    path = tmp_path / "c.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:  # stored: no ratio at all
        archive.writestr(SHEET, b"<row/>" * 600_000)
    with pytest.raises(ValidationError) as caught:
        open_source(path)
    [problem] = caught.value.problems
    assert problem.where == str(path)
    assert (
        problem.message
        == "XLSX 文件解压后有 3 MiB，超过上限 2 MiB (the XLSX file unpacks to 3 MiB, over the limit of 2 MiB)"
    )


def test_an_ordinary_workbook_passes(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name"])
    for n in range(20_000):
        sheet.append([f"c{n}", "陈" * 10])  # repetitive rows pack well, within the ratio
    path = tmp_path / "c.xlsx"
    book.save(path)
    check_xlsx_archive(path, "c.xlsx")
    with open_source(path) as source:
        assert sum(1 for _ in source.rows()) == 20_000


def test_a_member_cannot_unpack_beyond_its_declared_size(tmp_path: Path) -> None:
    """The check trusts the directory's sizes: a member that lies about its size stops there."""
    path = bomb(tmp_path / "c.xlsx", 8 * 1024 * 1024)
    data = bytearray(path.read_bytes())
    declared = 1000
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at : at + 4] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    check_xlsx_archive(path, "c.xlsx")  # small by its own account: the ratio looks harmless
    read = bytearray()

    def inflate() -> None:
        with zipfile.ZipFile(path) as archive, archive.open(SHEET) as member:
            while chunk := member.read(64 * 1024):
                read.extend(chunk)

    with pytest.raises(zipfile.BadZipFile):  # the CRC of the declared bytes does not match
        inflate()
    assert len(read) <= declared
    assert MAX_RATIO * declared < 8 * 1024 * 1024
