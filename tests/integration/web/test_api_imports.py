"""Import jobs over the API: upload CSV / JSON Lines / XLSX, progress to done, located problems,
skip_invalid with downloadable rejected rows, all or nothing, operators only."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.ingest import jobs as import_jobs
from siyu.ingest import service
from siyu.store.tables import import_jobs as import_jobs_table
from tests.integration.ingest.files import write_rows
from tests.integration.web.imports_support import customer_ids, upload, use_data_dir, wait_done
from tests.support.web import Web

NEW_CUSTOMERS = [
    {"id": "c5", "name": "陈五", "owner": "st1", "tags": ["新客"]},
    {"id": "c6", "name": "陈六", "owner": "st2", "birthday": "1990-02-03"},
]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_data_dir(tmp_path, monkeypatch)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_an_upload_is_queued_then_imported_to_done(web: Web, tmp_path: Path, fmt: str) -> None:
    path = write_rows(tmp_path / f"新客户.{fmt}", NEW_CUSTOMERS)
    client = web.api("operator")
    answer = upload(client, "customers", path)
    assert answer.status_code == 202
    queued = answer.json()
    assert (queued["kind"], queued["filename"], queued["format"]) == ("customers", f"新客户.{fmt}", fmt)
    assert queued["status"] in ("queued", "running", "done")
    assert queued["bytes_total"] == path.stat().st_size
    assert (queued["created_by"], queued["created_at"]) == ("operator", "2026-11-20T10:30:00+08:00")
    job = wait_done(client, queued["id"])
    assert (job["status"], job["percent"], job["bytes_done"]) == ("done", 100, path.stat().st_size)
    assert (job["rows"], job["inserted"], job["updated"], job["accepted"], job["rejected"]) == (2, 2, 0, 2, 0)
    assert (job["problems"], job["failure"], job["rejected_url"]) == ([], None, None)
    assert customer_ids(web.engine) == ["c1", "c2", "c3", "c4", "c5", "c6"]


def test_a_failed_import_writes_nothing_and_locates_every_problem(web: Web, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("id,owner,birthday\nc5,st1,\nc6,s99,\nc7,st2,1990-02-30\n", encoding="utf-8")
    client = web.api("operator")
    job = wait_done(client, upload(client, "customers", path).json()["id"])
    assert (job["status"], job["failure"], job["problem_count"]) == ("failed", "invalid", 2)
    assert job["message"] == "2 problem(s); nothing was written"
    assert job["problems"] == [
        {
            "where": "customers.csv:3:owner",
            "row": 3,
            "column": "owner",
            "message": 'unknown staff "s99" (import staff first)',
        },
        {
            "where": "customers.csv:4:birthday",
            "row": 4,
            "column": "birthday",
            "message": 'expected a date YYYY-MM-DD, got "1990-02-30"',
        },
    ]
    assert (job["inserted"], job["rows"]) == (None, None)
    assert customer_ids(web.engine) == ["c1", "c2", "c3", "c4"]


def test_a_bad_header_fails_the_job_at_row_one(web: Web, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("group,client\ng1,c2\n", encoding="utf-8")
    client = web.api("operator")
    job = wait_done(client, upload(client, "members", path).json()["id"])
    assert job["status"] == "failed"
    assert [(p["where"], p["row"], p["column"]) for p in job["problems"]] == [
        ("members.csv:1:customer", 1, "customer"),
        ("members.csv:1:client", 1, "client"),
    ]


def test_only_the_first_problems_are_kept_and_all_are_counted(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_jobs, "KEPT_PROBLEMS", 3)
    path = tmp_path / "tags.jsonl"
    path.write_text("".join(json.dumps({"customer": f"x{i}", "tag": "t"}) + "\n" for i in range(5)), encoding="utf-8")
    client = web.api("operator")
    job = wait_done(client, upload(client, "tags", path).json()["id"])
    assert job["problem_count"] == 5
    assert [p["where"] for p in job["problems"]] == [
        "tags.jsonl:1:customer",
        "tags.jsonl:2:customer",
        "tags.jsonl:3:customer",
    ]


def test_skip_invalid_imports_the_valid_rows_and_offers_the_rejected_ones(web: Web, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("id,owner,birthday\nc5,st1,\nc6,s99,\nc7,st2,1990-02-30\n", encoding="utf-8")
    client = web.api("operator")
    job = wait_done(client, upload(client, "customers", path, skip_invalid=True).json()["id"])
    assert (job["status"], job["rows"], job["accepted"], job["rejected"]) == ("done", 3, 1, 2)
    assert job["rejected_url"] == f"/api/v1/imports/{job['id']}/rejected"
    assert customer_ids(web.engine) == ["c1", "c2", "c3", "c4", "c5"]
    download = client.get(job["rejected_url"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="customers.rejected.csv"' in download.headers["content-disposition"]
    assert download.content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")))) == [
        ["_row", "_errors", "id", "owner", "birthday"],
        ["3", 'owner: unknown staff "s99" (import staff first)', "c6", "s99", ""],
        ["4", 'birthday: expected a date YYYY-MM-DD, got "1990-02-30"', "c7", "st2", "1990-02-30"],
    ]


def test_rejected_json_lines_download_as_json_lines(web: Web, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        json.dumps({"id": "e9", "type": "visit", "customer": "c1", "at": "2026-11-19T10:00:00+08:00"}) + "\nnot json\n",
        encoding="utf-8",
    )
    client = web.api("operator")
    job = wait_done(client, upload(client, "events", path, skip_invalid=True).json()["id"])
    assert (job["inserted"], job["rejected"]) == (1, 1)
    download = client.get(job["rejected_url"])
    assert download.headers["content-type"] == "application/x-ndjson"
    assert 'filename="events.rejected.jsonl"' in download.headers["content-disposition"]
    assert [json.loads(line) for line in download.text.splitlines()] == [
        {"_row": 2, "_errors": ["invalid JSON: Expecting value at column 1"], "_line": "not json"}
    ]


def test_a_job_without_rejected_rows_has_nothing_to_download(web: Web, tmp_path: Path) -> None:
    client = web.api("operator")
    job = wait_done(client, upload(client, "customers", write_rows(tmp_path / "c.csv", NEW_CUSTOMERS)).json()["id"])
    answer = client.get(f"/api/v1/imports/{job['id']}/rejected")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/imports/999/rejected").status_code == 404
    assert client.get("/api/v1/imports/999").status_code == 404


def test_an_unknown_kind_or_file_type_is_refused_before_anything_is_saved(web: Web, tmp_path: Path) -> None:
    client = web.api("operator")
    path = write_rows(tmp_path / "c.csv", NEW_CUSTOMERS)
    bad_kind = upload(client, "orders", path)
    assert bad_kind.status_code == 422
    assert [p["where"] for p in bad_kind.json()["error"]["problems"]] == ["kind"]
    bad_type = upload(client, "customers", path, name="customers.txt")
    assert bad_type.status_code == 422
    assert bad_type.json()["error"]["problems"] == [
        {"where": "file", "message": "unknown file type (expected .csv, .jsonl, .json or .xlsx)"}
    ]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert upload(client, "customers", empty).json()["error"]["problems"] == [
        {"where": "file", "message": "empty file"}
    ]
    assert client.get("/api/v1/imports").json() == {"items": [], "next_offset": None}
    assert not list((tmp_path / "data").glob("imports/*/*"))


def test_staff_may_not_import_or_see_imports(web: Web, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "c.csv", NEW_CUSTOMERS)
    operator = web.api("operator")
    job = wait_done(operator, upload(operator, "customers", path, skip_invalid=True).json()["id"])
    staff = web.api("staff1")
    for answer in (
        upload(staff, "customers", path),
        staff.get("/api/v1/imports"),
        staff.get(f"/api/v1/imports/{job['id']}"),
        staff.get(f"/api/v1/imports/{job['id']}/rejected"),
    ):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "forbidden"
    assert len(operator.get("/api/v1/imports").json()["items"]) == 1


def test_the_list_pages_newest_first(web: Web, tmp_path: Path) -> None:
    client = web.api("admin")
    ids = []
    for n in range(3):
        path = write_rows(tmp_path / f"s{n}.csv", [{"id": f"st{n + 10}", "name": f"员工{n}"}])
        ids.append(wait_done(client, upload(client, "staff", path).json()["id"])["id"])
    first = client.get("/api/v1/imports", params={"limit": 2}).json()
    assert [j["id"] for j in first["items"]] == [ids[2], ids[1]]
    assert first["next_offset"] == 2
    assert "problems" not in first["items"][0]
    second = client.get("/api/v1/imports", params={"limit": 2, "offset": 2}).json()
    assert ([j["id"] for j in second["items"]], second["next_offset"]) == ([ids[0]], None)
    assert first["items"][0]["created_by"] == "admin"


def test_an_upload_is_audited(web: Web, tmp_path: Path) -> None:
    client = web.api("operator")
    job = upload(client, "customers", write_rows(tmp_path / "c.csv", NEW_CUSTOMERS)).json()
    wait_done(client, job["id"])
    log = client.get("/api/v1/audit", params={"subject_type": "import"}).json()
    assert [(e["actor"], e["action"], e["subject_id"], e["detail"]) for e in log] == [
        ("operator", "import.start", str(job["id"]), {"kind": "customers", "filename": "c.csv", "skip_invalid": False})
    ]


def test_progress_is_visible_while_the_import_runs(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 10)
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_S", 0.0)
    seen: list[tuple[str, int, int | None]] = []
    original = service.import_file

    def observed(engine: Engine, kind: str, path: Path, **options: Any) -> Any:
        report = options["progress"]

        def progress(done: int, total: int) -> None:
            report(done, total)
            with web.engine.connect() as conn:  # not the importer: it begins IMMEDIATE on SQLite
                job_id, stored = conn.execute(sa.select(import_jobs_table.c.id, import_jobs_table.c.bytes_done)).one()
                job = import_jobs.get_job(conn, job_id, now_us=0)
            seen.append((job["status"], job["percent"], stored))

        return original(engine, kind, path, **{**options, "progress": progress})

    monkeypatch.setattr(import_jobs, "import_file", observed)
    rows = [{"id": f"n{i}", "name": f"客户{i}", "owner": "st1"} for i in range(45)]
    client = web.api("operator")
    job = wait_done(client, upload(client, "customers", write_rows(tmp_path / "c.csv", rows)).json()["id"])
    assert job["status"] == "done"
    percents = [percent for _status, percent, _stored in seen]
    assert {status for status, _p, _s in seen} == {"running"}
    assert percents == sorted(percents) and 0 < percents[0] < 99 and len(percents) == 6
    stored = [bytes_done for _status, _p, bytes_done in seen]
    if web.engine.dialect.name == "postgresql":  # written to the row as it goes
        assert stored[0] > 0 and stored == sorted(stored)
    else:  # SQLite's one writer is the import: the row learns at the end
        assert set(stored) == {0}


def test_a_job_whose_server_died_reads_as_failed_and_is_recorded_so(web: Web, tmp_path: Path) -> None:
    web.app.state.import_runner = lambda *_job: None  # the process "dies" before running it
    client = web.api("operator")
    job = upload(client, "customers", write_rows(tmp_path / "c.csv", NEW_CUSTOMERS)).json()
    assert client.get(f"/api/v1/imports/{job['id']}").json()["status"] == "queued"
    web.set_now("2026-11-20 10:44")
    assert client.get(f"/api/v1/imports/{job['id']}").json()["status"] == "queued"
    web.set_now("2026-11-20 10:46")
    late = client.get(f"/api/v1/imports/{job['id']}").json()
    assert (late["status"], late["failure"]) == ("failed", "interrupted")
    assert late["message"].startswith("the server stopped before the import finished")
    upload(client, "customers", write_rows(tmp_path / "d.csv", NEW_CUSTOMERS))  # a new upload records it
    with web.engine.connect() as conn:
        stored = conn.execute(
            sa.select(import_jobs_table.c.status, import_jobs_table.c.failure).where(
                import_jobs_table.c.id == job["id"]
            )
        ).one()
    assert tuple(stored) == ("failed", "interrupted")
    assert customer_ids(web.engine) == ["c1", "c2", "c3", "c4"]


def test_the_synchronous_runner_can_replace_the_thread(web: Web, tmp_path: Path) -> None:
    web.app.state.import_runner = import_jobs.run_job
    client = web.api("operator")
    answer = upload(client, "customers", write_rows(tmp_path / "c.xlsx", NEW_CUSTOMERS))
    job = client.get(f"/api/v1/imports/{answer.json()['id']}").json()
    assert (job["status"], job["inserted"]) == ("done", 2)
    assert not list((tmp_path / "data").glob("imports/*/c.xlsx"))  # the upload is removed once imported


def test_the_data_directory_is_beside_a_sqlite_file_unless_configured(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert import_jobs.data_dir(web.engine) == tmp_path / "data"
    monkeypatch.delenv("SIYU_DATA_DIR")
    database = web.engine.url.database
    if web.engine.dialect.name == "sqlite":
        assert database is not None
        assert import_jobs.data_dir(web.engine) == Path(database).resolve().with_name(Path(database).name + "-data")
    else:
        assert import_jobs.data_dir(web.engine) == Path(tempfile.gettempdir()) / "siyu-data"
