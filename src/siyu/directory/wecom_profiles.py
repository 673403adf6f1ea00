"""Customers' WeCom profiles (externalcontact/get): the queue (table wecom_profile_fetches) and
what a fetched profile changes.

A customer created by a WeCom callback knows only its external_userid, so scripts would greet
"你好呀，" nobody. The callback queues the customer (cheap, in its own transaction) and answers
WeCom at once; a worker claims due rows in batches, calls WeCom outside any transaction, and
stores the answers: the name (only when siyu has none — an import's name wins), the gender
(attribute `gender`, male | female, only when siyu has none) and the avatar (attribute
`wecom_avatar`) and the owner's remark (attribute `wecom_remark`), which WeCom keeps current.
A transient failure is retried with backoff (core.retry); a permanent one (not a customer of
this corp) or MAX_ATTEMPTS of them leaves the row as `failed` with WeCom's reason, until the
backfill queues it again."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.channels.base import DeliveryError
from siyu.channels.wecom.contacts import Profile
from siyu.core.retry import backoff_s
from siyu.core.timeutil import US_PER_SECOND
from siyu.core.values import normalize
from siyu.store.sql import insert_ignoring
from siyu.store.tables import customer_attributes, customers, staff, wecom_profile_fetches

QUEUED = "queued"
FAILED = "failed"
MAX_ATTEMPTS = 8
LEASE_S = 300  # a claimed row is not claimed again meanwhile (a worker that dies mid-batch loses nothing)
BASE_S, CAP_S = 30.0, 6 * 3600.0
EXTERNAL_PREFIXES = ("wm", "wo")  # WeCom's external user ids; other customers are not WeCom contacts
NAME_MAX = 200
GENDER, AVATAR, REMARK = "gender", "wecom_avatar", "wecom_remark"


@dataclass(frozen=True)
class Claimed:
    customer_id: int
    external_id: str
    owner: str | None  # the owner's WeCom UserID, whose remark is kept
    attempts: int


@dataclass
class FetchReport:
    stored: int = 0
    retrying: int = 0
    failed: list[str] = field(default_factory=list)  # "external_id: reason" of rows given up on


def _is_wecom_customer() -> sa.ColumnElement[bool]:
    return sa.or_(*(customers.c.external_id.startswith(prefix) for prefix in EXTERNAL_PREFIXES))


def queue(conn: Connection, external_ids: Collection[str], *, now_us: int) -> int:
    """Queue these customers (WeCom contacts among them) for a fetch now; a failed row is queued
    again (a new callback: the friendship may exist now). How many rows were queued."""
    ids = sorted({i for i in external_ids if i.startswith(EXTERNAL_PREFIXES)})
    if not ids:
        return 0
    chosen = sa.select(customers.c.id).where(customers.c.external_id.in_(ids))
    return _queue(conn, chosen, now_us=now_us, again=True)


def queue_nameless(conn: Connection, *, now_us: int, again: bool = False) -> int:
    """The backfill: queue every WeCom customer without a name that is not queued yet (and,
    with `again`, those that failed). One INSERT … SELECT, however many customers."""
    chosen = sa.select(customers.c.id).where(customers.c.name == "", _is_wecom_customer())
    return _queue(conn, chosen, now_us=now_us, again=again)


def _queue(conn: Connection, chosen: sa.Select[tuple[int]], *, now_us: int, again: bool) -> int:
    f = wecom_profile_fetches
    requeued = 0
    if again:
        requeued = conn.execute(
            sa.update(f)
            .where(f.c.status == FAILED, f.c.customer_id.in_(chosen))
            .values(status=QUEUED, attempts=0, next_attempt_at=now_us, updated_at=now_us)
        ).rowcount
    rows = sa.select(
        customers.c.id,
        sa.literal(QUEUED),
        sa.literal(0),
        sa.literal(now_us),
        sa.literal(now_us),
        sa.literal(now_us),
    ).where(customers.c.id.in_(chosen))
    columns = ("customer_id", "status", "attempts", "next_attempt_at", "created_at", "updated_at")
    statement = insert_ignoring(conn, f, ("customer_id",)).from_select(columns, rows)
    inserted = len(conn.execute(statement.returning(f.c.customer_id)).all())  # rowcount is -1 here on psycopg
    return int(requeued) + inserted


def claim(conn: Connection, *, now_us: int, limit: int) -> list[Claimed]:
    """Up to `limit` due rows, oldest first, leased for LEASE_S."""
    f = wecom_profile_fetches
    owner = sa.select(staff.c.external_id).where(staff.c.id == customers.c.owner_id).scalar_subquery()
    due = conn.execute(
        sa.select(f.c.customer_id, f.c.attempts, customers.c.external_id, owner.label("owner"))
        .select_from(f.join(customers, customers.c.id == f.c.customer_id))
        .where(f.c.status == QUEUED, f.c.next_attempt_at <= now_us)
        .order_by(f.c.next_attempt_at, f.c.customer_id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=f)
    ).all()
    if not due:
        return []
    ids = [row.customer_id for row in due]
    conn.execute(sa.update(f).where(f.c.customer_id.in_(ids)).values(next_attempt_at=now_us + LEASE_S * US_PER_SECOND))
    return [Claimed(row.customer_id, row.external_id, row.owner, int(row.attempts)) for row in due]


def store(conn: Connection, claimed: Claimed, profile: Profile, *, now_us: int) -> None:
    """Write a fetched profile and take the customer off the queue."""
    name = profile.name[:NAME_MAX]
    if name:
        conn.execute(
            sa.update(customers)
            .where(customers.c.id == claimed.customer_id, customers.c.name == "")
            .values(name=name, updated_at=now_us)
        )
    a = customer_attributes
    kept = set(conn.execute(sa.select(a.c.key).where(a.c.customer_id == claimed.customer_id)).scalars())
    values = {AVATAR: profile.avatar, REMARK: profile.remark_by(claimed.owner)}
    if profile.gender and GENDER not in kept:
        values[GENDER] = profile.gender
    replaced = [key for key in (AVATAR, REMARK) if key in kept]
    if replaced:
        conn.execute(sa.delete(a).where(a.c.customer_id == claimed.customer_id, a.c.key.in_(replaced)))
    rows = [_attribute(claimed.customer_id, key, value) for key, value in values.items() if value]
    if rows:
        conn.execute(sa.insert(a), rows)
    conn.execute(sa.delete(wecom_profile_fetches).where(wecom_profile_fetches.c.customer_id == claimed.customer_id))


def _attribute(customer_id: int, key: str, text: str) -> dict[str, object]:
    value = normalize(text)
    return {
        "customer_id": customer_id,
        "key": key,
        "kind": value.kind,
        "value_text": value.text,
        "value_num": value.num,
        "value_day": value.day,
    }


def record_failure(conn: Connection, claimed: Claimed, error: DeliveryError, *, now_us: int, draw: float) -> str | None:
    """After a failed fetch: retry later, or give up (permanent, or MAX_ATTEMPTS tries). Returns
    the reason when the row was given up on."""
    f = wecom_profile_fetches
    attempts = claimed.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "last_error": error.message[:2000],
        "error_code": (error.code or "")[:64] or None,
        "updated_at": now_us,
    }
    given_up = error.permanent or attempts >= MAX_ATTEMPTS
    if given_up:
        values["status"] = FAILED
    else:
        wait = backoff_s(attempts, base_s=BASE_S, cap_s=CAP_S, draw=draw, at_least_s=error.retry_after_s)
        values["next_attempt_at"] = now_us + int(wait * US_PER_SECOND)
    conn.execute(sa.update(f).where(f.c.customer_id == claimed.customer_id).values(**values))
    return error.message if given_up else None


Fetch = Callable[[str], Profile]


def fetch_due(
    begin: Callable[[], AbstractContextManager[Connection]],
    fetch: Fetch,
    *,
    now_us: int,
    batch: int,
    draw: Callable[[], float],
) -> FetchReport:
    """One batch: claim (one transaction), call WeCom for each (no transaction open), store the
    answers and failures (one transaction)."""
    report = FetchReport()
    with begin() as conn:
        claimed = claim(conn, now_us=now_us, limit=batch)
    outcomes: list[tuple[Claimed, Profile | DeliveryError]] = []
    for item in claimed:
        try:
            outcomes.append((item, fetch(item.external_id)))
        except DeliveryError as error:
            outcomes.append((item, error))
    if not outcomes:
        return report
    with begin() as conn:
        for item, outcome in outcomes:
            if isinstance(outcome, Profile):
                store(conn, item, outcome, now_us=now_us)
                report.stored += 1
                continue
            reason = record_failure(conn, item, outcome, now_us=now_us, draw=draw())
            if reason is None:
                report.retrying += 1
            else:
                report.failed.append(f"{item.external_id}: {reason}")
    return report


def counts(conn: Connection) -> dict[str, int]:
    """Rows in the queue by status."""
    f = wecom_profile_fetches
    rows = conn.execute(sa.select(f.c.status, sa.func.count()).group_by(f.c.status)).all()
    found = {str(status): int(count) for status, count in rows}
    return {QUEUED: found.get(QUEUED, 0), FAILED: found.get(FAILED, 0)}


def failures(conn: Connection, *, limit: int = 20) -> Sequence[tuple[str, str]]:
    """(external id, reason) of failed rows, newest first."""
    f = wecom_profile_fetches
    rows = conn.execute(
        sa.select(customers.c.external_id, f.c.last_error)
        .select_from(f.join(customers, customers.c.id == f.c.customer_id))
        .where(f.c.status == FAILED)
        .order_by(f.c.updated_at.desc())
        .limit(limit)
    ).all()
    return [(row.external_id, row.last_error or "") for row in rows]
