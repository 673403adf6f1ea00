"""Migration 0009 reads the bilingual reasons earlier versions stored back into codes and
parameters, on both databases; a person's words stay as they were."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.core.reasons import render_reason
from siyu.store.migrate import upgrade
from tests.support.databases import POSTGRES_URL

OLD_TASK_REASONS = {
    "每日上限 2 已满，顺延 1 天 (daily cap 2 reached; deferred 1 day)": (
        "daily_cap_deferred",
        {"limit": 2, "days": 1},
    ),
    "每周上限 5 已满，60 天内无空位 (weekly cap 5 reached; no room within 60 days)": (
        "weekly_cap_no_room",
        {"limit": 5, "days": 60},
    ),
    "每日上限 0 已满，不安排 (daily cap 0 reached; not planned)": ("daily_cap_not_planned", {"limit": 0}),
    '执行条件不满足 (when is false): {"in_group": false}': ("when_false", {"condition": '{"in_group": false}'}),
    "没有执行人 (nobody can carry it out)": ("no_executor", None),
    "SOP 已停用 (the SOP was disabled)": ("sop_disabled", None),
    "SOP 已更新到版本 3，该步骤已改变 (replaced by version 3)": ("version_replaced", {"version": 3}),
    "话术变量缺失 (missing value): no value for {{customer.name}} (character 4)": (
        "missing_value",
        {"name": "customer.name", "position": 4},
    ),
    "工作日日历缺失 (workday calendar): no Chinese workday calendar for 2027-01-04: chinesecalendar 1.11.0 "
    "knows 2004–2026 only. Give 2027's public holidays …": (
        "workday_calendar_missing",
        {"date": "2027-01-04", "year": 2027, "library": "1.11.0", "first_year": 2004, "last_year": 2026},
    ),
    "客户本月的企业群发次数已用完（4 次），改为提醒员工一对一发送 "
    "(the customer has had this month's 4 WeCom mass sends: the staff member is reminded instead)": (
        "mass_send_allowance",
        {"limit": 4},
    ),
    "员工 72 小时内未确认发送 (not confirmed by the staff member within 72 h)": ("not_confirmed", {"hours": "72"}),
    "客户出差": (None, None),  # a person's skip reason stays text
    "HTTP 400: unknown customer": (None, None),  # so does a channel's answer
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """An empty database of either kind, migrated by hand."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path}/old.db")
        yield engine
        engine.dispose()
        return
    schema = f"siyu_migrate_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    engine = sa.create_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _json(value: Any) -> Any:
    """A JSON column read with plain SQL: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _old_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO sops (id, name, kind, enabled, priority, latest_version, created_at, updated_at)"
                " VALUES ('s', 's', 'customer', true, 0, 1, 0, 0)"
            )
        )
        for number, text in enumerate(OLD_TASK_REASONS, start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO tasks (id, sop_id, sop_version, step_id, target_type, target_id, entry_no,"
                    " scheduled_at, wanted_at, due_at, cap_pending, status, channel, mode, priority, reason,"
                    " created_at, updated_at) VALUES (:id, 's', 1, 'x', 'customer', :id, 1, 0, 0, 0, false,"
                    " 'skipped', 'private', 'remind', 0, :reason, 0, 0)"
                ),
                {"id": number, "reason": text},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO task_changes (task_id, at, status, actor, reason)"
                    " VALUES (:id, 0, 'skipped', 'planner', :reason)"
                ),
                {"id": number, "reason": text},
            )
        exits = [
            "离开人群 (left the audience)",
            "重新进入 (entered again)",
            '满足退出条件 (exit condition met): {"event": "order_paid"}',
            None,
        ]
        for number, text in enumerate(exits, start=1):
            conn.execute(
                sa.text(
                    "INSERT INTO sop_entries (sop_id, target_type, target_id, entry_no, entered_at, version,"
                    " holdout, exited_at, exit_reason) VALUES ('s', 'customer', :n, 1, 0, 1, false, :at, :reason)"
                ),
                {"n": number, "at": None if text is None else 5, "reason": text},
            )


def test_old_reasons_become_codes_and_people_s_words_stay(empty: Engine) -> None:
    upgrade(empty, "0008")
    _old_rows(empty)
    upgrade(empty, "head")
    with empty.connect() as conn:
        for table in ("tasks", "task_changes"):
            key = "id" if table == "tasks" else "task_id"
            found = {
                int(r[0]): (r[1], r[2], _json(r[3]))
                for r in conn.execute(sa.text(f"SELECT {key}, reason, reason_code, reason_params FROM {table}"))
            }
            for number, (text, (code, params)) in enumerate(OLD_TASK_REASONS.items(), start=1):
                kept_text = text if code is None else None
                assert found[number] == (kept_text, code, params), (table, text)
        exits = list(conn.execute(sa.text("SELECT exit_reason, exit_params FROM sop_entries ORDER BY target_id")))
    assert [(r[0], _json(r[1])) for r in exits] == [
        ("left_audience", None),
        ("reentered", None),
        ("exit_condition", {"condition": '{"event": "order_paid"}'}),
        (None, None),
    ]
    # and they read as before, without the other language
    assert render_reason("daily_cap_deferred", {"limit": 2, "days": 1}, None, "zh-CN") == "每日上限 2 已满，顺延 1 天"
