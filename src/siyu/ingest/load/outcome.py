"""What a loader reports for a batch of records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeVar

R = TypeVar("R")

RowFault = tuple[int, str, str]  # (row, column, message)


@dataclass
class Outcome:
    faults: list[RowFault] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # unchanged entities, or links and events already present

    def add(self, other: Outcome) -> None:
        self.faults.extend(other.faults)
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


class Loader(Protocol[R]):
    @property
    def holds_rows(self) -> bool:
        """True when faults may name rows of earlier batches (staff: the whole file)."""
        ...

    def load(self, records: list[R]) -> Outcome: ...

    def finish(self) -> Outcome: ...
