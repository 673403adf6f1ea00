"""The console's import page: the upload form (CSRF), a progress fragment that polls until the
job ends, located problems, the rejected rows' download; operators only."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from siyu.ingest import jobs as import_jobs
from tests.integration.web.imports_support import customer_ids, use_data_dir
from tests.support.web import Web

BAD_CUSTOMERS = "id,owner,birthday\nc5,st1,\nc6,s99,\n"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_data_dir(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def _synchronous(web: Web) -> None:
    """Each job runs to its end before the upload's answer arrives (tests of the background
    thread are in test_api_imports.py)."""
    web.app.state.import_runner = import_jobs.run_job


def _form_client(web: Web) -> tuple[TestClient, str]:
    """A signed-in browser: plain forms carry the CSRF token as a field, not a header."""
    client = web.console("operator")
    token = client.headers.pop("X-CSRF-Token")
    return client, token


def _post_file(client: TestClient, token: str | None, name: str, content: str, **fields: str) -> httpx.Response:
    data = {"kind": "customers", **fields}
    if token is not None:
        data["csrf_token"] = token
    return client.post(
        "/imports", data=data, files={"file": (name, content.encode(), "text/csv")}, follow_redirects=False
    )


def test_the_page_offers_the_upload_form_in_chinese(web: Web) -> None:
    page = web.console("operator").get("/imports")
    assert page.status_code == 200
    assert "上传文件" in page.text and 'enctype="multipart/form-data"' in page.text
    assert '<option value="events"' in page.text and "还没有导入过文件" in page.text
    client = web.console("operator")
    client.cookies.set("siyu_lang", "en")
    english = client.get("/imports")
    assert "Upload a file" in english.text


def test_an_upload_redirects_to_its_job_which_ends_done(web: Web) -> None:
    client, token = _form_client(web)
    answer = _post_file(client, token, "客户.csv", "id,name,owner\nc5,陈五,st1\n")
    assert answer.status_code == 303
    location = answer.headers["location"]
    found = re.fullmatch(r"/imports/(\d+)", location)
    assert found is not None
    job_id = int(found.group(1))
    page = client.get(location)
    assert "客户.csv" in page.text and "已完成" in page.text
    assert "共 1 行：新增 1，更新 0，无变化或已存在 0，跳过 0。" in page.text
    assert 'aria-valuenow="100"' in page.text
    fragment = client.get(f"/imports/{job_id}/progress")
    assert 'id="job-progress"' in fragment.text
    assert "hx-trigger" not in fragment.text  # done: the polling stops
    assert "<html" not in fragment.text
    listing = client.get("/imports")
    assert f'href="/imports/{job_id}"' in listing.text and "operator" in listing.text
    assert customer_ids(web.engine)[-1] == "c5"


def test_a_job_under_way_polls_its_progress_every_second(web: Web) -> None:
    web.app.state.import_runner = lambda *_job: None  # stays queued
    client, token = _form_client(web)
    location = _post_file(client, token, "c.csv", "id\nc5\n").headers["location"]
    page = client.get(location)
    assert f'hx-get="{location}/progress"' in page.text and 'hx-trigger="every 1s"' in page.text
    assert "排队中" in page.text
    fragment = client.get(f"{location}/progress")
    assert 'hx-trigger="every 1s"' in fragment.text and "<html" not in fragment.text
    job_id = int(location.rsplit("/", 1)[1])
    with web.engine.connect() as conn:
        assert import_jobs.get_job(conn, job_id, now_us=0)["status"] == "queued"


def test_a_failed_import_lists_its_problems_with_row_and_column(web: Web) -> None:
    client, token = _form_client(web)
    location = _post_file(client, token, "customers.csv", BAD_CUSTOMERS).headers["location"]
    page = client.get(location)
    assert "发现 1 个问题，没有导入任何数据" in page.text
    assert "<code>customers.csv:3:owner</code>" in page.text
    assert re.search(r'<td class="num">3</td><td>owner</td><td class="error">unknown staff &#34;s99&#34;', page.text)
    assert "c5" not in customer_ids(web.engine)


def test_skipped_rows_can_be_downloaded_from_the_job_page(web: Web) -> None:
    client, token = _form_client(web)
    location = _post_file(client, token, "customers.csv", BAD_CUSTOMERS, skip_invalid="true").headers["location"]
    page = client.get(location)
    assert f'href="{location}/rejected"' in page.text and "下载被跳过的 1 行" in page.text
    download = client.get(f"{location}/rejected")
    assert download.status_code == 200
    assert download.content.decode("utf-8-sig").splitlines() == [
        "_row,_errors,id,owner,birthday",
        '3,"owner: unknown staff ""s99"" (import staff first)",c6,s99,',
    ]
    assert customer_ids(web.engine)[-1] == "c5"


def test_the_form_needs_its_csrf_token(web: Web) -> None:
    client, _token = _form_client(web)
    refused = _post_file(client, None, "c.csv", "id\nc5\n")
    assert refused.status_code == 403
    forged = _post_file(client, "forged", "c.csv", "id\nc5\n")
    assert forged.status_code == 403
    assert web.api("operator").get("/api/v1/imports").json()["items"] == []


def test_a_wrong_file_type_is_shown_on_the_form(web: Web) -> None:
    client, token = _form_client(web)
    answer = _post_file(client, token, "notes.txt", "id\nc5\n", kind="events")
    assert answer.status_code == 422
    text = answer.text
    assert "<code>file</code> unknown file type" in text
    assert '<option value="events" selected>' in text


def test_staff_cannot_open_the_import_pages(web: Web) -> None:
    operator, token = _form_client(web)
    location = _post_file(operator, token, "c.csv", "id\nc5\n").headers["location"]
    staff = web.console("staff1")
    for path in ("/imports", location, f"{location}/progress", f"{location}/rejected"):
        answer = staff.get(path)
        assert answer.status_code == 403, path
        assert "出错了" in answer.text
    refused = staff.post("/imports", data={"kind": "customers"}, files={"file": ("c.csv", b"id\nc9\n")})
    assert refused.status_code == 403
