"""A new database is migrated on first use, also when several processes start at once."""

from __future__ import annotations

import subprocess
import sys
import uuid

import sqlalchemy as sa

from siyu.store.migrate import current_revision, head_revision
from tests.support.databases import POSTGRES_URL

START = "from siyu.store.db import create_engine; import sys; create_engine(sys.argv[1])"


def test_concurrent_first_use_on_postgresql_migrates_once() -> None:
    schema = f"siyu_first_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        starters = [subprocess.Popen([sys.executable, "-c", START, url]) for _ in range(3)]
        assert [p.wait(timeout=120) for p in starters] == [0, 0, 0]
        engine = sa.create_engine(url)
        assert current_revision(engine) == head_revision(engine)
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def test_sqlite_file_is_created_and_migrated(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "new.db"
    result = subprocess.run([sys.executable, "-c", START, f"sqlite:///{path}"], check=False)
    assert result.returncode == 0
    engine = sa.create_engine(f"sqlite:///{path}")
    assert current_revision(engine) == head_revision(engine)
    engine.dispose()
