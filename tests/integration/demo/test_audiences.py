"""On a 5,000-customer demo at a realistic now, the engine finds people in every audience of the
project's scenario pack and of examples/sops."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from siyu.audiences import query as audiences
from siyu.core.audiences import audiences_of
from siyu.core.timeutil import to_us
from siyu.demo.generate import DemoFiles, write_demo
from siyu.demo.load import load_demo
from siyu.demo.world import DemoSpec
from siyu.sops import repo as sops

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")
ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "sops"
SCENARIOS = ROOT.parent / "shared" / "scenarios" / "sops"


@pytest.fixture(scope="module")
def demo_5000(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return write_demo(DemoSpec(5_000, 1, NOW), tmp_path_factory.mktemp("demo5000"), workers=1)


def _counts(engine: Engine, pack: Path) -> dict[str, int]:
    now_us = to_us(NOW)
    with engine.begin() as conn:
        sops.apply(conn, [pack], now_us=now_us)
    found: dict[str, int] = {}
    with engine.connect() as conn:
        for stored in sops.all_latest(conn):
            for targets, audience in audiences_of(stored.sop).items():
                found[f"{stored.sop.id} {targets}"] = audiences.count(conn, audience, now_us)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("pack", [SCENARIOS, EXAMPLES], ids=["scenario-pack", "examples"])
def test_no_audience_is_empty(engine: Engine, demo_5000: DemoFiles, pack: Path) -> None:
    load_demo(engine, demo_5000)
    counts = _counts(engine, pack)
    assert counts
    assert not [name for name, count in counts.items() if count == 0]
    assert counts.get("new-friend-onboarding customers", 0) > 4_900
