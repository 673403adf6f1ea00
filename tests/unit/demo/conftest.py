"""One 5,000-customer demo per test session, generated at a realistic now, read back once."""

from __future__ import annotations

from datetime import datetime

import pytest

from siyu.demo.generate import DemoFiles, write_demo
from siyu.demo.world import DemoSpec
from tests.unit.demo.dataset import Demo, read_demo

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
CUSTOMERS = 5_000
SEED = 7


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return write_demo(DemoSpec(CUSTOMERS, SEED, NOW), tmp_path_factory.mktemp("demo"), workers=1)


@pytest.fixture(scope="session")
def demo(demo_files: DemoFiles) -> Demo:
    return read_demo(demo_files.directory)
