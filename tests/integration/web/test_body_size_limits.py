"""Bodies over their route's limit are refused with 413 before anything reads them, and nothing
of the request is stored: API JSON, console forms, uploads; declared or chunked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from siyu.store.tables import api_tokens, import_jobs
from siyu.web.body_limit import DEFAULT_LIMIT
from tests.integration.web.imports_support import use_data_dir
from tests.support.web import Web


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_data_dir(tmp_path, monkeypatch)


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A JSON body of `total` bytes sent without a Content-Length (chunked)."""
    yield b'{"name": "'
    sent = 10
    while sent < total - 2:
        part = min(size, total - 2 - sent)
        yield b"a" * part
        sent += part
    yield b'"}'


def count(web: Web, table: sa.Table) -> int:
    with web.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_a_chunked_json_body_over_the_limit_is_refused_and_nothing_is_stored(web: Web) -> None:
    before = count(web, api_tokens)
    answer = web.api("operator").post(
        "/api/v1/tokens", content=chunks(DEFAULT_LIMIT + 1), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"
    assert count(web, api_tokens) == before


def test_a_declared_length_over_the_limit_is_refused_without_signing_in(web: Web) -> None:
    answer = web.client().post(
        "/api/v1/session",
        content=b"{" + b" " * (2 * DEFAULT_LIMIT) + b"}",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["problems"] == [
        {"where": "body", "message": "the request body is over 1 MiB, the most this endpoint takes"}
    ]


def test_a_body_within_the_limit_is_served(web: Web) -> None:
    answer = web.api("operator").post(
        "/api/v1/tokens", content=chunks(DEFAULT_LIMIT // 2), headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422  # read whole and judged: the name is too long, not the body
    assert answer.json()["error"]["problems"][0]["where"] == "name"


def test_a_console_form_over_the_limit_is_refused_in_the_readers_language(web: Web) -> None:
    answer = web.client().post(
        "/login",
        data={"username": "admin", "password": "x" * (2 * DEFAULT_LIMIT)},
        headers={"accept-language": "zh-CN"},
    )
    assert answer.status_code == 413
    assert "提交的内容过大（最多 1 MiB）" in answer.text


def test_an_upload_over_the_upload_limit_is_refused_and_no_job_is_made(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIYU_MAX_UPLOAD_BYTES", str(1024 * 1024))
    big = tmp_path / "customers.csv"
    big.write_bytes(b"id,name,owner\n" + b"c9,x,st1\n" * 400_000)  # 3.6 MB
    with big.open("rb") as handle:
        answer = web.api("operator").post(
            "/api/v1/imports", data={"kind": "customers"}, files={"file": ("customers.csv", handle, "text/csv")}
        )
    assert answer.status_code == 413
    assert count(web, import_jobs) == 0


def test_an_upload_over_the_default_limit_but_within_the_upload_limit_is_taken(web: Web, tmp_path: Path) -> None:
    web.app.state.import_runner = lambda *_job: None  # the job is only queued: taking the file is what counts
    rows = b"".join(b"c%d,name %d,st1\n" % (i, i) for i in range(5, 120_000))
    path = tmp_path / "customers.csv"
    path.write_bytes(b"id,name,owner\n" + rows)
    assert path.stat().st_size > 2 * DEFAULT_LIMIT
    with path.open("rb") as handle:
        answer = web.api("operator").post(
            "/api/v1/imports", data={"kind": "customers"}, files={"file": ("customers.csv", handle, "text/csv")}
        )
    assert answer.status_code == 202, answer.text
    assert answer.json()["bytes_total"] == path.stat().st_size
