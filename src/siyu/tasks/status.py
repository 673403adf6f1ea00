"""Changing a task's status: a person marks it done or skipped (`change`, audited whoever asks:
the console, the API or the CLI), or the brand's systems report what became of it (`apply_results`:
done, delivered, replied). Reading tasks is `tasks.queries`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.accounts.users import User
from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.tasks import TaskStatus, change_refused
from siyu.core.timeutil import US_PER_SECOND, parse_instant, to_us
from siyu.store.tables import deliveries, task_changes, tasks
from siyu.tasks import events as task_events
from siyu.tasks.queries import get_task

RESULTS_ACTOR = "webhook"


def set_status(
    conn: Connection, task_id: int, wanted: TaskStatus, *, actor: str, now_us: int, reason: str | None = None
) -> dict[str, Any]:
    """Move a task to done or skipped, kept in its history under `actor`; refuses other moves
    with the reason. Not audited: `change` is a person's change, with its audit entry."""
    row = conn.execute(sa.select(tasks.c.status).where(tasks.c.id == task_id).with_for_update()).first()
    if row is None:
        raise NotFoundError(f"no task {task_id}")
    refused = change_refused(TaskStatus(row.status), wanted)
    if refused is not None:
        raise ValidationError([Problem(f"task {task_id}", refused)])
    if wanted is TaskStatus.skipped and not (reason and reason.strip()):
        raise ValidationError([Problem("--reason", "skipping a task needs a reason")])
    conn.execute(
        sa.update(tasks).where(tasks.c.id == task_id).values(status=wanted.value, reason=reason, updated_at=now_us)
    )
    conn.execute(
        sa.insert(task_changes).values(task_id=task_id, at=now_us, status=wanted.value, actor=actor, reason=reason)
    )
    if wanted is TaskStatus.done:
        zone = brand_settings.load(conn).zone
        task_events.record(conn, task_id, "done", now_us=now_us, zone=zone, extra={"by": actor})
    return get_task(conn, task_id)


def history_name(actor: Actor) -> str:
    """How a task's history names the person who changed it: user:<username>, or cli@<login>."""
    return f"user:{actor.username}" if isinstance(actor, User) else actor.username


def change(
    conn: Connection,
    task_id: int,
    wanted: TaskStatus,
    *,
    actor: Actor,
    now_us: int,
    reason: str | None = None,
    via: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """A person marks a task done or skipped, and the audit log says who (`via`: which surface,
    when it says more than the actor does). `by` names them in the task's history instead of the
    actor (the CLI's --by). Returns the task as it now is."""
    changed = set_status(conn, task_id, wanted, actor=by or history_name(actor), now_us=now_us, reason=reason)
    detail: dict[str, Any] = {}
    if reason:
        detail["reason"] = reason
    if via:
        detail["via"] = via
    audit.record(
        conn,
        actor=actor,
        action=f"task.{wanted.value}",
        subject_type="task",
        subject_id=str(task_id),
        now_us=now_us,
        detail=detail or None,
    )
    return changed


# ---- results the brand's systems report ----

ResultKind = Literal["done", "delivered", "replied"]


@dataclass(frozen=True)
class ReportedResult:
    """What became of one task, as the brand's systems report it."""

    task: int
    result: ResultKind
    at: str | None = None  # ISO 8601 with an offset; None: when the report arrived
    text: str | None = None  # replied: the customer's answer
    by: str | None = None  # who reported it; recorded as webhook:<by>


@dataclass(frozen=True)
class ResultOutcome:
    task: int
    result: str
    changed: bool  # false when it was already known: nothing was stored again


def apply_results(
    conn: Connection, reported: Sequence[ReportedResult], *, now_us: int, max_ahead_s: int, where: str = "results"
) -> tuple[list[ResultOutcome], list[Problem]]:
    """Apply each result in order; a problem is located at its place (`results[3].task`). The
    caller rolls back when there is any: the results are all or nothing. A result may say it
    happened up to `max_ahead_s` after siyu's clock (the clocks' allowed skew), no later."""
    zone = brand_settings.load(conn).zone
    outcomes: list[ResultOutcome] = []
    problems: list[Problem] = []
    for index, item in enumerate(reported):
        outcome = _apply(conn, f"{where}[{index}]", item, now_us=now_us, zone=zone, max_ahead_s=max_ahead_s)
        if isinstance(outcome, Problem):
            problems.append(outcome)
        else:
            outcomes.append(outcome)
    return outcomes, problems


def _apply(
    conn: Connection, where: str, item: ReportedResult, *, now_us: int, zone: ZoneInfo, max_ahead_s: int
) -> ResultOutcome | Problem:
    # locked: two reports of one task at once are told apart (the second finds it done, unchanged)
    status = conn.execute(sa.select(tasks.c.status).where(tasks.c.id == item.task).with_for_update()).scalar()
    if status is None:
        return Problem(f"{where}.task", f"no task {item.task}")
    at_us = now_us if item.at is None else to_us(parse_instant(item.at))
    ahead_s = (at_us - now_us) // US_PER_SECOND
    if ahead_s > max_ahead_s:
        return Problem(f"{where}.at", f"{item.at} is {ahead_s} s in the future; results report what has happened")
    actor = f"{RESULTS_ACTOR}:{item.by}" if item.by else RESULTS_ACTOR
    if item.result == "done":
        return _done(conn, where, item, TaskStatus(status), at_us=at_us, actor=actor, now_us=now_us, zone=zone)
    extra: dict[str, Any] = {"by": actor}
    if item.result == "replied":
        if item.text is not None:
            extra["text"] = item.text
        new = task_events.record(conn, item.task, "replied", now_us=now_us, zone=zone, at_us=at_us, extra=extra)
        return ResultOutcome(task=item.task, result=item.result, changed=new)
    # only a delivery the channel took is settled here: a queued or in-flight one is the dispatcher's
    marked = conn.execute(
        sa.update(deliveries)
        .where(deliveries.c.task_id == item.task, deliveries.c.purpose == "send", deliveries.c.status == "sent")
        .values(status="delivered", delivered_at=at_us, updated_at=now_us)
    ).rowcount
    new = task_events.record(conn, item.task, "delivered", now_us=now_us, zone=zone, at_us=at_us, extra=extra)
    return ResultOutcome(task=item.task, result=item.result, changed=bool(marked) or new)


def _done(
    conn: Connection,
    where: str,
    item: ReportedResult,
    status: TaskStatus,
    *,
    at_us: int,
    actor: str,
    now_us: int,
    zone: ZoneInfo,
) -> ResultOutcome | Problem:
    if status is TaskStatus.done:
        return ResultOutcome(task=item.task, result=item.result, changed=False)
    refused = change_refused(status, TaskStatus.done)
    if refused is not None:
        return Problem(f"{where}.result", f"task {item.task}: {refused}")
    # the event first, at the reported instant: set_status's own record of it is then a no-op
    task_events.record(conn, item.task, "done", now_us=now_us, zone=zone, at_us=at_us, extra={"by": actor})
    set_status(conn, item.task, TaskStatus.done, actor=actor, now_us=now_us)
    return ResultOutcome(task=item.task, result=item.result, changed=True)
