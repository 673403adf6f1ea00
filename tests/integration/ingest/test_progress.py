"""The progress callback sees bytes read growing to the file size."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.ingest import service
from siyu.ingest.service import import_file
from tests.integration.ingest.files import write_rows


def test_progress_reaches_the_file_size(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 10)
    path = write_rows(tmp_path / "s.jsonl", [{"id": f"s{i}", "name": "x" * (i + 1)} for i in range(45)])
    seen: list[tuple[int, int]] = []
    import_file(engine, "staff", path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert len(seen) == 6
    assert all(total == size for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[0][0] < size
    assert seen[-1] == (size, size)
