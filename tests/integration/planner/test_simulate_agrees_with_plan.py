"""`simulate` tells the truth and keeps nothing: over three days of hourly ticks it lists exactly
the tasks that running `tick` at the same instants makes or changes, and it leaves every
planner table as it found it. `siyu simulate --format json` prints that list too (checked over
the first day, to keep the test short)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from siyu.brand import settings as brand_settings
from siyu.core.reasons import render_reason
from siyu.core.timeutil import from_us
from siyu.planner.simulation import simulate
from siyu.planner.tick import tick
from siyu.store.tables import (
    chat_groups,
    customers,
    sop_entries,
    sop_state,
    sop_waiting_events,
    sops,
    staff,
    task_changes,
    tasks,
)
from tests.support.brand import SCENARIOS, SHANGHAI, Brand, apply_sops, at
from tests.support.cli import Siyu

pytestmark = pytest.mark.slow

START, END = "2026-11-16 08:00", "2026-11-19 08:00"  # Monday morning to Thursday morning
HOUR_US = 3600 * 1_000_000
SOP_FILES = (
    "01-unbound-revisit.yaml",  # audience entry, one-off and daily recurring steps, exit on an event
    "12-new-friend-onboarding.yaml",  # event entry, delays, quiet hours, `when`
    "13-group-weekly.yaml",  # group SOP: `on: member_joined` and weekly steps
    "15-moments-warmup.yaml",  # moments SOP: daily steps per staff member
)
AFTER_SALES = ("08-after-sales.yaml", "after-sales-revisit")  # A/B variants (one SOP of three in its file)
# Every table a tick writes; simulate must leave each one exactly as it was.
PLANNER_TABLES = (sops, sop_state, sop_waiting_events, sop_entries, tasks, task_changes)


def build_brand(engine: Engine, folder: Path) -> None:
    """Customers whose SOPs start, fire, collide under a cap of one message a day, and stop
    during the period; events dated inside the period arrive as the ticks reach them (the SOPs
    are switched on the day before it starts)."""
    brand = Brand()
    brand.add_staff("s1", "导购", name="小林")
    brand.add_staff("s2", "导购", name="小周")
    brand.add_staff("s3", "运营")
    brand.add_customer("c01", "s1", name="老客户")  # friend for months, never bound: daily nudges
    brand.add_customer("c02", "s1", name="一周好友")  # a friend for 7 days on Monday; binds on Tuesday
    brand.add_customer("c03", "s2", name="新朋友")  # added on Monday afternoon, joins the group on Tuesday
    brand.add_customer("c04", "s2", name="夜猫子")  # added at night: greeted after quiet hours
    brand.add_customer("c05", "s1", name="老朋友甲")
    brand.add_customer("c06", "s2", name="老朋友乙")
    brand.add_customer("c07", "s1", name="买家甲")
    brand.add_customer("c08", "s2", name="买家乙")
    brand.add_customer("c09", "s1", name="退款客户")
    brand.add_customer("c10", "s2", name="同事", tags=("员工",))  # not in the onboarding audience
    brand.add_customer("c11")  # no owner: its tasks are skipped for want of an executor
    brand.add_group("g1", "s1", tags=("会员群",), members=("c01", "c05"))
    brand.add_group("g2", "s2", tags=("会员群",), members=("c06",))
    brand.add_event("friend_added", "2026-09-01 10:00", customer="c01")
    brand.add_event("friend_added", "2026-11-09 08:30", customer="c02")
    brand.add_event("friend_added", "2026-10-20 12:00", customer="c05")
    brand.add_event("friend_added", "2026-10-21 12:00", customer="c06")
    brand.add_event("friend_added", "2026-11-01 12:00", customer="c11")
    brand.add_event("friend_added", "2026-11-16 14:20", customer="c03")
    brand.add_event("friend_added", "2026-11-17 23:30", customer="c04")
    brand.add_event("friend_added", "2026-11-16 16:00", customer="c10")
    brand.add_event("account_bound", "2026-11-17 15:00", customer="c02")
    brand.add_event("member_joined", "2026-11-17 10:00", group="g1", customer="c03")
    brand.add_event("member_joined", "2026-11-18 11:00", group="g2", name="路人")
    brand.add_event("order_paid", "2026-11-08 21:00", customer="c07", amount=300, sku="WELFARE-PACK", shop="旗舰店")
    brand.add_event("order_paid", "2026-11-10 09:30", customer="c08", amount=2600, shop="天猫店")
    brand.add_event("order_paid", "2026-11-09 09:00", customer="c09", amount=120, shop="旗舰店")
    brand.add_event("order_refunded", "2026-11-10 09:00", customer="c09")
    brand.write(engine, folder)
    with engine.begin() as conn:
        brand_settings.set_value(conn, "caps", {"per_day": 1, "per_week": 3}, now_us=at("2026-11-01 00:00"))
    file_name, sop_id = AFTER_SALES
    (only,) = [
        sop for sop in yaml.safe_load((SCENARIOS / file_name).read_text(encoding="utf-8")) if sop["id"] == sop_id
    ]
    after_sales = folder / file_name
    after_sales.write_text(yaml.safe_dump(only, allow_unicode=True, sort_keys=False), encoding="utf-8")
    apply_sops(engine, *(SCENARIOS / name for name in SOP_FILES), after_sales, now=at("2026-11-15 12:00"))


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the planner's tables, ids and all."""
    with engine.begin() as conn:
        return {
            table.name: sorted(
                (tuple(row) for row in conn.execute(sa.select(table))), key=lambda row: json.dumps(row, default=str)
            )
            for table in PLANNER_TABLES
        }


def watermarks(engine: Engine) -> tuple[int, int]:
    """(last task id, last task change id)."""
    with engine.begin() as conn:
        task_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(tasks.c.id), 0))).scalar_one()
        change_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(task_changes.c.id), 0))).scalar_one()
    return int(task_id), int(change_id)


def made_or_changed(engine: Engine, since: tuple[int, int], start: int, end: int) -> list[dict[str, Any]]:
    """Tasks due in [start, end] inserted after `since`'s task id or changed after its change id,
    in the fields simulate reports (external ids for targets and executors, local ISO times)."""
    last_task, last_change = since
    executor = staff.alias("executor")
    target = sa.func.coalesce(
        sa.select(customers.c.external_id)
        .where(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id)
        .scalar_subquery(),
        sa.select(chat_groups.c.external_id)
        .where(tasks.c.target_type == "group", chat_groups.c.id == tasks.c.target_id)
        .scalar_subquery(),
        sa.select(staff.c.external_id)
        .where(tasks.c.target_type == "staff", staff.c.id == tasks.c.target_id)
        .scalar_subquery(),
    )
    changed = sa.select(task_changes.c.task_id).where(task_changes.c.id > last_change)
    query = (
        sa.select(tasks, target.label("target"), executor.c.external_id.label("executor"))
        .select_from(tasks.outerjoin(executor, executor.c.id == tasks.c.executor_id))
        .where(sa.or_(tasks.c.id > last_task, tasks.c.id.in_(changed)), tasks.c.due_at.between(start, end))
    )
    with engine.begin() as conn:
        return [
            {
                "sop": row.sop_id,
                "sop_version": row.sop_version,
                "step": row.step_id,
                "target_type": row.target_type,
                "target": row.target,
                "entry": row.entry_no,
                "scheduled_at": from_us(row.scheduled_at, SHANGHAI).isoformat(),
                "due_at": from_us(row.due_at, SHANGHAI).isoformat(),
                "status": row.status,
                "executor": row.executor,
                "variant": row.variant,
                "channel": row.channel,
                "mode": row.mode,
                "content": row.content,
                "reason": render_reason(row.reason_code, row.reason_params, row.reason, "zh-CN"),
            }
            for row in conn.execute(query)
        ]


def comparable(rows: list[dict[str, Any]]) -> list[str]:
    """Task dicts without their database ids, as sorted canonical JSON."""
    return sorted(
        json.dumps({k: v for k, v in row.items() if k != "id"}, ensure_ascii=False, sort_keys=True) for row in rows
    )


def test_simulate_lists_what_hourly_ticks_make_and_writes_nothing(engine: Engine, siyu: Siyu, tmp_path: Path) -> None:
    build_brand(engine, tmp_path)
    start, end = at(START), at(END)
    first_day = start + 24 * HOUR_US
    before = table_rows(engine)

    simulated = simulate(engine, start, end, step_us=HOUR_US)
    assert table_rows(engine) == before, "simulate() wrote to the planner's tables"
    # The command line runs the same function: one day of it is enough to see it prints the list.
    printed = siyu(
        "simulate", "--from", local_iso(start), "--to", local_iso(first_day), "--every", "1h", "--format", "json"
    )
    assert printed.exit_code == 0, printed.output
    assert table_rows(engine) == before, "siyu simulate wrote to the planner's tables"

    since = watermarks(engine)
    for instant in range(start, end + 1, HOUR_US):
        tick(engine, instant)
        if instant == first_day:
            assert comparable(json.loads(printed.stdout)) == comparable(
                made_or_changed(engine, since, start, first_day)
            )
    planned = made_or_changed(engine, since, start, end)
    assert comparable(simulated) == comparable(planned)

    # The period is a busy one: it exercises what the comparison is meant to cover.
    steps = {(row["sop"], row["step"]) for row in planned}
    assert {("unbound-revisit", "day7-invite"), ("unbound-revisit", "daily-nudge")} <= steps
    assert {("new-friend-onboarding", "hello"), ("member-group-weekly", "welcome")} <= steps  # event entries, `on:`
    assert {("member-group-weekly", "mon-preview"), ("moments-warmup", "morning-post")} <= steps
    assert {"a", "b"} <= {row["variant"] for row in planned}
    assert any(is_capped(row) for row in planned)
    assert {"due", "expired", "skipped"} <= {row["status"] for row in planned}
    assert any(row["due_at"] != row["scheduled_at"] and not is_capped(row) for row in planned)  # quiet hours


def local_iso(us: int) -> str:
    return from_us(us, SHANGHAI).isoformat()


def is_capped(row: dict[str, Any]) -> bool:
    """Moved by a frequency cap: the same local time on a later day (the period has no day off)."""
    due, scheduled = row["due_at"], row["scheduled_at"]
    return bool(due[:10] > scheduled[:10] and due[11:] == scheduled[11:])
