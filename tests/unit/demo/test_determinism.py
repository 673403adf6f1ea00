"""Same (customers, seed, now) → the same bytes; anything else → other bytes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from siyu.demo.generate import FILE_NAMES, write_demo
from siyu.demo.world import DemoSpec

NOW = datetime.fromisoformat("2026-11-22T10:00:00+08:00")


def _bytes(directory: Path) -> dict[str, bytes]:
    return {kind: (directory / name).read_bytes() for kind, name in FILE_NAMES.items()}


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    write_demo(DemoSpec(400, 3, NOW), tmp_path / "a", workers=1)
    write_demo(DemoSpec(400, 3, NOW), tmp_path / "b", workers=1)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_workers_and_chunks_do_not_change_the_bytes(tmp_path: Path) -> None:
    one = write_demo(DemoSpec(700, 3, NOW), tmp_path / "one", workers=1)
    many = write_demo(DemoSpec(700, 3, NOW), tmp_path / "many", workers=2, chunk=150)
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "many")
    assert one.counts == many.counts
    assert one.event_types == many.event_types
    assert not (tmp_path / "many" / ".parts").exists()


def test_the_same_instant_in_another_offset_is_the_same_now(tmp_path: Path) -> None:
    write_demo(DemoSpec(200, 3, NOW), tmp_path / "local", workers=1)
    write_demo(DemoSpec(200, 3, datetime.fromisoformat("2026-11-22T02:00:00+00:00")), tmp_path / "utc", workers=1)
    assert _bytes(tmp_path / "local") == _bytes(tmp_path / "utc")


def test_another_seed_gives_other_customers_and_events(tmp_path: Path) -> None:
    write_demo(DemoSpec(400, 3, NOW), tmp_path / "a", workers=1)
    write_demo(DemoSpec(400, 4, NOW), tmp_path / "b", workers=1)
    a, b = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    for kind in ("staff", "customers", "groups", "members", "events"):
        assert a[kind] != b[kind], kind


def test_another_now_gives_other_events(tmp_path: Path) -> None:
    write_demo(DemoSpec(400, 3, NOW), tmp_path / "a", workers=1)
    write_demo(DemoSpec(400, 3, NOW + timedelta(days=1)), tmp_path / "b", workers=1)
    assert _bytes(tmp_path / "a")["events"] != _bytes(tmp_path / "b")["events"]


def test_files_written_again_are_replaced_not_appended(tmp_path: Path) -> None:
    write_demo(DemoSpec(300, 3, NOW), tmp_path, workers=1)
    first = _bytes(tmp_path)
    write_demo(DemoSpec(300, 3, NOW), tmp_path, workers=1)
    assert _bytes(tmp_path) == first
