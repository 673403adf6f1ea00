"""Read a generated demo back into plain Python, to check it the way an operator would."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from siyu.demo.generate import FILE_NAMES


@dataclass
class Event:
    id: str
    type: str
    customer: str
    group: str | None
    at: datetime
    properties: dict[str, Any]


@dataclass
class Demo:
    staff: list[dict[str, str]]
    customers: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    members: list[tuple[str, str]]
    tags: list[tuple[str, str]]
    events: list[Event]
    by_customer: dict[str, list[Event]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            grouped[event.customer].append(event)
        self.by_customer = dict(grouped)

    def customer_tags(self, customer: str) -> set[str]:
        return set(self.customers[customer]["tags"]) | self.extra_tags.get(customer, set())

    @property
    def extra_tags(self) -> dict[str, set[str]]:
        extra: dict[str, set[str]] = defaultdict(set)
        for customer, tag in self.tags:
            extra[customer].add(tag)
        return extra

    @property
    def in_group(self) -> set[str]:
        return {customer for _, customer in self.members}

    def of_type(self, customer: str, kind: str) -> list[Event]:
        return [event for event in self.by_customer.get(customer, []) if event.type == kind]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def read_demo(directory: Path) -> Demo:
    events = [
        Event(
            row["id"],
            row["type"],
            row["customer"],
            row.get("group"),
            datetime.fromisoformat(row["at"]),
            row["properties"],
        )
        for row in _jsonl(directory / FILE_NAMES["events"])
    ]
    return Demo(
        staff=_csv(directory / FILE_NAMES["staff"]),
        customers={row["id"]: row for row in _jsonl(directory / FILE_NAMES["customers"])},
        groups={row["id"]: row for row in _jsonl(directory / FILE_NAMES["groups"])},
        members=[(r["group"], r["customer"]) for r in _csv(directory / FILE_NAMES["members"])],
        tags=[(r["customer"], r["tag"]) for r in _csv(directory / FILE_NAMES["tags"])],
        events=events,
    )


def local_date(moment: datetime) -> date:
    return moment.date()  # the generator writes local (+08:00) times
