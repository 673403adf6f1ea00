"""`siyu import …` end to end: output, exit codes, located errors, --skip-invalid."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.integration.ingest import state
from tests.support.cli import Siyu


def test_import_and_report(siyu: Siyu, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("id,name,roles\ns1,Alice,店长\ns2,Bob,\n", encoding="utf-8")
    result = siyu("import", "staff", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "staff: 2 rows — 2 new, 0 updated, 0 unchanged or already present, 0 rejected\n"
    result = siyu("import", "staff", str(path), "--format", "json")
    assert json.loads(result.stdout) == {
        "kind": "staff",
        "path": str(path),
        "rows": 2,
        "inserted": 0,
        "updated": 0,
        "unchanged_or_duplicate": 2,
        "rejected": 0,
        "rejected_file": None,
    }
    assert set(state.staff(engine)) == {"s1", "s2"}


def test_invalid_rows_exit_1_and_write_nothing(siyu: Siyu, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("id,owner\nc1,s9\nc2,\n", encoding="utf-8")
    result = siyu("import", "customers", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:2:owner: unknown staff "s9" (import staff first)',
        "1 problem(s); nothing was written.",
    ]
    assert state.customers(engine) == {}


def test_skip_invalid_names_the_rejects_file(siyu: Siyu, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("id,owner\nc1,s9\nc2,\n", encoding="utf-8")
    result = siyu("import", "customers", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert result.stdout == "customers: 2 rows — 1 new, 0 updated, 0 unchanged or already present, 1 rejected\n"
    assert result.stderr == f"rejected rows and reasons: {tmp_path / 'customers.rejected.csv'}\n"
    assert set(state.customers(engine)) == {"c2"}


def test_unknown_file_type_and_kind(siyu: Siyu, tmp_path: Path) -> None:
    path = tmp_path / "staff.xls"
    path.write_bytes(b"")
    result = siyu("import", "staff", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path}: unknown file type (expected .csv, .jsonl, .json or .xlsx)"
    assert siyu("import", "orders", str(path)).exit_code == 2  # not a command
