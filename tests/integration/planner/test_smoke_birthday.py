"""The birthday scenario end to end, as a check that the test brand builder works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.support.brand import SCENARIOS, Brand, apply_sops, at, run, summary


def test_birthday_greeting_at_nine_on_the_local_birthday(engine: Engine, tmp_path: Path) -> None:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", birthday=date(1990, 11, 21))
    brand.add_customer("c2", "s1", birthday=date(1990, 11, 22))
    brand.write(engine, tmp_path)
    apply_sops(engine, SCENARIOS / "06-birthday.yaml", now=at("2026-11-20 12:00"))
    run(engine, "2026-11-20 12:00", "2026-11-21 00:30", "2026-11-21 09:05", "2026-11-22 00:10")
    assert summary(engine, sop="birthday") == [
        ("wish", "c1", "s1", "2026-11-21 09:00", "due", ""),
        ("wish", "c2", "s1", "2026-11-22 09:00", "pending", ""),
    ]
