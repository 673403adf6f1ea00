"""One transaction per import: a fault found in a late batch, even one only the database can see,
undoes the batches already written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.core.errors import ValidationError
from siyu.ingest import service
from siyu.ingest.service import import_file
from tests.integration.ingest import state
from tests.integration.ingest.files import write_rows
from tests.integration.ingest.seed import seed


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 2)


def test_an_unknown_customer_in_the_last_batch_undoes_the_events_before_it(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    rows: list[dict[str, object]] = [
        {"id": f"e{i}", "type": "link_clicked", "customer": "c1", "at": "2026-06-01T10:00:00+08:00"} for i in range(5)
    ]
    rows.append({"id": "e5", "type": "link_clicked", "customer": "c9", "at": "2026-06-01T10:00:00+08:00"})
    path = write_rows(tmp_path / "events.jsonl", rows)
    with pytest.raises(ValidationError) as caught:
        import_file(engine, "events", path)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:6:customer: unknown customer "c9" (import customers first)'
    ]
    assert state.events(engine) == {}


def test_a_repeated_id_in_a_later_batch_undoes_the_customers(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    before = state.customers(engine)
    rows: list[dict[str, object]] = [{"id": f"n{i}", "name": str(i), "tags": ["x"]} for i in range(4)]
    rows.append({"id": "n1", "name": "again"})
    path = write_rows(tmp_path / "customers.csv", rows)
    with pytest.raises(ValidationError) as caught:
        import_file(engine, "customers", path)
    assert [str(p) for p in caught.value.problems] == [f'{path}:6:id: duplicate id "n1" (first on row 3)']
    assert state.customers(engine) == before


def test_the_import_after_a_failure_works(engine: Engine, tmp_path: Path) -> None:
    """The failed import left nothing behind on the connection (its temporary table went with it)."""
    seed(engine, tmp_path)
    bad = write_rows(tmp_path / "bad.csv", [{"id": "n1", "owner": "s9"}, {"id": "n2"}, {"id": "n3"}])
    with pytest.raises(ValidationError):
        import_file(engine, "customers", bad)
    good = write_rows(tmp_path / "good.csv", [{"id": "n1"}, {"id": "n2"}, {"id": "n3"}])
    assert import_file(engine, "customers", good).inserted == 3
