"""Each kind, in each format, stores what the file says."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.ingest.service import ImportReport, import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import FORMATS, write_file
from tests.integration.ingest.seed import seed

pytestmark = pytest.mark.parametrize("fmt", FORMATS)


def test_staff(engine: Engine, tmp_path: Path, fmt: str) -> None:
    rows: list[dict[str, object]] = [
        {"id": "s3", "name": "Carl", "roles": ["导购"], "manager": "s2", "tags": ["new"]},
        {"id": "s2", "name": "Bob", "roles": ["导购", "店长"], "manager": "s1", "tags": []},
        {"id": "s1", "name": "Alice", "roles": [], "manager": None, "tags": ["boss"]},
    ]
    report = import_file(engine, "staff", write_file(tmp_path, "staff", fmt, rows))
    assert (report.rows, report.inserted, report.updated, report.unchanged_or_duplicate) == (3, 3, 0, 0)
    assert state.staff(engine) == {
        "s1": ("Alice", None, [], ["boss"]),
        "s2": ("Bob", "s1", ["导购", "店长"], []),
        "s3": ("Carl", "s2", ["导购"], ["new"]),
    }


def test_customers(engine: Engine, tmp_path: Path, fmt: str) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {
            "id": "c3",
            "name": "王五",
            "owner": "s1",
            "gender": "female",
            "birthday": "1992-02-29",
            "source": "qr",
            "tags": ["会员", "高价值"],
            "level": 3,
        },
        {
            "id": "c4",
            "name": "赵六",
            "owner": None,
            "gender": "male",
            "birthday": None,
            "source": None,
            "tags": [],
            "level": None,
        },
    ]
    report = import_file(engine, "customers", write_file(tmp_path, "customers", fmt, rows))
    assert (report.inserted, report.updated, report.rejected) == (2, 0, 0)
    stored = state.customers(engine)
    c3 = stored["c3"]
    assert (c3["name"], c3["owner"], c3["birthday"], c3["birthday_md"], c3["tags"]) == (
        "王五",
        "s1",
        "1992-02-29",
        229,
        ["会员", "高价值"],
    )
    assert {k: v[1:3] for k, v in c3["attributes"].items()} == {
        "gender": ("female", None),
        "source": ("qr", None),
        "level": ("3", 3.0),
    }
    c4 = stored["c4"]
    assert (c4["owner"], c4["birthday"], c4["birthday_md"], c4["tags"]) == (None, None, None, [])
    assert {k: v[1] for k, v in c4["attributes"].items()} == {"gender": "male"}


def test_groups(engine: Engine, tmp_path: Path, fmt: str) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {
            "id": "g2",
            "name": "福利群",
            "owner": "s2",
            "tags": ["福利"],
            "roles": [{"staff": "s1", "role": "群主"}, {"staff": "s2", "role": "助理"}],
            "city": "上海",
        },
    ]
    report = import_file(engine, "groups", write_file(tmp_path, "groups", fmt, rows))
    assert report.inserted == 1
    assert state.groups(engine)["g2"] == {
        "name": "福利群",
        "owner": "s2",
        "attributes": {"city": "上海"},
        "tags": ["福利"],
        "roles": [("s1", "群主"), ("s2", "助理")],
    }


def test_members(engine: Engine, tmp_path: Path, fmt: str) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {"group": "g1", "customer": "c1"},
        {"group": "g1", "customer": "c2"},
        {"group": "g1", "customer": "c1"},
    ]
    report = import_file(engine, "members", write_file(tmp_path, "members", fmt, rows))
    assert (report.rows, report.inserted, report.unchanged_or_duplicate) == (3, 2, 1)
    assert state.members(engine) == [("g1", "c1"), ("g1", "c2")]


def test_tags(engine: Engine, tmp_path: Path, fmt: str) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {"customer": "c1", "tag": "会员"},
        {"customer": "c1", "tag": "复购"},
        {"customer": "c2", "tag": "复购"},
    ]
    report = import_file(engine, "tags", write_file(tmp_path, "tags", fmt, rows))
    assert (report.inserted, report.unchanged_or_duplicate) == (2, 1)
    assert {c: row["tags"] for c, row in state.customers(engine).items()} == {"c1": ["会员", "复购"], "c2": ["复购"]}


def test_events(engine: Engine, tmp_path: Path, fmt: str) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {
            "id": "e1",
            "type": "order_paid",
            "customer": "c1",
            "group": None,
            "at": "2026-06-01T23:30:00+08:00",
            "properties": {"amount": 129.5, "product": "润肤霜"},
        },
        {
            "id": "e2",
            "type": "group_joined",
            "customer": "c2",
            "group": "g1",
            "at": "2026-06-01T16:00:00Z",
            "properties": None,
        },
    ]
    report: ImportReport = import_file(engine, "events", write_file(tmp_path, "events", fmt, rows))
    assert (report.rows, report.inserted, report.unchanged_or_duplicate) == (2, 2, 0)
    stored = state.events(engine)
    kind, customer, group, at, day, properties = stored["e1"]
    assert (kind, customer, group, at, day) == ("order_paid", "c1", None, 1_780_327_800_000_000, 20605)
    assert properties == {"amount": 129.5, "product": "润肤霜"}
    # 16:00Z is midnight in Shanghai, the next local day.
    assert stored["e2"] == ("group_joined", "c2", "g1", 1_780_329_600_000_000, 20606, {})
