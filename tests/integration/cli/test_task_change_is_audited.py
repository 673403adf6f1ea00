"""`siyu tasks done|skip` is audited as the console and the API are (`task.done`, `task.skipped`
with the reason) under cli@<login>; the task's history keeps the name given with --by."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store.tables import tasks
from tests.integration.cli.support import audit_rows
from tests.integration.planner.rules.support import MONDAY, apply_text, run
from tests.support.brand import Brand
from tests.support.cli import Siyu

CARE = """
    id: cli-audit
    name: cli audit
    kind: customer
    audience: {tag: 会员}
    steps:
      - {id: hello, at: {delay: 10m}, channel: private, executor: owner, content: [{text: "你好"}]}
"""
NOW = f"{MONDAY}T09:30:00+08:00"


def _planned(engine: Engine, tmp_path: Path) -> list[int]:
    brand = Brand()
    brand.add_staff("s1")
    brand.add_customer("c1", "s1", tags=("会员",))
    brand.add_customer("c2", "s1", tags=("会员",))
    brand.write(engine, tmp_path)
    apply_text(engine, tmp_path, CARE, f"{MONDAY} 08:00")
    run(engine, f"{MONDAY} 09:00", f"{MONDAY} 09:15")
    with engine.connect() as conn:
        return list(conn.execute(sa.select(tasks.c.id).order_by(tasks.c.id)).scalars())


def test_cli_task_changes_are_audited_under_the_login(engine: Engine, tmp_path: Path, siyu: Siyu, login: str) -> None:
    first, second = _planned(engine, tmp_path)

    assert siyu("tasks", "done", str(first), "--by", "s1", "--now", NOW).exit_code == 0
    assert siyu("tasks", "skip", str(second), "--reason", "客户出差", "--now", NOW).exit_code == 0

    assert audit_rows(engine) == [
        (None, f"cli@{login}", "task.done", "task", str(first), None),
        (None, f"cli@{login}", "task.skipped", "task", str(second), {"reason": "客户出差"}),
    ]
