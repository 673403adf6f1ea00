"""Turning entries into tasks: one-off steps when a target enters, recurring steps as time passes.

Entries made by one audience check share their entry instant, so each of their steps has one
scheduled instant for all of them and is inserted set-based (`INSERT … SELECT`). Steps whose
task differs per target (A/B variants, a role with several holders) and entries with their own
instants (event entries, re-planning after an edit) go through Python in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.audiences import entry_kinds, steps_about
from siyu.core.conditions.nodes import TargetKind
from siyu.core.facts import Context
from siyu.core.model import ExecutorKind, Sop, Step
from siyu.core.occurrences import (
    is_one_off,
    is_recurring,
    one_off_instant,
    recurring_horizon,
    recurring_instants,
    shared_instants,
)
from siyu.core.staff import FromTarget, SameStaff, choose_executor, executor_for_all
from siyu.core.task_draft import Target, TaskDraft, draft_task
from siyu.planner import sop_state
from siyu.planner.context import PlanContext
from siyu.planner.task_rows import draft_select_list, insert_from_select, insert_rows
from siyu.store.compile import SqlContext, condition_sql
from siyu.store.tables import group_roles, sop_entries
from siyu.store.target_tables import TARGET_TABLES, owner_column

E = sop_entries


# ---------------------------------------------------------------- set-based


def _set_based_executor(step: Step, kind: TargetKind, ctx: PlanContext) -> ColumnElement[Any] | None:
    """The executor column of an INSERT … SELECT over entries; None when it differs per target."""
    match executor_for_all(step, kind, ctx.directory):
        case FromTarget.owner:
            return owner_column(kind)
        case FromTarget.itself:
            return E.c.target_id
        case FromTarget.per_target:
            return None
        case SameStaff(staff_id):
            return sa.literal(staff_id, sa.Integer)


def insert_for_entries(
    conn: Connection,
    sop: Sop,
    version: int,
    step: Step,
    *,
    kind: TargetKind,
    scheduled_us: int,
    ctx: PlanContext,
    where: Sequence[ColumnElement[bool]],
    check_when: bool = False,
) -> int:
    """One occurrence of a step for every open, non-holdout entry matching `where`.

    `check_when`: make it only for targets whose `when` holds at the occurrence (recurring
    occurrences: a daily step "from day 31" makes no task, and takes no frequency-cap slot,
    before day 31; `when` is checked again when the task fires)."""
    where = [*where, E.c.sop_id == sop.id, E.c.target_type == kind.value, E.c.exited_at.is_(None), sa.not_(E.c.holdout)]
    if check_when and step.when is not None:
        # judged as of the occurrence (a "from day 31" test holds on day 31's evening), on the data known now
        at_occurrence = Context(now_us=scheduled_us, zone=ctx.zone)
        sql = SqlContext(ctx.dialect, at_occurrence, entry_at=E.c.entered_at)
        where.append(condition_sql(step.when, kind, sql, E.c.target_id))
    executor = _set_based_executor(step, kind, ctx) if not step.variants else None
    table = TARGET_TABLES[kind]
    if executor is None:
        return _insert_by_python(conn, sop, version, step, kind=kind, scheduled_us=scheduled_us, ctx=ctx, where=where)
    # every entry's task is this one bar the target, the entry number and the executor
    template = _draft(
        sop, version, step, Target(kind, 0, "", None), ctx, entry_no=0, scheduled_us=scheduled_us, executor_id=None
    )
    per_target = {
        "target_type": E.c.target_type,
        "target_id": E.c.target_id,
        "entry_no": E.c.entry_no,
        "executor_id": executor,
    }
    select = (
        sa.select(*draft_select_list(template, per_target))
        .select_from(E.join(table, table.c.id == E.c.target_id))
        .where(*where)
    )
    return insert_from_select(conn, select)


def _insert_by_python(
    conn: Connection,
    sop: Sop,
    version: int,
    step: Step,
    *,
    kind: TargetKind,
    scheduled_us: int,
    ctx: PlanContext,
    where: Sequence[ColumnElement[bool]],
) -> int:
    made = 0
    query = entry_targets(kind).where(*where).order_by(E.c.id)
    # streamed a batch of entries at a time: a cohort can be most of the brand
    for chunk in conn.execute(query, execution_options={"yield_per": 5000}).partitions():
        holders = group_holders(conn, [row.target_id for row in chunk]) if kind is TargetKind.group else {}
        made += insert_rows(
            conn,
            [
                _draft(
                    sop,
                    version,
                    step,
                    target,
                    ctx,
                    entry_no=row.entry_no,
                    scheduled_us=scheduled_us,
                    executor_id=choose_executor(sop, step, target, ctx.directory, _holders(holders, target, step)),
                )
                for row in chunk
                for target in (target_of(kind, row),)
            ],
        )
    return made


# ---------------------------------------------------------------- per entry


def entry_targets(kind: TargetKind) -> sa.Select[Any]:
    table = TARGET_TABLES[kind]
    return sa.select(
        E.c.id,
        E.c.target_id,
        E.c.entry_no,
        E.c.entered_at,
        E.c.planned_version,
        E.c.holdout,
        table.c.external_id,
        owner_column(kind).label("owner_id"),
    ).select_from(E.join(table, table.c.id == E.c.target_id))


def target_of(kind: TargetKind, row: Any) -> Target:
    return Target(kind, row.target_id, row.external_id, row.owner_id)


def _draft(
    sop: Sop,
    version: int,
    step: Step,
    target: Target,
    ctx: PlanContext,
    *,
    entry_no: int,
    scheduled_us: int,
    executor_id: int | None,
) -> TaskDraft:
    return draft_task(
        sop,
        version,
        step,
        target,
        entry_no=entry_no,
        scheduled_us=scheduled_us,
        settings=ctx.settings,
        now_us=ctx.now_us,
        executor_id=executor_id,
    )


def group_holders(conn: Connection, group_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
    """Role holders per group: {group id: {role: [staff ids]}}."""
    ids = sorted(set(group_ids))
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(ids), 5000):
        query = sa.select(group_roles.c.group_id, group_roles.c.role, group_roles.c.staff_id).where(
            group_roles.c.group_id.in_(ids[start : start + 5000])
        )
        for row in conn.execute(query):
            found[row.group_id][row.role].append(row.staff_id)
    return found


def _holders(holders: dict[int, dict[str, list[int]]], target: Target, step: Step) -> list[int]:
    if target.type is not TargetKind.group or step.executor.kind is not ExecutorKind.role:
        return []
    return holders.get(target.id, {}).get(step.executor.name or "", [])


def drafts_for_entry(
    conn_holders: dict[int, dict[str, list[int]]],
    sop: Sop,
    version: int,
    kind: TargetKind,
    *,
    row: Any,
    ctx: PlanContext,
    replan: bool,
    recurring_until: int | None,
) -> list[TaskDraft]:
    """Tasks of one entry: every one-off step (only those still to come when re-planning after
    an edit) and recurring occurrences up to what the SOP's recurring pass has reached."""
    target = target_of(kind, row)
    drafts: list[TaskDraft] = []
    for step in steps_about(sop, kind):
        instants: list[int] = []
        if is_one_off(step):
            instant = one_off_instant(sop, step, row.entered_at, ctx.zone)
            if instant is not None and (not replan or instant > ctx.now_us):
                instants.append(instant)
        elif is_recurring(step) and recurring_until is not None:
            after = ctx.now_us if replan else row.entered_at - 1
            instants += recurring_instants(step, row.entered_at, after, recurring_until, ctx.zone)
        if not instants:
            continue
        executor = choose_executor(sop, step, target, ctx.directory, _holders(conn_holders, target, step))
        drafts += [
            _draft(sop, version, step, target, ctx, entry_no=row.entry_no, scheduled_us=at, executor_id=executor)
            for at in instants
        ]
    return drafts


# ---------------------------------------------------------------- the step functions


def plan_entries(conn: Connection, sop: Sop, version: int, ctx: PlanContext, *, batch: int) -> bool:
    """Make the tasks of entries not yet planned under `version`; returns whether more remain."""
    state = sop_state.load(conn, sop.id)
    for kind in entry_kinds(sop):
        if _plan_audience_cohort(conn, sop, version, kind, ctx=ctx, recurring_until=state.recurring_until):
            return True
    for kind in entry_kinds(sop):
        query = (
            entry_targets(kind)
            .where(
                E.c.sop_id == sop.id,
                E.c.target_type == kind.value,
                E.c.exited_at.is_(None),
                sa.or_(E.c.planned_version.is_(None), E.c.planned_version != version),
            )
            .order_by(E.c.id)
            .limit(batch)
        )
        entries = list(conn.execute(query))
        if not entries:
            continue
        holders = group_holders(conn, [r.target_id for r in entries]) if kind is TargetKind.group else {}
        drafts: list[TaskDraft] = []
        for row in entries:
            if row.holdout:
                continue
            drafts += drafts_for_entry(
                holders,
                sop,
                version,
                kind,
                row=row,
                ctx=ctx,
                replan=row.planned_version is not None,
                recurring_until=state.recurring_until,
            )
        insert_rows(conn, drafts)
        conn.execute(sa.update(E).where(E.c.id.in_([r.id for r in entries])).values(planned_version=version))
        return len(entries) == batch
    return False


def _plan_audience_cohort(
    conn: Connection, sop: Sop, version: int, kind: TargetKind, *, ctx: PlanContext, recurring_until: int | None
) -> bool:
    """Plan every new audience entry that entered at the same instant, set-based; False if none."""
    new = [
        E.c.sop_id == sop.id,
        E.c.target_type == kind.value,
        E.c.exited_at.is_(None),
        E.c.planned_version.is_(None),
        E.c.source_event_id.is_(None),
    ]
    entered = conn.execute(sa.select(E.c.entered_at).where(*new).limit(1)).scalar()
    if entered is None:
        return False
    cohort = [*new, E.c.entered_at == entered]
    for step in steps_about(sop, kind):
        if is_one_off(step):
            instant = one_off_instant(sop, step, entered, ctx.zone)
            instants = [] if instant is None else [instant]
        elif is_recurring(step) and recurring_until is not None:
            shared = shared_instants(step, entered - 1, recurring_until, ctx.zone)
            instants = (
                shared
                if shared is not None
                else recurring_instants(step, entered, entered - 1, recurring_until, ctx.zone)
            )
        else:
            instants = []
        for instant in instants:
            insert_for_entries(
                conn,
                sop,
                version,
                step,
                kind=kind,
                scheduled_us=instant,
                ctx=ctx,
                where=cohort,
                check_when=is_recurring(step),
            )
    conn.execute(sa.update(E).where(*cohort).values(planned_version=version))
    return True


def advance_recurring(conn: Connection, sop: Sop, version: int, ctx: PlanContext, *, batch: int) -> bool:
    """Make recurring occurrences up to the horizon for every open entry, a batch of entries at
    a time (the cursor survives a crash); returns whether more remain."""
    steps = [step for step in sop.steps if is_recurring(step)]
    if not steps:
        return False
    state = sop_state.load(conn, sop.id)
    goal = state.recurring_target
    if goal is None:
        goal = recurring_horizon(ctx.now_us, ctx.zone)
        if state.recurring_until is not None and state.recurring_until >= goal:
            return False
        sop_state.save(conn, sop.id, recurring_target=goal, recurring_cursor=0)
    after = state.recurring_until if state.recurring_until is not None else ctx.now_us - 1
    last = conn.execute(
        sa.select(
            sa.func.max(
                sa.select(E.c.id)
                .where(E.c.sop_id == sop.id, E.c.exited_at.is_(None), E.c.id > state.recurring_cursor)
                .order_by(E.c.id)
                .limit(batch)
                .subquery()
                .c.id
            )
        )
    ).scalar()
    if last is None:
        sop_state.save(conn, sop.id, recurring_until=goal, recurring_target=None, recurring_cursor=0)
        return False
    in_batch = [E.c.id > state.recurring_cursor, E.c.id <= last]
    for kind in entry_kinds(sop):
        for step in steps_about(sop, kind):
            if not is_recurring(step):
                continue
            shared = shared_instants(step, after, goal, ctx.zone)
            if shared is not None:
                for instant in shared:
                    insert_for_entries(
                        conn,
                        sop,
                        version,
                        step,
                        kind=kind,
                        scheduled_us=instant,
                        ctx=ctx,
                        where=[*in_batch, E.c.entered_at <= instant],
                        check_when=True,
                    )
                continue
            rows = conn.execute(
                entry_targets(kind).where(
                    *in_batch,
                    E.c.sop_id == sop.id,
                    E.c.target_type == kind.value,
                    E.c.exited_at.is_(None),
                    sa.not_(E.c.holdout),
                )
            )
            drafts: list[TaskDraft] = []
            for row in rows:
                target = target_of(kind, row)
                executor = choose_executor(sop, step, target, ctx.directory)
                drafts += [
                    _draft(
                        sop, version, step, target, ctx, entry_no=row.entry_no, scheduled_us=at, executor_id=executor
                    )
                    for at in recurring_instants(step, row.entered_at, after, goal, ctx.zone)
                ]
            insert_rows(conn, drafts)
    sop_state.save(conn, sop.id, recurring_cursor=last)
    return True
