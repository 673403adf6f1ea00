"""Pending tasks whose time has come: exit, lateness, `when`, executor, then the rendered script.

Order of the checks, each with its reason kept on the task:
1. the target's entry has closed (exit condition met now, left, re-entered) → cancelled;
2. more than late_after past its due time (the worker was down) → expired, never sent late;
3. `when` is false for the target now → skipped;
4. nobody can carry it out (no owner, no holder of the role) → skipped;
5. a template variable has no value → failed; otherwise due, with the content rendered."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.reasons import REASON_COLUMNS, Reason, ReasonCode
from siyu.core.render import MissingValueError
from siyu.core.tasks import PLANNER, TaskStatus
from siyu.delivery.enqueue import enqueue_due
from siyu.planner.context import PlanContext
from siyu.planner.entries import describe, exit_matching
from siyu.planner.failures import SopStepError
from siyu.planner.loaded_sops import SopBook
from siyu.planner.task_content import needs_of, render_content
from siyu.planner.task_variables import load_variables
from siyu.planner.transitions import cancel_for_closed_entries, change, mark_due
from siyu.store.compile import SqlContext, condition_sql
from siyu.store.sql import drop_temporary, reason_literals, temporary_ids
from siyu.store.tables import sop_entries, task_changes, tasks

E = sop_entries
DISABLED = Reason.of(ReasonCode.sop_disabled)
FROM_ENTRY = "the exit reason of the task's entry"
BATCH_TABLE = "siyu_firing"


def fire_due(conn: Connection, book: SopBook, ctx: PlanContext, *, batch: int) -> bool:
    """Move up to `batch` pending tasks of one SOP step that are due by now, set-based; returns
    whether more remain."""
    due = [tasks.c.status == TaskStatus.pending.value, tasks.c.due_at <= ctx.now_us, sa.not_(tasks.c.cap_pending)]
    if book.held:  # their tasks wait for a tick in which the SOP plans cleanly
        due.append(tasks.c.sop_id.not_in(sorted(book.held)))
    first = conn.execute(
        sa.select(tasks.c.sop_id, tasks.c.sop_version, tasks.c.step_id).where(*due).order_by(tasks.c.due_at).limit(1)
    ).first()
    if first is None:
        return False
    group = [
        *due,
        tasks.c.sop_id == first.sop_id,
        tasks.c.sop_version == first.sop_version,
        tasks.c.step_id == first.step_id,
    ]
    # the batch is the group's first `batch` tasks by id: a range, not a list of ids
    # the batch's ids in a temporary table: every statement on the batch probes it by key
    first_ids = sa.select(tasks.c.id).where(*group).order_by(tasks.c.id).limit(batch)
    chosen = temporary_ids(conn, BATCH_TABLE, first_ids, big=True)
    in_batch: list[ColumnElement[bool]] = [tasks.c.id.in_(sa.select(chosen.c.id))]
    try:
        _fire_group(conn, book, (first.sop_id, first.sop_version, first.step_id), in_batch, ctx)
        enqueue_due(conn, in_batch, ctx.routing, now_us=ctx.now_us, zone=ctx.zone)
    except Exception as exc:  # the tick records it on the SOP, rolls the batch back and goes on
        raise SopStepError(first.sop_id) from exc
    drop_temporary(conn, chosen)
    return True


def _fire_group(
    conn: Connection,
    book: SopBook,
    step_key: tuple[str, int, str],
    batch: list[ColumnElement[bool]],
    ctx: PlanContext,
) -> None:
    """Fire the tasks matching `batch`, all of one step of one SOP version (sop id, version, step id)."""
    sop_id, number, step_id = step_key
    now = ctx.now_us
    chosen = [*batch, tasks.c.status == TaskStatus.pending.value]
    if sop_id not in book.enabled:
        move(conn, chosen, TaskStatus.cancelled, now_us=now, reason=DISABLED)
        return
    latest = book.enabled[sop_id]
    if latest.sop.exit is not None:
        # the batch's open entries, found from its tasks (an index range) by the entry key; as a
        # list, because PostgreSQL plans the exit test badly around a subquery here
        entries_of_batch = [
            int(i)
            for i in conn.execute(
                sa.select(E.c.id)
                .select_from(tasks.join(E, sa.and_(*_same_entry())))
                .where(*batch, E.c.exited_at.is_(None))
            ).scalars()
        ]
        if entries_of_batch and exit_matching(conn, latest, latest.sop.audience_target, ctx, only=entries_of_batch):
            # the entry's later tasks go too, not only those firing now
            cancel_for_closed_entries(conn, sop_id, actor=PLANNER, now_us=now)
    closed = sa.exists().where(*_same_entry(), E.c.exited_at.is_not(None))
    move(conn, [*chosen, closed], TaskStatus.cancelled, now_us=now, reason=FROM_ENTRY)
    late_before = now - ctx.settings.late_after_us
    move(conn, [*chosen, tasks.c.due_at < late_before], TaskStatus.expired, now_us=now, reason=LATE)
    stored = book.version(conn, sop_id, number)
    step = None if stored is None else next((s for s in stored.sop.steps if s.id == step_id), None)
    if stored is None or step is None:
        move(
            conn,
            chosen,
            TaskStatus.failed,
            now_us=now,
            reason=Reason.of(ReasonCode.step_missing, sop=sop_id, version=number, step=step_id),
        )
        return
    if step.when is not None:
        kind = stored.sop.target_of(step)
        sql = SqlContext(ctx.dialect, ctx.sql.ctx, entry_at=_entered_at())
        holds = condition_sql(step.when, kind, sql, tasks.c.target_id)
        reason = Reason.of(ReasonCode.when_false, condition=_when_text(stored, step_id))
        move(conn, [*chosen, sa.not_(holds)], TaskStatus.skipped, now_us=now, reason=reason)
    move(conn, [*chosen, tasks.c.executor_id.is_(None)], TaskStatus.skipped, now_us=now, reason=NOBODY)
    visible_to = stored.definition.get("visible_to")
    needs = needs_of(step)
    if needs.none:
        # the same script for every task of a variant
        variants = conn.execute(sa.select(tasks.c.variant).where(*chosen).distinct()).scalars().all()
        for variant in variants:
            content = render_content(step, variant, {}, visible_to)
            same = tasks.c.variant.is_(None) if variant is None else tasks.c.variant == variant
            move(conn, [*chosen, same], TaskStatus.due, now_us=now, content=content)
        return
    rows = list(conn.execute(sa.select(tasks).where(*chosen)))
    variables = load_variables(conn, rows, ctx, needs)
    rendered: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        try:
            rendered.append((row.id, render_content(step, row.variant, variables[row.id], visible_to)))
        except MissingValueError as exc:
            reason = Reason.of(ReasonCode.missing_value, name=exc.name, position=exc.offset + 1)
            change(conn, [row.id], TaskStatus.failed, actor=PLANNER, now_us=now, reason=reason)
    mark_due(conn, rendered, actor=PLANNER, now_us=now)


LATE = Reason.of(ReasonCode.late)
NOBODY = Reason.of(ReasonCode.no_executor)


def _same_entry() -> list[ColumnElement[bool]]:
    return [
        E.c.sop_id == tasks.c.sop_id,
        E.c.target_type == tasks.c.target_type,
        E.c.target_id == tasks.c.target_id,
        E.c.entry_no == tasks.c.entry_no,
    ]


def _reason_sql(reason: Reason | str | None) -> dict[str, Any]:
    """The reason columns as SQL: a Reason's code and parameters, or the exit reason of the
    task's own entry (FROM_ENTRY)."""
    if reason == FROM_ENTRY:
        of_entry = sa.select(E).where(*_same_entry()).correlate(tasks).subquery()
        code = sa.func.coalesce(of_entry.c.exit_reason, ReasonCode.left_sop.value)
        return {
            "reason": sa.null(),
            "reason_code": sa.select(code).scalar_subquery(),
            "reason_params": sa.select(of_entry.c.exit_params).scalar_subquery(),
        }
    return reason_literals(reason)


def _entered_at() -> Any:
    """The entry instant of the task's own entry (None for work without an entry)."""
    return sa.select(E.c.entered_at).where(*_same_entry()).correlate(tasks).scalar_subquery()


def move(
    conn: Connection,
    where: list[ColumnElement[bool]],
    status: TaskStatus,
    *,
    now_us: int,
    reason: Reason | str | None = None,
    content: dict[str, Any] | None = None,
) -> None:
    """Set-based status change of the tasks matching `where`, history first. `reason`: a
    Reason, FROM_ENTRY, or None; a task made due keeps the reason it had (a cap's deferral)."""
    kept = {name: tasks.c[name] for name in REASON_COLUMNS}
    reason_sql = kept if status is TaskStatus.due else _reason_sql(reason)
    history = sa.select(
        tasks.c.id,
        sa.literal(now_us, sa.BigInteger),
        sa.literal(status.value, sa.String),
        sa.literal(PLANNER, sa.String),
        *(reason_sql[name] for name in REASON_COLUMNS),
    ).where(*where)
    columns = ["task_id", "at", "status", "actor", *REASON_COLUMNS]
    conn.execute(sa.insert(task_changes).from_select(columns, history))
    values: dict[str, Any] = {"status": status.value, "updated_at": now_us}
    if status is not TaskStatus.due:
        values.update(reason_sql)
    if content is not None:
        values["content"] = content
    conn.execute(sa.update(tasks).where(*where).values(**values))


def _when_text(stored: Any, step_id: str) -> str:
    for raw in stored.definition.get("steps", []):
        if isinstance(raw, dict) and raw.get("id") == step_id:
            return describe(raw.get("when"))
    return step_id
