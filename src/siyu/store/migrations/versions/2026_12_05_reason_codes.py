"""Reasons as codes with parameters (core.reasons), rendered in the reader's language.

Adds tasks.reason_code / reason_params, the same on task_changes, and sop_entries.exit_params;
sop_entries.exit_reason now holds a code. The bilingual texts earlier versions wrote
("每日上限 2 已满，顺延 1 天 (daily cap 2 reached; deferred 1 day)") are read back into their
codes and parameters, in batches; any other text (a person's skip reason, a channel's error)
stays text. The patterns are copied here, not imported, so this migration never changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 5000

Parsed = tuple[str, dict[str, Any] | None]
_CAP = {"每日上限": "daily", "每周上限": "weekly"}

_FIXED: dict[str, str] = {
    "离开人群 (left the audience)": "left_audience",
    "重新进入 (entered again)": "reentered",
    "left the SOP": "left_sop",
    "频次上限腾出空位，恢复原定时间 (room under the cap again; back to its time)": "cap_room_again",
    "SOP 已停用 (the SOP is disabled)": "sop_disabled",
    "SOP 已停用 (the SOP was disabled)": "sop_disabled",
    "超过 late_after 未执行，不再补发 (expired)": "late",
    "超过 late_after 未完成 (not done within late_after)": "not_done_in_time",
    "没有执行人 (nobody can carry it out)": "no_executor",
    "内部任务无法自动发送，改为提醒 (internal work cannot be sent automatically: a reminder instead)": (
        "internal_not_auto"
    ),
}


def _cap(match: re.Match[str], outcome: str) -> Parsed:
    params: dict[str, Any] = {"limit": int(match["limit"])}
    if match.groupdict().get("days"):
        params["days"] = int(match["days"])
    return f"{_CAP[match['cap']]}_cap_{outcome}", params


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Parsed]]] = [
    (
        re.compile(r"满足退出条件 \(exit condition met\): (?P<c>.*)", re.S),
        lambda m: ("exit_condition", {"condition": m["c"]}),
    ),
    (re.compile(r"执行条件不满足 \(when is false\): (?P<c>.*)", re.S), lambda m: ("when_false", {"condition": m["c"]})),
    (
        re.compile(r"(?P<cap>每日上限|每周上限) (?P<limit>\d+) 已满，顺延 (?P<days>\d+) 天 \(.*"),
        lambda m: _cap(m, "deferred"),
    ),
    (re.compile(r"(?P<cap>每日上限|每周上限) (?P<limit>\d+) 已满，不安排 \(.*"), lambda m: _cap(m, "not_planned")),
    (
        re.compile(r"(?P<cap>每日上限|每周上限) (?P<limit>\d+) 已满，(?P<days>\d+) 天内无空位 \(.*"),
        lambda m: _cap(m, "no_room"),
    ),
    (
        re.compile(
            r"工作日日历缺失 \(workday calendar\): "
            r"no Chinese workday calendar for (?P<date>(?P<year>\d{4})-\d\d-\d\d): "
            r"chinesecalendar (?P<library>\S+) knows (?P<first>\d{4})–(?P<last>\d{4}) only.*",
            re.S,
        ),
        lambda m: (
            "workday_calendar_missing",
            {
                "date": m["date"],
                "year": int(m["year"]),
                "library": m["library"],
                "first_year": int(m["first"]),
                "last_year": int(m["last"]),
            },
        ),
    ),
    (
        re.compile(
            r"工作日日历缺失 \(workday calendar\): no workday within (?P<days>\d+) days after (?P<date>[\d-]+):.*", re.S
        ),
        lambda m: ("no_workday_found", {"date": m["date"], "days": int(m["days"])}),
    ),
    (
        re.compile(r"SOP (?P<sop>\S+) version (?P<version>\d+) has no step (?P<step>\S+)"),
        lambda m: ("step_missing", {"sop": m["sop"], "version": int(m["version"]), "step": m["step"]}),
    ),
    (
        re.compile(r"SOP 已更新到版本 (?P<version>\d+)，该步骤已改变 \(.*"),
        lambda m: ("version_replaced", {"version": int(m["version"])}),
    ),
    (
        re.compile(r"话术变量缺失 \(missing value\): no value for \{\{(?P<name>.+)\}\} \(character (?P<at>\d+)\)"),
        lambda m: ("missing_value", {"name": m["name"], "position": int(m["at"])}),
    ),
    (re.compile(r"渠道 (?P<a>\S+) 未启用，改为提醒员工发送 \(.*"), lambda m: ("adapter_disabled", {"adapter": m["a"]})),
    (
        re.compile(r"没有可自动发送 (?P<c>\S+) 的渠道，改为提醒员工发送 \(.*"),
        lambda m: ("no_adapter", {"channel": m["c"]}),
    ),
    (
        re.compile(r"客户本月的企业群发次数已用完（(?P<limit>\d+) 次），改为提醒员工一对一发送 \(.*"),
        lambda m: ("mass_send_allowance", {"limit": int(m["limit"])}),
    ),
    (re.compile(r"员工 (?P<h>\S+) 小时内未确认发送 \(.*"), lambda m: ("not_confirmed", {"hours": m["h"]})),
]


def parse(text: str) -> Parsed | None:
    """The code and parameters an earlier version's bilingual text stands for; None: not one."""
    if text in _FIXED:
        return _FIXED[text], None
    for pattern, made in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return made(match)
    return None


def _convert(table: str, text_column: str, code_column: str, params_column: str) -> None:
    """Read the texts back into codes, BATCH rows at a time by id."""
    bind = op.get_bind()
    t = sa.table(
        table,
        sa.column("id", sa.BigInteger),
        sa.column(text_column, sa.Text),
        sa.column(code_column, sa.Text),
        sa.column(params_column, JSON),
    )
    same_column = text_column == code_column
    last = 0
    while True:
        rows = bind.execute(
            sa.select(t.c.id, t.c[text_column])
            .where(t.c.id > last, t.c[text_column].is_not(None))
            .order_by(t.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = int(rows[-1].id)
        updates = []
        for row in rows:
            found = parse(str(row[1]))
            if found is not None:
                code, params = found
                values = {"row_id": row.id, "code": code, "params": params}
                if not same_column:
                    values["text"] = None
                updates.append(values)
        if updates:
            assigned: dict[str, Any] = {code_column: sa.bindparam("code"), params_column: sa.bindparam("params")}
            if not same_column:
                assigned[text_column] = sa.bindparam("text")
            bind.execute(sa.update(t).where(t.c.id == sa.bindparam("row_id")).values(**assigned), updates)


def upgrade() -> None:
    for table in ("tasks", "task_changes"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reason_code", sa.String(length=40), nullable=True))
            batch.add_column(sa.Column("reason_params", JSON, nullable=True))
    with op.batch_alter_table("sop_entries") as batch:
        batch.add_column(sa.Column("exit_params", JSON, nullable=True))
    _convert("tasks", "reason", "reason_code", "reason_params")
    _convert("task_changes", "reason", "reason_code", "reason_params")
    _convert("sop_entries", "exit_reason", "exit_reason", "exit_params")


def downgrade() -> None:
    # the codes stay readable as they are; their parameters go
    for table in ("tasks", "task_changes"):
        op.execute(f"UPDATE {table} SET reason = reason_code WHERE reason IS NULL AND reason_code IS NOT NULL")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reason_params")
            batch.drop_column("reason_code")
    with op.batch_alter_table("sop_entries") as batch:
        batch.drop_column("exit_params")
