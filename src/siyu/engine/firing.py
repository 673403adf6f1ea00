"""Pending tasks whose time has come: exit, lateness, `when`, executor, then the rendered script.

Order of the checks, each with its reason kept on the task:
1. the target's entry has closed (exit condition met now, left, re-entered) → cancelled;
2. more than late_after past its due time (the worker was down) → expired, never sent late;
3. `when` is false for the target now → skipped;
4. nobody can carry it out (no owner, no holder of the role) → skipped;
5. a template variable has no value → failed; otherwise due, with the content rendered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.conditions import TargetKind
from siyu.core.render import MissingValueError
from siyu.core.tasks import PLANNER, TaskStatus
from siyu.engine.book import SopBook
from siyu.engine.content import needs_of, render_content
from siyu.engine.context import PlanContext
from siyu.engine.entries import describe, exit_matching
from siyu.engine.transitions import cancel_for_closed_entries, change, mark_due, mark_due_alike
from siyu.engine.variables import load_variables
from siyu.store.compile import SqlContext, condition_sql
from siyu.store.tables import sop_entries, tasks

E = sop_entries
DISABLED = "SOP 已停用 (the SOP is disabled)"


def fire_due(conn: Connection, book: SopBook, ctx: PlanContext, *, batch: int) -> bool:
    """Move up to `batch` pending tasks due by now; returns whether more remain."""
    query = (
        sa.select(tasks)
        .where(tasks.c.status == TaskStatus.pending.value, tasks.c.due_at <= ctx.now_us, sa.not_(tasks.c.cap_pending))
        .order_by(tasks.c.due_at, tasks.c.id)
        .limit(batch)
    )
    rows = list(conn.execute(query))
    by_sop: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_sop[row.sop_id].append(row)
    for sop_id, sop_rows in by_sop.items():
        _fire_for_sop(conn, book, sop_id, sop_rows, ctx)
    return len(rows) == batch


def _fire_for_sop(conn: Connection, book: SopBook, sop_id: str, rows: list[Any], ctx: PlanContext) -> None:
    now = ctx.now_us
    if sop_id not in book.enabled:
        change(conn, [r.id for r in rows], TaskStatus.cancelled, actor=PLANNER, now_us=now, reason=DISABLED)
        return
    latest = book.enabled[sop_id].sop
    if latest.exit is not None:
        entry_ids = _open_entry_ids(conn, sop_id, rows)
        if entry_ids and exit_matching(conn, book.enabled[sop_id], latest.audience_target, ctx, only=entry_ids):
            cancel_for_closed_entries(conn, sop_id, actor=PLANNER, now_us=now)
    closed = _closed_entry_tasks(conn, rows)
    if closed:
        cancel_for_closed_entries(conn, sop_id, actor=PLANNER, now_us=now)
    live = [r for r in rows if r.id not in closed]
    late_before = now - ctx.settings.late_after_us
    late = [r.id for r in live if r.due_at < late_before]
    change(
        conn, late, TaskStatus.expired, actor=PLANNER, now_us=now, reason="超过 late_after 未执行，不再补发 (expired)"
    )
    live = [r for r in live if r.due_at >= late_before]
    by_version: dict[int, list[Any]] = defaultdict(list)
    for row in live:
        by_version[row.sop_version].append(row)
    for number, version_rows in by_version.items():
        stored = book.version(conn, sop_id, number)
        if stored is None:
            change(
                conn,
                [r.id for r in version_rows],
                TaskStatus.failed,
                actor=PLANNER,
                now_us=now,
                reason=f"SOP version {number} is missing",
            )
            continue
        _fire_version(conn, stored, version_rows, ctx)


def _open_entry_ids(conn: Connection, sop_id: str, rows: Sequence[Any]) -> list[int]:
    ids: list[int] = []
    for kind in {r.target_type for r in rows}:
        targets = sorted({r.target_id for r in rows if r.target_type == kind and r.entry_no > 0})
        if targets:
            query = sa.select(E.c.id).where(
                E.c.sop_id == sop_id, E.c.target_type == kind, E.c.target_id.in_(targets), E.c.exited_at.is_(None)
            )
            ids += [int(i) for i in conn.execute(query).scalars()]
    return ids


def _closed_entry_tasks(conn: Connection, rows: Sequence[Any]) -> set[int]:
    ids = [r.id for r in rows if r.entry_no > 0]
    if not ids:
        return set()
    query = (
        sa.select(tasks.c.id)
        .join(
            E,
            sa.and_(
                E.c.sop_id == tasks.c.sop_id,
                E.c.target_type == tasks.c.target_type,
                E.c.target_id == tasks.c.target_id,
                E.c.entry_no == tasks.c.entry_no,
            ),
        )
        .where(tasks.c.id.in_(ids), E.c.exited_at.is_not(None))
    )
    return {int(i) for i in conn.execute(query).scalars()}


def _fire_version(conn: Connection, stored: Any, rows: list[Any], ctx: PlanContext) -> None:
    now = ctx.now_us
    sop = stored.sop
    steps = {step.id: step for step in sop.steps}
    missing = [r.id for r in rows if r.step_id not in steps]
    change(conn, missing, TaskStatus.failed, actor=PLANNER, now_us=now, reason="step missing from its SOP version")
    rows = [r for r in rows if r.step_id in steps]
    blocked: set[int] = set()
    for step_id in {r.step_id for r in rows}:
        step = steps[step_id]
        if step.when is None:
            continue
        step_rows = [r for r in rows if r.step_id == step_id]
        failing = _when_false(conn, step.when, sop.target_of(step), step_rows, ctx)
        change(
            conn,
            sorted(failing),
            TaskStatus.skipped,
            actor=PLANNER,
            now_us=now,
            reason=f"执行条件不满足 (when is false): {_when_text(stored, step_id)}",
        )
        blocked |= failing
    rows = [r for r in rows if r.id not in blocked]
    nobody = [r.id for r in rows if r.executor_id is None]
    change(conn, nobody, TaskStatus.skipped, actor=PLANNER, now_us=now, reason="没有执行人 (nobody can carry it out)")
    rows = [r for r in rows if r.executor_id is not None]
    visible_to = stored.definition.get("visible_to")
    for step_id in sorted({r.step_id for r in rows}):
        step = steps[step_id]
        step_rows = [r for r in rows if r.step_id == step_id]
        needs = needs_of(step)
        if needs.none:
            # the same script for every task of a variant: one statement per variant
            for variant in sorted({r.variant or "" for r in step_rows}):
                ids = [r.id for r in step_rows if (r.variant or "") == variant]
                content = render_content(step, variant or None, {}, visible_to)
                mark_due_alike(conn, ids, content, actor=PLANNER, now_us=now)
            continue
        variables = load_variables(conn, step_rows, ctx, needs)
        rendered: list[tuple[int, dict[str, Any]]] = []
        for row in step_rows:
            try:
                rendered.append((row.id, render_content(step, row.variant, variables[row.id], visible_to)))
            except MissingValueError as exc:
                reason = f"话术变量缺失 (missing value): {exc}"
                change(conn, [row.id], TaskStatus.failed, actor=PLANNER, now_us=now, reason=reason)
        mark_due(conn, rendered, actor=PLANNER, now_us=now)


def _when_text(stored: Any, step_id: str) -> str:
    for raw in stored.definition.get("steps", []):
        if isinstance(raw, dict) and raw.get("id") == step_id:
            return describe(raw.get("when"))
    return step_id


def _when_false(conn: Connection, condition: Any, kind: TargetKind, rows: list[Any], ctx: PlanContext) -> set[int]:
    ids = [r.id for r in rows]
    joined = tasks.outerjoin(
        E,
        sa.and_(
            E.c.sop_id == tasks.c.sop_id,
            E.c.target_type == tasks.c.target_type,
            E.c.target_id == tasks.c.target_id,
            E.c.entry_no == tasks.c.entry_no,
        ),
    )
    sql = SqlContext(ctx.dialect, ctx.sql.ctx, entry_at=E.c.entered_at)
    test = condition_sql(condition, kind, sql, tasks.c.target_id)
    passing = set(conn.execute(sa.select(tasks.c.id).select_from(joined).where(tasks.c.id.in_(ids), test)).scalars())
    return {i for i in ids if i not in passing}
