"""A manager chain that comes back to where it started is a cycle, reported from each of its rows."""

from __future__ import annotations

from siyu.ingest.load.staff import manager_cycle


def test_no_cycle() -> None:
    assert manager_cycle("a", {"a": "b", "b": "c", "c": None}) is None
    assert manager_cycle("a", {"a": None}) is None
    assert manager_cycle("a", {"a": "unknown"}) is None


def test_self_and_longer_cycles() -> None:
    assert manager_cycle("a", {"a": "a"}) == ["a", "a"]
    managers: dict[str, str | None] = {"a": "b", "b": "c", "c": "a"}
    assert manager_cycle("b", managers) == ["b", "c", "a", "b"]


def test_a_cycle_further_up_belongs_to_its_own_rows() -> None:
    assert manager_cycle("a", {"a": "b", "b": "c", "c": "b"}) is None
