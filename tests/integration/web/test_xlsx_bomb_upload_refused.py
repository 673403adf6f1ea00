"""An uploaded XLSX zip bomb is refused at the upload, located at `file`, and no job is made."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from siyu.store.tables import import_jobs
from tests.integration.web.imports_support import upload, use_data_dir
from tests.support.web import Web
from tests.unit.ingest.test_xlsx_zip_bomb_refused import bomb


def test_an_xlsx_bomb_upload_is_refused_with_nothing_kept(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = use_data_dir(tmp_path, monkeypatch)
    path = bomb(tmp_path / "customers.xlsx", 64 * 1024 * 1024)
    answer = upload(web.api("operator"), "customers", path)
    assert answer.status_code == 422
    [problem] = answer.json()["error"]["problems"]
    assert problem["where"] == "file:xl/worksheets/sheet1.xml"
    assert "压缩比" in problem["message"] and "zip bomb" in problem["message"]
    with web.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(import_jobs)).scalar_one() == 0
    assert not any(p.is_file() for p in folder.rglob("*"))


def test_the_console_shows_the_refusal_at_the_form(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_data_dir(tmp_path, monkeypatch)
    path = bomb(tmp_path / "customers.xlsx", 64 * 1024 * 1024)
    client = web.console("operator")
    with path.open("rb") as handle:
        page = client.post("/imports", data={"kind": "customers"}, files={"file": ("customers.xlsx", handle)})
    assert page.status_code == 422
    assert "疑似压缩炸弹" in page.text
