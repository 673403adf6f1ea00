"""Helpers shared by the planner rule tests: small SOP files, entries, task histories, settings."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine

from siyu.brand import settings as settings_service
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import to_us
from siyu.planner.tick import TickReport, tick
from siyu.sops import repo as sop_service
from siyu.tasks import queries as task_service
from siyu.tasks import status as task_status
from tests.support.brand import apply_sops, at, iso, sql, task_rows

# 2026-03-02 is a Monday with no public holiday near it: the default week of these tests.
MONDAY = "2026-03-02"


def run(engine: Engine, *moments: str) -> list[TickReport]:
    """One tick at each local moment, in order, each one complete."""
    return [tick(engine, at(moment)) for moment in moments]


def sop_file(folder: Path, text: str) -> Path:
    """Write one SOP's YAML (dedented) to `folder/sops/<id>.yaml`."""
    source = textwrap.dedent(text).strip() + "\n"
    sop_id = yaml.safe_load(source)["id"]
    path = folder / "sops" / f"{sop_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def apply_text(engine: Engine, folder: Path, text: str, now: str) -> Path:
    """Write an SOP file and apply it at the local moment `now`."""
    path = sop_file(folder, text)
    apply_sops(engine, path, now=at(now))
    return path


def local(text: str) -> str:
    """An ISO instant as `siyu tasks list` prints it → 'YYYY-MM-DD HH:MM' local to the brand."""
    return iso(to_us(datetime.fromisoformat(text)))


def tasks_of(engine: Engine, sop: str | None, *, status: str | None = None) -> list[dict[str, Any]]:
    """Tasks as `siyu tasks list` shows them (of one SOP, or all), by due time."""
    return task_rows(engine, sop=sop, status=None if status is None else TaskStatus(status))


def brief(engine: Engine, sop: str) -> list[tuple[str, str, int, str, str]]:
    """(step, target, entry number, local due, status) per task, sorted."""
    return sorted(
        (str(r["step"]), str(r["target"]), int(r["entry"]), local(r["due_at"]), str(r["status"]))
        for r in tasks_of(engine, sop)
    )


def entries(engine: Engine, sop: str) -> list[tuple[str, int, str, str | None, bool, str | None]]:
    """(target external id, entry number, local entry time, local exit time, holdout, exit reason)."""
    rows = sql(
        engine,
        "SELECT COALESCE(c.external_id, g.external_id, s.external_id), e.entry_no, e.entered_at, e.exited_at,"
        " e.holdout, e.exit_reason FROM sop_entries e"
        " LEFT JOIN customers c ON e.target_type = 'customer' AND c.id = e.target_id"
        " LEFT JOIN chat_groups g ON e.target_type = 'group' AND g.id = e.target_id"
        " LEFT JOIN staff s ON e.target_type = 'staff' AND s.id = e.target_id"
        f" WHERE e.sop_id = '{sop}' ORDER BY 1, 2",
    )
    return [
        (str(target), int(number), iso(int(entered)), None if exited is None else iso(int(exited)), bool(hold), reason)
        for target, number, entered, exited, hold, reason in rows
    ]


def history(engine: Engine, task_id: int) -> list[tuple[str, str, str | None]]:
    """(status, actor, reason) of each recorded change of a task, oldest first."""
    with engine.begin() as conn:
        return [(h["status"], h["actor"], h["reason"]) for h in task_service.history(conn, task_id)]


def set_setting(engine: Engine, key: str, value: Any, now: str = f"{MONDAY} 00:00") -> None:
    with engine.begin() as conn:
        settings_service.set_value(conn, key, value, now_us=at(now))


def switch(engine: Engine, sop_id: str, enabled: bool, now: str) -> None:
    """Switch an SOP on or off at the local moment `now`, as `siyu sop enable|disable` does."""
    with engine.begin() as conn:
        sop_service.set_enabled(conn, sop_id, enabled, now_us=at(now))


def mark(engine: Engine, task_id: int, status: str, now: str, *, by: str = "s1", reason: str | None = None) -> None:
    """A person marks a task done or skipped at the local moment `now`."""
    with engine.begin() as conn:
        task_status.set_status(conn, task_id, TaskStatus(status), actor=by, now_us=at(now), reason=reason)


def texts(task: dict[str, Any]) -> list[str]:
    """The rendered text items of a due task."""
    content = task["content"] or {}
    return [item["text"] for item in content.get("items", []) if "text" in item]
