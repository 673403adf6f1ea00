"""The outbox as people see it: deliveries listed and counted, dead letters retried."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.timeutil import from_us
from siyu.store.tables import customers, deliveries, delivery_tasks, staff, tasks

D = deliveries
STATUSES = ("queued", "sent", "delivered", "failed", "dead", "cancelled")
RETRYABLE = ("dead", "failed")
ALL_DEAD = "*"  # the audit subject of a retry of every adapter's dead letters


@dataclass(frozen=True)
class DeliveryFilter:
    status: str | None = None
    adapter: str | None = None
    purpose: str | None = None
    task_id: int | None = None
    limit: int = 50
    offset: int = 0


def _iso(us: int | None, zone: ZoneInfo) -> str | None:
    return None if us is None else from_us(int(us), zone).isoformat()


def as_dict(row: Any, zone: ZoneInfo, *, now_us: int | None = None) -> dict[str, Any]:
    leased = row.lease_until is not None and (now_us is None or row.lease_until > now_us)
    return {
        "id": row.id,
        "key": row.key,
        "purpose": row.purpose,
        "adapter": row.adapter,
        "task": row.task_id,
        "staff": row.staff_external_id,
        "customer": row.customer_external_id,
        "status": row.status,
        "sending": bool(leased),
        "attempts": row.attempts,
        "in_doubt": bool(row.in_doubt),
        "next_attempt_at": _iso(row.next_attempt_at, zone) if row.status in ("queued", "sent") else None,
        "provider_ref": row.provider_ref,
        "last_error": row.last_error,
        "error_code": row.error_code,
        "created_at": _iso(row.created_at, zone),
        "sent_at": _iso(row.sent_at, zone),
        "delivered_at": _iso(row.delivered_at, zone),
        "updated_at": _iso(row.updated_at, zone),
    }


def _query() -> sa.Select[Any]:
    return sa.select(
        D,
        staff.c.external_id.label("staff_external_id"),
        customers.c.external_id.label("customer_external_id"),
    ).select_from(
        D.outerjoin(staff, staff.c.id == D.c.staff_id)
        .outerjoin(tasks, tasks.c.id == D.c.task_id)
        .outerjoin(customers, sa.and_(tasks.c.target_type == "customer", customers.c.id == tasks.c.target_id))
    )


def list_deliveries(
    conn: Connection, where: DeliveryFilter, zone: ZoneInfo, *, now_us: int | None = None
) -> list[dict[str, Any]]:
    """`now_us`: rows whose lease has run out by then (a dead worker's) are not shown as sending."""
    problems = []
    if where.status is not None and where.status not in STATUSES:
        problems.append(Problem("status", f"expected one of {', '.join(STATUSES)}, got {where.status!r}"))
    if problems:
        raise ValidationError(problems)
    query = _query()
    if where.status is not None:
        query = query.where(D.c.status == where.status)
    if where.adapter is not None:
        query = query.where(D.c.adapter == where.adapter)
    if where.purpose is not None:
        query = query.where(D.c.purpose == where.purpose)
    if where.task_id is not None:
        query = query.where(D.c.task_id == where.task_id)
    query = query.order_by(D.c.id.desc()).limit(where.limit).offset(where.offset)
    return [as_dict(row, zone, now_us=now_us) for row in conn.execute(query)]


def get_delivery(conn: Connection, delivery_id: int, zone: ZoneInfo, *, now_us: int | None = None) -> dict[str, Any]:
    row = conn.execute(_query().where(D.c.id == delivery_id)).first()
    if row is None:
        raise NotFoundError(f"no delivery {delivery_id}")
    result = as_dict(row, zone, now_us=now_us)
    result["payload"] = row.payload
    return result


def counts(conn: Connection) -> dict[str, dict[str, int]]:
    """{adapter: {status: count}} over the whole outbox (an index-only count per status)."""
    found: dict[str, dict[str, int]] = {}
    for adapter, status, count in conn.execute(
        sa.select(D.c.adapter, D.c.status, sa.func.count()).group_by(D.c.adapter, D.c.status)
    ):
        found.setdefault(adapter, {})[status] = int(count)
    return found


def _requeue(conn: Connection, delivery_id: int, *, now_us: int) -> None:
    """Put a dead or failed delivery back in the queue, from its first try. Its task must still
    be open (a reminder) or due (a send): the dispatcher re-checks and cancels it otherwise. An
    attempt whose outcome was unknown stays in doubt: the provider is asked before resending."""
    row = conn.execute(sa.select(D.c.status).where(D.c.id == delivery_id).with_for_update()).first()
    if row is None:
        raise NotFoundError(f"no delivery {delivery_id}")
    if row.status not in RETRYABLE:
        raise ValidationError(
            [Problem(f"delivery {delivery_id}", f"it is {row.status}; only dead or failed deliveries can be retried")]
        )
    conn.execute(
        sa.update(D)
        .where(D.c.id == delivery_id)
        .values(
            status="queued", attempts=0, next_attempt_at=now_us, lease_owner=None, lease_until=None, updated_at=now_us
        )
    )


def _requeue_dead(conn: Connection, *, adapter: str | None, now_us: int) -> int:
    where = [D.c.status == "dead"]
    if adapter is not None:
        where.append(D.c.adapter == adapter)
    return int(
        conn.execute(
            sa.update(D)
            .where(*where)
            .values(
                status="queued",
                attempts=0,
                next_attempt_at=now_us,
                lease_owner=None,
                lease_until=None,
                updated_at=now_us,
            )
        ).rowcount
    )


def retry(conn: Connection, delivery_id: int, *, actor: Actor, now_us: int) -> None:
    """Requeue a dead or failed delivery (ValidationError for any other) and audit it."""
    _requeue(conn, delivery_id, now_us=now_us)
    audit.record(
        conn,
        actor=actor,
        action="delivery.retry",
        subject_type="delivery",
        subject_id=str(delivery_id),
        now_us=now_us,
    )


def retry_dead(conn: Connection, *, actor: Actor, adapter: str | None = None, now_us: int) -> int:
    """Requeue every dead letter (of one adapter, when given) and audit how many."""
    count = _requeue_dead(conn, adapter=adapter, now_us=now_us)
    audit.record(
        conn,
        actor=actor,
        action="delivery.retry_dead",
        subject_type="delivery",
        subject_id=adapter or ALL_DEAD,
        now_us=now_us,
        detail={"adapter": adapter, "count": count},
    )
    return count


def of_task(conn: Connection, task_id: int) -> list[dict[str, Any]]:
    """A task's deliveries (its send, its reminder or its batch's reminder that names it), oldest first."""
    zone = brand_settings.load(conn).zone
    named = sa.select(delivery_tasks.c.delivery_id).where(delivery_tasks.c.task_id == task_id)
    rows = conn.execute(_query().where(sa.or_(D.c.task_id == task_id, D.c.id.in_(named))).order_by(D.c.id))
    return [as_dict(row, zone) for row in rows]
