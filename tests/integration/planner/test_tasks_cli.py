"""`siyu tasks list|show|done|skip`: the JSON fields, the filters, status changes with their
history and actor, refusals with exit code 1, and `--now` on the commands that read the clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import tasks
from tests.integration.planner.rules.support import MONDAY, apply_text, run, switch
from tests.support.brand import Brand
from tests.support.cli import Siyu

CARE = """
    id: cli-care
    name: cli care
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: hello, at: {delay: 10m}, channel: private, executor: owner, content: [{text: "你好 {{customer.name}}"}]}
      - {id: later, at: {day: 1, time: "10:00"}, channel: private, executor: owner, content: [{text: "回访"}]}
"""
OTHER = """
    id: cli-other
    name: cli other
    kind: customer
    audience: {tag: VIP}
    steps:
      - {id: note, at: {day: 0, time: "12:00"}, channel: internal, executor: "staff:s2", content: [{text: "备注"}]}
"""
FIELDS = {"id", "sop", "sop_version", "step", "target_type", "target", "executor", "due_at", "status", "variant"}
FIELDS |= {"channel", "mode", "content"}
EXTRA = {"reason", "scheduled_at", "entry"}
NOW = f"{MONDAY}T09:20:00+08:00"


@pytest.fixture
def planned(engine: Engine, tmp_path: Path) -> Engine:
    """c1 (owner s1) and c2 (owner s2) in cli-care, c1 in cli-other; ticked at 09:00 and 09:15."""
    brand = Brand()
    brand.add_staff("s1")
    brand.add_staff("s2")
    brand.add_customer("c1", "s1", name="小林", tags=("会员", "VIP"))
    brand.add_customer("c2", "s2", name="小周", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, CARE, f"{MONDAY} 08:00")
    apply_text(engine, tmp_path, OTHER, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 09:15")
    return engine


def listed(siyu: Siyu, *options: str) -> list[dict[str, Any]]:
    result = siyu("tasks", "list", "--format", "json", "--now", NOW, *options)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def keys(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(row["sop"], row["step"], row["target"]) for row in rows]


def task_id(siyu: Siyu, sop: str, step: str, target: str) -> int:
    return next(int(r["id"]) for r in listed(siyu) if (r["sop"], r["step"], r["target"]) == (sop, step, target))


def shown(siyu: Siyu, number: int) -> dict[str, Any]:
    result = siyu("tasks", "show", str(number))
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


@pytest.mark.usefixtures("planned")
def test_list_json_has_exactly_the_contract_fields(siyu: Siyu) -> None:
    rows = listed(siyu)
    assert all(set(row) == FIELDS | EXTRA for row in rows)
    hello = next(row for row in rows if (row["step"], row["target"]) == ("hello", "c1"))
    assert {key: value for key, value in hello.items() if key != "id"} == {
        "sop": "cli-care",
        "sop_version": 1,
        "step": "hello",
        "target_type": "customer",
        "target": "c1",
        "executor": "s1",
        "due_at": f"{MONDAY}T09:10:00+08:00",
        "status": "due",
        "variant": None,
        "channel": "private",
        "mode": "remind",
        "content": {"items": [{"text": "你好 小林"}]},
        "reason": None,
        "scheduled_at": f"{MONDAY}T09:10:00+08:00",
        "entry": 1,
    }


@pytest.mark.usefixtures("planned")
def test_list_filters(siyu: Siyu) -> None:
    assert keys(listed(siyu)) == [
        ("cli-care", "hello", "c1"),
        ("cli-care", "hello", "c2"),
        ("cli-other", "note", "c1"),
        ("cli-care", "later", "c1"),
        ("cli-care", "later", "c2"),
    ]
    assert keys(listed(siyu, "--staff", "s2")) == [
        ("cli-care", "hello", "c2"),
        ("cli-other", "note", "c1"),
        ("cli-care", "later", "c2"),
    ]
    assert keys(listed(siyu, "--status", "due")) == [("cli-care", "hello", "c1"), ("cli-care", "hello", "c2")]
    assert keys(listed(siyu, "--sop", "cli-other")) == [("cli-other", "note", "c1")]
    # strictly before: the 12:00 task is left out
    assert keys(listed(siyu, "--due-before", f"{MONDAY}T12:00:00+08:00")) == [
        ("cli-care", "hello", "c1"),
        ("cli-care", "hello", "c2"),
    ]
    assert keys(listed(siyu, "--staff", "s1", "--status", "pending", "--sop", "cli-care")) == [
        ("cli-care", "later", "c1")
    ]
    assert keys(listed(siyu, "--today")) == [
        ("cli-care", "hello", "c1"),
        ("cli-care", "hello", "c2"),
        ("cli-other", "note", "c1"),
    ]


@pytest.mark.usefixtures("planned")
def test_done_and_skip_change_the_status_and_write_history_with_the_actor(siyu: Siyu) -> None:
    hello = task_id(siyu, "cli-care", "hello", "c1")
    later = task_id(siyu, "cli-care", "later", "c2")

    done = siyu("tasks", "done", str(hello), "--by", "s1", "--now", f"{MONDAY}T09:30:00+08:00")
    assert done.exit_code == 0, done.output
    skip = siyu("tasks", "skip", str(later), "--reason", "客户出差", "--by", "s2", "--now", f"{MONDAY}T09:40:00+08:00")
    assert skip.exit_code == 0, skip.output

    first = shown(siyu, hello)
    assert first["status"] == "done"
    assert first["history"] == [
        {"at": f"{MONDAY}T09:15:00+08:00", "status": "due", "actor": "planner", "reason": None},
        {"at": f"{MONDAY}T09:30:00+08:00", "status": "done", "actor": "s1", "reason": None},
    ]
    second = shown(siyu, later)
    assert (second["status"], second["reason"]) == ("skipped", "客户出差")
    assert second["history"] == [
        {"at": f"{MONDAY}T09:40:00+08:00", "status": "skipped", "actor": "s2", "reason": "客户出差"},
    ]
    assert shown(siyu, task_id(siyu, "cli-care", "later", "c1"))["history"] == []


def test_refused_changes_exit_1_with_the_reason(planned: Engine, siyu: Siyu) -> None:
    later = task_id(siyu, "cli-care", "later", "c1")
    empty = siyu("tasks", "skip", str(later), "--reason", " ", "--now", NOW)
    assert empty.exit_code == 1
    assert "reason" in empty.stderr

    switch(planned, "cli-other", False, f"{MONDAY} 09:25")
    run(planned, f"{MONDAY} 09:25")
    note = task_id(siyu, "cli-other", "note", "c1")
    refused = siyu("tasks", "done", str(note), "--now", NOW)
    assert refused.exit_code == 1
    assert "cancelled" in refused.stderr

    for command in (("done", "987654"), ("skip", "987654", "--reason", "x"), ("show", "987654")):
        unknown = siyu("tasks", *command)
        assert unknown.exit_code == 1, command
        assert unknown.stderr == "error: no task 987654\n"
    assert shown(siyu, later)["status"] == "pending"


@pytest.mark.usefixtures("planned")
def test_skip_without_a_reason_exits_1(siyu: Siyu) -> None:
    later = task_id(siyu, "cli-care", "later", "c1")
    result = siyu("tasks", "skip", str(later), "--now", NOW)
    assert result.exit_code == 1
    assert "--reason" in result.stderr
    assert shown(siyu, later)["status"] == "pending"


@pytest.mark.usefixtures("planned")
def test_list_done_and_skip_take_now_from_the_option(siyu: Siyu) -> None:
    # `--now` decides "today": from Tuesday only Tuesday's tasks are listed (done and skip
    # record their --now in the history: test_done_and_skip_change_the_status_…)
    assert keys(listed(siyu, "--today", "--now", "2026-03-03T08:00:00+08:00")) == [
        ("cli-care", "later", "c1"),
        ("cli-care", "later", "c2"),
    ]


@pytest.mark.usefixtures("planned")
def test_show_accepts_now_like_every_other_tasks_command(siyu: Siyu) -> None:
    hello = task_id(siyu, "cli-care", "hello", "c2")  # due 09:10
    for now, overdue in ((f"{MONDAY}T09:05:00+08:00", False), (NOW, True)):
        result = siyu("tasks", "show", str(hello), "--now", now)
        assert result.exit_code == 0, result.output
        task = json.loads(result.stdout)
        assert (task["id"], task["overdue"]) == (hello, overdue)


@pytest.mark.usefixtures("planned")
def test_reasons_read_in_the_language_of_siyu_locale(
    siyu: Siyu, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    hello = task_id(siyu, "cli-care", "hello", "c1")
    with engine.begin() as conn:
        conn.execute(
            sa.update(tasks)
            .where(tasks.c.id == hello)
            .values(reason_code="when_false", reason_params={"condition": '{"in_group": false}'})
        )
    assert shown(siyu, hello)["reason"] == '执行条件不满足：{"in_group": false}'
    monkeypatch.setenv("SIYU_LOCALE", "en")
    assert shown(siyu, hello)["reason"] == 'when is false: {"in_group": false}'
    assert next(r for r in listed(siyu) if r["id"] == hello)["reason"] == 'when is false: {"in_group": false}'
