"""Events: deduplicated by id, new vs already present counted, local day in the brand zone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.brand import settings
from siyu.core.errors import ValidationError
from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import write_rows
from tests.integration.ingest.seed import seed

PAID: dict[str, object] = {
    "type": "order_paid",
    "customer": "c1",
    "at": "2026-06-01T10:00:00+08:00",
    "properties": {"amount": 5},
}


def test_identical_repeats_in_a_file_are_duplicates(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = write_rows(tmp_path / "e.jsonl", [{"id": "e1", **PAID}, {"id": "e2", **PAID}, {"id": "e1", **PAID}])
    report = import_file(engine, "events", path)
    assert (report.rows, report.inserted, report.unchanged_or_duplicate) == (3, 2, 1)


def test_differing_repeats_in_a_file_are_faults(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    rows = [{"id": "e1", **PAID}, {"id": "e1", **PAID, "properties": {"amount": 6}}]
    path = write_rows(tmp_path / "e.jsonl", rows)
    with pytest.raises(ValidationError) as caught:
        import_file(engine, "events", path)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:2:id: id "e1" appears earlier in this file with different content'
    ]
    assert state.events(engine) == {}


def test_an_id_stored_before_is_already_present_whatever_it_says(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    import_file(engine, "events", write_rows(tmp_path / "a.jsonl", [{"id": "e1", **PAID}]))
    path = write_rows(tmp_path / "b.jsonl", [{"id": "e1", **PAID, "type": "order_refunded"}, {"id": "e2", **PAID}])
    report = import_file(engine, "events", path)
    assert (report.inserted, report.unchanged_or_duplicate) == (1, 1)
    assert state.events(engine)["e1"][0] == "order_paid"


def test_local_day_follows_the_brand_time_zone(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    with engine.begin() as conn:
        settings.set_value(conn, "timezone", "America/New_York", now_us=0)
    # 2026-06-01T02:00Z is still 31 May in New York (day 20604), 1 June in Shanghai.
    path = write_rows(tmp_path / "e.csv", [{"id": "e1", **PAID, "at": "2026-06-01T02:00:00Z"}])
    import_file(engine, "events", path)
    assert state.events(engine)["e1"][4] == 20604


def test_group_events_and_unknown_groups(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {"id": "e1", "type": "member_joined", "group": "g1", "at": "2026-06-01T10:00:00+08:00"},
        {"id": "e2", "type": "member_joined", "group": "g9", "at": "2026-06-01T10:00:00+08:00"},
        {"id": "e3", "type": "member_joined", "at": "2026-06-01T10:00:00+08:00"},
    ]
    path = write_rows(tmp_path / "e.jsonl", rows)
    report = import_file(engine, "events", path, skip_invalid=True)
    assert (report.inserted, report.rejected) == (1, 2)
    assert state.events(engine)["e1"][1:3] == (None, "g1")
    assert report.rejected_file is not None
    assert report.rejected_file.read_text(encoding="utf-8").count("\n") == 2


def test_csv_properties_cell(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    path = tmp_path / "e.csv"
    path.write_text(
        'id,type,customer,at,properties\ne1,order_paid,c1,2026-06-01T10:00:00+08:00,"{""sku"": ""A-1""}"\n'
        "e2,order_paid,c1,2026-06-01T10:00:00+08:00,not json\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        import_file(engine, "events", path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:properties: expected a JSON object: Expecting value at column 1"
    ]
    path.write_text(
        path.read_text(encoding="utf-8").splitlines()[0]
        + "\n"
        + path.read_text(encoding="utf-8").splitlines()[1]
        + "\n",
        encoding="utf-8",
    )
    import_file(engine, "events", path)
    assert state.events(engine)["e1"][5] == {"sku": "A-1"}
