"""A hand-built brand for planner tests: staff, customers, groups, members, events, SOPs —
written through the real import and apply services, with times in the brand's zone."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.timeutil import to_us
from siyu.ingest.service import import_file
from siyu.planner.tick import TickReport, tick
from siyu.sops import repo as sop_service
from siyu.tasks import queries as task_service

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCENARIOS = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios" / "sops"


def at(text: str, zone: ZoneInfo = SHANGHAI) -> int:
    """'2026-11-20 09:00' (local to the brand) → µs."""
    return to_us(datetime.fromisoformat(text).replace(tzinfo=zone))


def daily(first: str, last: str, *times: str) -> list[str]:
    """Local moments (brand time) 'YYYY-MM-DD HH:MM' at each time of every day from `first` to `last`."""
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    moments = []
    while day <= end:
        moments += [f"{day.isoformat()} {clock}" for clock in times]
        day += timedelta(days=1)
    return moments


def iso(us: int, zone: ZoneInfo = SHANGHAI) -> str:
    """µs → '2026-11-20 09:00' local (seconds shown only when not zero)."""
    moment = datetime.fromtimestamp(us / 1_000_000, zone)
    return moment.strftime(
        "%Y-%m-%d %H:%M" if moment.second == 0 and moment.microsecond == 0 else "%Y-%m-%d %H:%M:%S.%f"
    )


@dataclass
class Brand:
    """Build rows with add_*, then `write(engine, tmp_path)` imports them in dependency order."""

    staff: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    zone: ZoneInfo = SHANGHAI
    events_made: int = 0  # default event ids keep counting across writes (ids are idempotency keys)

    def add_staff(self, staff_id: str, *roles: str, name: str | None = None) -> None:
        self.staff.append({"id": staff_id, "name": name or staff_id, "roles": list(roles)})

    def add_customer(
        self,
        customer_id: str,
        owner: str | None = None,
        *,
        name: str | None = None,
        tags: tuple[str, ...] = (),
        birthday: date | None = None,
        **attributes: Any,
    ) -> None:
        row: dict[str, Any] = {"id": customer_id, "name": name or customer_id, "tags": list(tags), **attributes}
        if owner is not None:
            row["owner"] = owner
        if birthday is not None:
            row["birthday"] = birthday.isoformat()
        self.customers.append(row)

    def add_group(
        self,
        group_id: str,
        owner: str | None = None,
        *,
        tags: tuple[str, ...] = (),
        roles: tuple[tuple[str, str], ...] = (),
        members: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        row: dict[str, Any] = {
            "id": group_id,
            "name": name or group_id,
            "tags": list(tags),
            "roles": [{"staff": s, "role": r} for s, r in roles],
        }
        if owner is not None:
            row["owner"] = owner
        self.groups.append(row)
        self.members += [{"group": group_id, "customer": c} for c in members]

    def add_event(
        self,
        event_type: str,
        when: str,
        *,
        customer: str | None = None,
        group: str | None = None,
        event_id: str | None = None,
        **properties: Any,
    ) -> None:
        moment = datetime.fromisoformat(when).replace(tzinfo=self.zone).isoformat()
        self.events_made += 1
        row: dict[str, Any] = {
            "id": event_id or f"ev{self.events_made}",
            "type": event_type,
            "at": moment,
            "properties": properties,
        }
        if customer is not None:
            row["customer"] = customer
        if group is not None:
            row["group"] = group
        self.events.append(row)

    def write(self, engine: Engine, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for kind in ("staff", "customers", "groups", "members", "events"):
            rows = getattr(self, kind)
            if not rows:
                continue
            path = folder / f"{kind}.jsonl"
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
            import_file(engine, kind, path)
        self.staff, self.customers, self.groups, self.members, self.events = [], [], [], [], []


def apply_sops(engine: Engine, *paths: Path, now: int) -> None:
    """Apply SOP files (scenario files or tmp files) at `now`."""
    with engine.begin() as conn:
        sop_service.apply(conn, list(paths), now_us=now)


def run(engine: Engine, *moments: str, zone: ZoneInfo = SHANGHAI) -> list[TickReport]:
    """One tick at each local moment ('2026-11-20 09:00'), in order."""
    return [tick(engine, at(moment, zone)) for moment in moments]


def task_rows(engine: Engine, *, sop: str | None = None, **filters: Any) -> list[dict[str, Any]]:
    """Every task (as `siyu tasks list` shows it), by due time."""
    with engine.begin() as conn:
        return task_service.list_tasks(conn, task_service.TaskFilter(sop=sop, limit=10_000, **filters))


def summary(engine: Engine, *, sop: str | None = None, zone: ZoneInfo = SHANGHAI) -> list[tuple[str, ...]]:
    """(step, target, executor, local due 'YYYY-MM-DD HH:MM', status, variant) per task — the
    shape scenario tests compare against."""
    rows = task_rows(engine, sop=sop)
    return sorted(
        (
            str(r["step"]),
            str(r["target"]),
            str(r["executor"]),
            iso(_us(r["due_at"]), zone),
            str(r["status"]),
            str(r["variant"] or ""),
        )
        for r in rows
    )


def _us(text: str) -> int:
    return to_us(datetime.fromisoformat(text))


def sql(engine: Engine, statement: str) -> list[tuple[Any, ...]]:
    with engine.begin() as conn:
        return [tuple(row) for row in conn.execute(sa.text(statement))]


def send_automatically(engine: Engine) -> None:
    """Switch on a webhook channel (it can carry every channel), so that auto steps stay auto
    when they fall due; with no channel able to send them they become reminders."""
    from siyu.channels import stored as channels

    with engine.begin() as conn:
        channels.save(
            conn,
            "webhook",
            enabled=True,
            settings={"url": "http://127.0.0.1:9/hook"},
            secrets={"secret": "scenario-webhook-secret"},
            now_us=at("2026-01-01 00:00"),
        )
