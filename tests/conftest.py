"""Fixtures shared by every test: `engine` runs a test on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine

from siyu.accounts import users as accounts
from tests.support.cli import Siyu, siyu_for
from tests.support.databases import PostgresSchema, fresh_sqlite, iterate_schema, sqlite_template
from tests.support.web import Web, web_for

# Passwords: the cheapest argon2 parameters in tests (hashes still verify as real argon2). The
# defaults cost about 0.25 s per hash, a second per test that makes its four users.
accounts._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

# Secrets are sealed with a key from the process settings; on PostgreSQL, whose key has no home
# beside the database, the test engines and the in-process CLI share one in this directory.
os.environ.setdefault("SIYU_DATA_DIR", tempfile.mkdtemp(prefix="siyu-test-keys-"))

# Timing belongs in bench/: on a loaded 2-core CI machine a slow first draw or example is not a bug.
settings.register_profile("siyu", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("siyu")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresSchema]:
    yield from iterate_schema()


@pytest.fixture
def sqlite_engine(_sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    engine = fresh_sqlite(_sqlite_template, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(_postgres: PostgresSchema) -> Engine:
    return _postgres.fresh()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on both databases."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def siyu(engine: Engine) -> Siyu:
    """`siyu(*args)` runs the CLI against this test's database (both databases)."""
    return siyu_for(engine)


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[Web]:
    """The web app over a small brand with one user per role (see tests/support/web.py), on both databases."""
    yield from web_for(engine, tmp_path)
