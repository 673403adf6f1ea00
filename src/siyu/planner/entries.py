"""Who is in an SOP, in SQL: entering by audience or by event, leaving the audience, exiting.

The decisions are core.entries' (re-entry, leaving, exit, holdout); this module runs them. An
audience check runs at most once per AUDIENCE_INTERVAL (aligned to the clock) per SOP: the
audience is computed once in SQL into a temporary table, and entering, leaving and re-entry are
set-based statements against it, proved to agree with core.entries.check_audience by a property
test. Entries by event are few per tick and take core.entries.enter_by_event one by one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.assign import in_holdout
from siyu.core.audiences import Audience, audiences_of, enters_by_audience, steps_about
from siyu.core.conditions.nodes import TargetKind
from siyu.core.entries import LEFT_AUDIENCE, REENTERED, EntryRecord, enter_by_event, entry_rule
from siyu.core.model import MEMBER_JOINED, EventEntry, OnEvent, ReentryMode, Sop, SopKind
from siyu.core.occurrences import one_off_instant
from siyu.core.reasons import ReasonCode
from siyu.core.schedule import local_instant
from siyu.core.staff import choose_executor, named_staff
from siyu.core.task_draft import Target, TaskDraft, draft_task
from siyu.core.timeutil import US_PER_SECOND, from_day_number, local_day
from siyu.planner import sop_state
from siyu.planner.context import PlanContext
from siyu.planner.task_planning import group_holders
from siyu.planner.task_rows import insert_rows
from siyu.planner.transitions import cancel_for_closed_entries
from siyu.sops.repo import StoredSop
from siyu.store.batch_sql import batches
from siyu.store.compile import SqlContext, condition_sql, property_matches
from siyu.store.sql import drop_temporary, insert_ignoring, matching_ids, temporary_ids
from siyu.store.tables import customers, events, sop_entries, sop_waiting_events, sops
from siyu.store.target_tables import TARGET_TABLES

E = sop_entries
AUDIENCE_INTERVAL_US = 3600 * US_PER_SECOND
MATCHING = "siyu_matching"
GROUP_JOIN_TYPES = (MEMBER_JOINED, "group_joined")


def audience_due(checked_at: int | None, now_us: int) -> bool:
    return (
        checked_at is None or now_us // AUDIENCE_INTERVAL_US > checked_at // AUDIENCE_INTERVAL_US or now_us < checked_at
    )


def _campaign_over(sop: Sop, kind: TargetKind, ctx: PlanContext) -> bool:
    """A campaign takes no more targets of a kind once all their steps are in the past."""
    instants = [one_off_instant(sop, step, ctx.now_us, ctx.zone) for step in steps_about(sop, kind)]
    return all(instant is None for instant in instants)


def _scoped(kind: TargetKind, sop_id: str) -> list[ColumnElement[bool]]:
    return [E.c.sop_id == sop_id, E.c.target_type == kind.value]


def refresh_audience(conn: Connection, stored: StoredSop, ctx: PlanContext) -> bool:
    """Enter, leave and exit by the audience, once per interval. Returns False (one step)."""
    sop = stored.sop
    state = sop_state.load(conn, sop.id)
    if not audience_due(state.audience_checked_at, ctx.now_us):
        return False
    for audience in audiences_of(sop).values():
        kind = audience.target
        over = sop.kind is SopKind.campaign and _campaign_over(sop, kind, ctx)
        if enters_by_audience(sop) and not audience.nobody and not over:
            _enter_and_leave(conn, sop, audience, ctx)
        if sop.exit is not None:
            exit_matching(conn, stored, kind, ctx)
    if sop.kind is SopKind.campaign:
        plan_internal_work(conn, stored, ctx)
    cancel_for_closed_entries(conn, sop.id, actor="planner", now_us=ctx.now_us)
    sop_state.save(conn, sop.id, audience_checked_at=ctx.now_us)
    return False


def _enter_and_leave(conn: Connection, sop: Sop, audience: Audience, ctx: PlanContext) -> None:
    """core.entries.check_audience for every target of the audience's kind at once."""
    now = ctx.now_us
    kind = audience.target
    matching = temporary_ids(conn, MATCHING, matching_ids(audience.condition, kind, ctx.sql))
    rule = entry_rule(sop)
    inside = sa.select(matching.c.id)
    scoped = _scoped(kind, sop.id)
    # leaving: the audience no longer holds
    conn.execute(sa.update(E).where(*scoped, E.c.left_at.is_(None), E.c.target_id.not_in(inside)).values(left_at=now))
    if rule.ends_on_leaving:
        # recurring work for groups and staff runs while they match: leaving the audience ends it
        conn.execute(
            sa.update(E)
            .where(*scoped, E.c.exited_at.is_(None), E.c.left_at.is_not(None))
            .values(exited_at=now, exit_reason=LEFT_AUDIENCE.value)
        )
    # re-entry: close the entries a new one supersedes, then enter those allowed (core.entries.may_enter)
    reentry = rule.reentry
    if rule.returns_after_leaving:
        supersede = sa.and_(E.c.left_at.is_not(None), E.c.target_id.in_(inside))
        allowed = ~sa.exists().where(*scoped, E.c.target_id == matching.c.id, E.c.left_at.is_(None))
    elif reentry.mode is ReentryMode.after:
        cutoff = now - (reentry.after_us or 0)
        supersede = sa.and_(E.c.entered_at <= cutoff, E.c.target_id.in_(inside))
        allowed = ~sa.exists().where(*scoped, E.c.target_id == matching.c.id, E.c.entered_at > cutoff)
    else:
        supersede = None
        allowed = ~sa.exists().where(*scoped, E.c.target_id == matching.c.id)
    if supersede is not None:
        conn.execute(
            sa.update(E)
            .where(*scoped, E.c.exited_at.is_(None), supersede)
            .values(exited_at=now, exit_reason=REENTERED.value, left_at=sa.func.coalesce(E.c.left_at, now))
        )
    previous = sa.select(sa.func.max(E.c.entry_no)).where(*scoped, E.c.target_id == matching.c.id).scalar_subquery()
    open_entry = sa.exists().where(*scoped, E.c.target_id == matching.c.id, E.c.exited_at.is_(None))
    select = sa.select(
        sa.literal(sop.id, sa.String),
        sa.literal(kind.value, sa.String),
        matching.c.id,
        sa.func.coalesce(previous, 0) + 1,
        sa.literal(now, sa.BigInteger),
        sa.literal(_version_of(conn, sop), sa.Integer),
        sa.false(),
    ).where(allowed, ~open_entry)
    room = _ramp_room(conn, sop, ctx)
    if room is not None:
        # a ramp lets in the first `room` of today's newcomers, lowest target id first
        select = select.order_by(matching.c.id).limit(room)
    columns = ["sop_id", "target_type", "target_id", "entry_no", "entered_at", "version", "holdout"]
    if room is None or room > 0:
        conn.execute(insert_ignoring(conn, E).from_select(columns, select))
    drop_temporary(conn, matching)
    if sop.holdout_percent > 0:
        _mark_holdout(conn, sop, kind, [E.c.entered_at == now, E.c.planned_version.is_(None)])


def _ramp_room(conn: Connection, sop: Sop, ctx: PlanContext) -> int | None:
    """How many more targets may enter today under the SOP's ramp (None: no ramp)."""
    if sop.ramp is None:
        return None
    today = local_instant(from_day_number(local_day(ctx.now_us, ctx.zone)), time(0), ctx.zone)
    entered = conn.execute(
        sa.select(sa.func.count()).select_from(E).where(E.c.sop_id == sop.id, E.c.entered_at >= today)
    ).scalar_one()
    return max(0, sop.ramp.per_day - int(entered))


def _version_of(conn: Connection, sop: Sop) -> int:
    return int(conn.execute(sa.select(sops.c.latest_version).where(sops.c.id == sop.id)).scalar_one())


def _mark_holdout(conn: Connection, sop: Sop, kind: TargetKind, where: Sequence[ColumnElement[bool]]) -> None:
    """Deterministic control group from (sop id, target external id): no tasks, kept for uplift."""
    table = TARGET_TABLES[kind]
    query = (
        sa.select(E.c.id, table.c.external_id)
        .join(table, table.c.id == E.c.target_id)
        .where(*_scoped(kind, sop.id), E.c.exited_at.is_(None), *where)
    )
    chosen = [row.id for row in conn.execute(query) if in_holdout(sop.id, row.external_id, sop.holdout_percent)]
    for part in batches(chosen):
        conn.execute(sa.update(E).where(E.c.id.in_(part)).values(holdout=True))


def exit_matching(
    conn: Connection,
    stored: StoredSop,
    kind: TargetKind,
    ctx: PlanContext,
    only: Sequence[int] | sa.Select[Any] | None = None,
) -> int:
    """Close the open entries whose exit condition holds (only the entry ids `only`, a list or
    a SELECT of ids, if given)."""
    sop = stored.sop
    if sop.exit is None or kind is not sop.audience_target:
        return 0
    sql = SqlContext(ctx.dialect, ctx.sql.ctx, entry_at=E.c.entered_at)
    test = condition_sql(sop.exit, kind, sql, E.c.target_id)
    query = sa.select(E.c.id).where(*_scoped(kind, sop.id), E.c.exited_at.is_(None), test)
    if only is not None:
        query = query.where(E.c.id.in_(only if isinstance(only, sa.Select) else list(only)))
    ids = [int(i) for i in conn.execute(query).scalars()]
    exited = {
        "exited_at": ctx.now_us,
        "exit_reason": ReasonCode.exit_condition.value,
        "exit_params": {"condition": describe(stored.definition.get("exit"))},
    }
    for part in batches(ids):
        conn.execute(sa.update(E).where(E.c.id.in_(part)).values(**exited))
    return len(ids)


def describe(raw: object) -> str:
    """A condition as the operator wrote it (compact JSON, keys sorted), for reasons shown to people."""
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= 300 else text[:297] + "…"


# ---------------------------------------------------------------- campaign internal work


def plan_internal_work(conn: Connection, stored: StoredSop, ctx: PlanContext) -> None:
    """A campaign's internal steps: one task per executor (each holder of a role), made once."""
    sop = stored.sop
    since = stored.enabled_at_us or 0
    drafts: list[TaskDraft] = []
    for step in sop.steps:
        if sop.target_of(step) is not TargetKind.staff:
            continue
        instant = one_off_instant(sop, step, since, ctx.zone)
        if instant is None:
            continue
        for staff_id in named_staff(step, ctx.directory):
            target = Target(TargetKind.staff, staff_id, ctx.directory.external_ids[staff_id], staff_id)
            drafts.append(
                draft_task(
                    sop,
                    stored.version,
                    step,
                    target,
                    entry_no=0,
                    scheduled_us=instant,
                    settings=ctx.settings,
                    now_us=ctx.now_us,
                    executor_id=staff_id,
                )
            )
    insert_rows(conn, drafts)


# ---------------------------------------------------------------- events


def _event_types(sop: Sop) -> tuple[set[str], set[str]]:
    """(types that make entries, types that fire `on:` steps)."""
    entering = {sop.entry.event} if isinstance(sop.entry, EventEntry) else set()
    firing: set[str] = set()
    for step in sop.steps:
        if isinstance(step.at, OnEvent):
            firing |= set(GROUP_JOIN_TYPES) if step.at.event == MEMBER_JOINED else {step.at.event}
    return entering, firing


def take_events(conn: Connection, stored: StoredSop, ctx: PlanContext, *, batch: int) -> bool:
    """Entries by event and `on:` steps, for events that arrived since the last look (by id),
    each looked at once. Only events after the SOP was switched on count; one dated in the
    future waits (in sop_waiting_events) until its time has come. Returns whether more remain."""
    sop = stored.sop
    entering, firing = _event_types(sop)
    if not entering and not firing:
        return False
    state = sop_state.load(conn, sop.id)
    columns = (events.c.id, events.c.type, events.c.customer_id, events.c.group_id, events.c.at)
    rows = list(
        conn.execute(
            sa.select(*columns)
            .where(
                events.c.id > state.event_watermark,
                events.c.type.in_(sorted(entering | firing)),
                events.c.at > (stored.enabled_at_us or 0),
            )
            .order_by(events.c.id)
            .limit(batch)
        )
    )
    waiting = [r for r in rows if r.at > ctx.now_us]
    if waiting:
        conn.execute(
            insert_ignoring(conn, sop_waiting_events).from_select(
                ["sop_id", "event_id", "at"],
                sa.select(sa.literal(sop.id, sa.String), events.c.id, events.c.at).where(
                    events.c.id.in_([r.id for r in waiting])
                ),
            )
        )
    ready = [r for r in rows if r.at <= ctx.now_us]
    more = len(rows) == batch
    if not more:
        ready += _take_waiting(conn, sop.id, columns, ctx.now_us)
    if entering:
        _enter_by_events(conn, stored, [r for r in ready if r.type in entering and r.customer_id is not None], ctx)
    if firing:
        _fire_on_events(conn, stored, [r for r in ready if r.type in firing], ctx)
    if rows:
        sop_state.save(conn, sop.id, event_watermark=rows[-1].id)
    else:
        # nothing of these types arrived: move past every event, so that the next look is a
        # short range of new ids rather than a walk from an old watermark
        newest = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.id), 0))).scalar_one())
        if newest > state.event_watermark:
            sop_state.save(conn, sop.id, event_watermark=newest)
    return more


def _take_waiting(conn: Connection, sop_id: str, columns: tuple[Any, ...], now_us: int) -> list[Any]:
    """Waiting events whose time has come, removed from the waiting list."""
    w = sop_waiting_events
    due = sa.select(w.c.event_id).where(w.c.sop_id == sop_id, w.c.at <= now_us)
    found = list(conn.execute(sa.select(*columns).where(events.c.id.in_(due)).order_by(events.c.at, events.c.id)))
    if found:
        conn.execute(sa.delete(w).where(w.c.sop_id == sop_id, w.c.at <= now_us))
    return found


def _enter_by_events(conn: Connection, stored: StoredSop, rows: Sequence[Any], ctx: PlanContext) -> None:
    sop = stored.sop
    entry = sop.entry
    if not rows or not isinstance(entry, EventEntry):
        return
    ids = [r.id for r in rows]
    if entry.where:
        tests = [property_matches(match, ctx.sql) for match in entry.where]
        ids = [int(i) for i in conn.execute(sa.select(events.c.id).where(events.c.id.in_(ids), *tests)).scalars()]
    customer_ids = sorted({r.customer_id for r in rows if r.id in set(ids)})
    if sop.audience is not None and customer_ids:
        audience = matching_ids(sop.audience, TargetKind.customer, ctx.sql).where(customers.c.id.in_(customer_ids))
        allowed = set(conn.execute(audience).scalars())
    else:
        allowed = set(customer_ids)
    kept = set(ids)
    scoped = _scoped(TargetKind.customer, sop.id)
    history: dict[int, list[EntryRecord]] = {}
    seen_events: set[int | None] = set()
    for row in conn.execute(
        sa.select(E.c.target_id, E.c.entry_no, E.c.entered_at, E.c.exited_at, E.c.source_event_id).where(
            *scoped, E.c.target_id.in_(sorted(allowed))
        )
    ):
        history.setdefault(row.target_id, []).append(EntryRecord(row.entry_no, row.entered_at, exited_at=row.exited_at))
        seen_events.add(row.source_event_id)
    external = dict(
        conn.execute(
            sa.select(customers.c.id, customers.c.external_id).where(customers.c.id.in_(sorted(allowed)))
        ).all()
    )
    for event in rows:
        if event.id not in kept or event.customer_id not in allowed or event.id in seen_events:
            continue
        past = history.setdefault(event.customer_id, [])
        last = max(past, key=lambda r: r.number) if past else None
        decision = enter_by_event(last, event_at=event.at, reentry=sop.reentry)
        if decision is None:
            continue
        if last is not None and decision.closes_previous:
            conn.execute(
                sa.update(E)
                .where(*scoped, E.c.target_id == event.customer_id, E.c.entry_no == last.number)
                .values(exited_at=ctx.now_us, exit_reason=REENTERED.value, left_at=ctx.now_us)
            )
        holdout = sop.holdout_percent > 0 and in_holdout(sop.id, external[event.customer_id], sop.holdout_percent)
        conn.execute(
            insert_ignoring(conn, E).values(
                sop_id=sop.id,
                target_type=TargetKind.customer.value,
                target_id=event.customer_id,
                entry_no=decision.number,
                entered_at=event.at,
                version=stored.version,
                holdout=holdout,
                source_event_id=event.id,
            )
        )
        past.append(EntryRecord(decision.number, event.at))


def _fire_on_events(conn: Connection, stored: StoredSop, rows: Sequence[Any], ctx: PlanContext) -> None:
    """`on:` steps: a task at the event's instant for the target's open entry (entered before it)."""
    sop = stored.sop
    kind = sop.audience_target
    table = TARGET_TABLES[kind]
    owner_key = "group_id" if kind is TargetKind.group else "customer_id"
    target_ids = sorted({getattr(r, owner_key) for r in rows if getattr(r, owner_key) is not None})
    if not target_ids:
        return
    query = (
        sa.select(E.c.target_id, E.c.entry_no, E.c.entered_at, E.c.holdout, table.c.external_id, table.c.owner_id)
        .join(table, table.c.id == E.c.target_id)
        .where(*_scoped(kind, sop.id), E.c.exited_at.is_(None), E.c.target_id.in_(target_ids))
    )
    open_entries = {row.target_id: row for row in conn.execute(query)}
    holders = group_holders(conn, open_entries) if kind is TargetKind.group else {}
    drafts: list[TaskDraft] = []
    for step in sop.steps:
        if not isinstance(step.at, OnEvent):
            continue
        wanted = set(GROUP_JOIN_TYPES) if step.at.event == MEMBER_JOINED else {step.at.event}
        for event in rows:
            entry = open_entries.get(getattr(event, owner_key))
            if event.type not in wanted or entry is None or entry.holdout or event.at < entry.entered_at:
                continue
            target = Target(kind, entry.target_id, entry.external_id, entry.owner_id)
            role_holders = holders.get(entry.target_id, {}).get(step.executor.name or "", [])
            executor = choose_executor(sop, step, target, ctx.directory, role_holders)
            drafts.append(
                draft_task(
                    sop,
                    stored.version,
                    step,
                    target,
                    entry_no=entry.entry_no,
                    scheduled_us=event.at,
                    settings=ctx.settings,
                    now_us=ctx.now_us,
                    executor_id=executor,
                    event_id=event.id,
                )
            )
    insert_rows(conn, drafts)
