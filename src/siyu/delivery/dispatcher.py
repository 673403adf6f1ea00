"""The dispatcher: claim due deliveries with a lease, hand each to its adapter outside any
transaction, write the result back while the lease is still ours.

Exactly once, step by step:
- one delivery row per task and purpose (a unique key), made with the task's `due`;
- a row is worked by one worker at a time (the lease), and its attempt is recorded as started
  before the provider is called;
- the same idempotency key and the same payload go to the provider on every attempt;
- a row whose last attempt has an unknown outcome (timeout, dead worker) is `in_doubt`: the
  adapter is first asked whether the provider already has it (`find`), and only a certain "no"
  sends again;
- a result is written back only if the lease is still ours; a worker that lost its lease (it
  took too long) leaves the row to the next one, which will find what it sent.
"""

from __future__ import annotations

import os
import random
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from siyu.brand import settings as brand_settings
from siyu.channels import stored as channels
from siyu.channels.base import Adapter, DeliveryError, Outgoing, Progress, Purpose, Receipt
from siyu.channels.delivery_settings import DeliverySettings
from siyu.core.reasons import Reason, ReasonCode, reason_columns
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import US_PER_SECOND, to_us
from siyu.delivery import compose, mass_sends
from siyu.delivery.adapters import FixedAdapters, StoredAdapters
from siyu.delivery.batches import for_batch, remind_in_batches
from siyu.delivery.decide import Decision, Policy, RecipientOutcome, TaskEffect, after_attempt, after_poll
from siyu.delivery.digests import enqueue_digests
from siyu.delivery.enqueue import OVER_ALLOWANCE, mass_sends_used, month_start_us, reminder_adapter
from siyu.delivery.lease import Lease, claim, write_back
from siyu.delivery.routing_state import Routing
from siyu.store.tables import deliveries, delivery_tasks, task_changes, tasks
from siyu.tasks import events as task_events

CHUNK = 500  # tasks per statement when a channel's answer settles many


def wall_clock_us() -> int:
    return time.time_ns() // 1000


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class DispatchReport:
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def claimed(self) -> int:
        return self.counts["claimed"]


@dataclass(frozen=True)
class Work:
    """One claimed row, ready for its adapter."""

    id: int
    purpose: Purpose
    adapter: str
    task_id: int | None
    status: str  # queued (an attempt) | sent (a poll)
    attempts: int
    in_doubt: bool
    created_at: int
    sent_at: int | None
    provider_ref: str | None
    item: Outgoing
    lease: Lease


Outcome = tuple[Work, Decision]


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        *,
        adapters: dict[str, Adapter] | None = None,
        clock_us: Callable[[], int] = wall_clock_us,
        owner: str | None = None,
        batch: int = 20,
        parallel: int = 4,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.engine = engine
        self._writer = engine.execution_options(siyu_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine
        self.adapters = FixedAdapters(adapters) if adapters is not None else StoredAdapters()
        self.clock_us = clock_us
        self.owner = owner or worker_name()
        self.batch = batch
        self.parallel = parallel
        self.draw = draw

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def close(self) -> None:
        self.adapters.close()

    # ------------------------------------------------------------------ one round

    def step(self) -> DispatchReport:
        """Make today's digests if it is time, claim a batch and work it; report what happened."""
        report = DispatchReport()
        now = self.clock_us()
        with self._begin() as conn:
            settings = channels.delivery_settings(conn)
            zone = brand_settings.load(conn).zone
            routing = Routing.load(conn)
            digests = enqueue_digests(conn, settings, routing, now_us=now, zone=zone)
            if digests:
                report.counts["digests"] += digests
            rows = claim(
                conn, owner=self.owner, now_us=now, lease_us=int(settings.lease_s * US_PER_SECOND), limit=self.batch
            )
            if rows:
                report.counts["claimed"] += len(rows)
            works: list[Work] = []
            for row in rows:
                prepared = self._prepare(conn, row, settings, routing, now_us=now, zone=zone)
                if isinstance(prepared, Work):
                    works.append(prepared)
                else:
                    report.counts[prepared] += 1
            adapters = self.adapters.current(conn)
        policy = _policy(settings)
        if works:
            with ThreadPoolExecutor(max_workers=min(self.parallel, len(works))) as pool:
                outcomes = list(pool.map(lambda w: self._work(w, adapters, policy), works))
            for work, decision in outcomes:
                report.counts[self._finish(work, decision, routing, zone=zone)] += 1
        return report

    def run(
        self,
        should_stop: Callable[[], bool],
        *,
        idle_s: float = 2.0,
        on_report: Callable[[DispatchReport], None] | None = None,
    ) -> None:
        """Rounds until `should_stop()`; sleeps `idle_s` when a round found nothing."""
        while not should_stop():
            report = self.step()
            if on_report is not None and report.counts:
                on_report(report)
            if report.claimed:
                continue
            deadline = time.monotonic() + idle_s
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(0.1, idle_s))

    # ------------------------------------------------------------------ the claim transaction

    def _prepare(
        self, conn: Connection, row: Any, settings: DeliverySettings, routing: Routing, *, now_us: int, zone: ZoneInfo
    ) -> Work | str:
        """The row's Outgoing (composed and stored on the first attempt), or the name of what
        happened instead (counted in the report)."""
        lease = Lease(self.owner, int(row.lease_until))
        purpose = Purpose(row.purpose)
        if row.payload is not None:
            item = compose.from_json(row.payload)
        else:
            public_url = settings.public_url
            if purpose is Purpose.digest:
                made = compose.for_digest(conn, row, public_url=public_url, now_us=now_us, zone=zone)
            elif row.batch_id is not None:
                made = for_batch(conn, row, public_url=public_url, zone=zone)
            elif row.task_id is None and purpose is Purpose.send:
                self._group_over_allowance(conn, row, routing, now_us=now_us, zone=zone)
                made = mass_sends.for_group(conn, row)
            else:
                made = compose.for_task(conn, row, public_url=public_url)
            if isinstance(made, str):
                write_back(
                    conn,
                    row.id,
                    lease,
                    {"status": "cancelled", "last_error": made, "attempt_started_at": None, "updated_at": now_us},
                )
                return "cancelled"
            item = made
            conn.execute(sa.update(deliveries).where(deliveries.c.id == row.id).values(payload=compose.to_json(item)))
        if (
            row.status == "queued"
            and row.task_id is not None
            and purpose is Purpose.send
            and row.adapter == "wecom"
            and item.channel == "private"
        ):
            over = self._over_allowance(conn, row, routing, now_us=now_us, zone=zone)
            if over:
                reason = OVER_ALLOWANCE.format(limit=routing.monthly_mass_sends)
                write_back(
                    conn,
                    row.id,
                    lease,
                    {"status": "cancelled", "last_error": reason, "attempt_started_at": None, "updated_at": now_us},
                )
                why = Reason.of(ReasonCode.mass_send_allowance, limit=routing.monthly_mass_sends)
                self._apply_task(
                    conn, row.task_id, TaskEffect.to_remind, why, routing, adapter=row.adapter, now_us=now_us
                )
                return "reminded"
        return Work(
            id=row.id,
            purpose=purpose,
            adapter=row.adapter,
            task_id=row.task_id,
            status=row.status,
            attempts=row.attempts,
            in_doubt=bool(row.in_doubt),
            created_at=row.created_at,
            sent_at=row.sent_at,
            provider_ref=row.provider_ref,
            item=item,
            lease=lease,
        )

    def _over_allowance(self, conn: Connection, row: Any, routing: Routing, *, now_us: int, zone: ZoneInfo) -> bool:
        target = conn.execute(
            sa.select(tasks.c.target_type, tasks.c.target_id).where(tasks.c.id == row.task_id)
        ).first()
        if target is None or target.target_type != "customer":
            return False
        used = conn.execute(
            sa.select(mass_sends_used(target.target_id, since_us=month_start_us(now_us, zone), before_id=row.id))
        ).scalar_one()
        return int(used) >= routing.monthly_mass_sends

    def _group_over_allowance(
        self, conn: Connection, row: Any, routing: Routing, *, now_us: int, zone: ZoneInfo
    ) -> None:
        """Before a grouped send is first composed: its customers who have had this month's mass
        sends (counting only earlier deliveries) leave the group and are reminded instead."""
        used = mass_sends_used(tasks.c.target_id, since_us=month_start_us(now_us, zone), before_id=row.id)
        over = conn.execute(
            sa.select(tasks.c.id)
            .select_from(delivery_tasks.join(tasks, tasks.c.id == delivery_tasks.c.task_id))
            .where(
                delivery_tasks.c.delivery_id == row.id,
                tasks.c.status == TaskStatus.due.value,
                tasks.c.mode == "auto",
                used >= routing.monthly_mass_sends,
            )
        ).scalars()
        why = Reason.of(ReasonCode.mass_send_allowance, limit=routing.monthly_mass_sends)
        for task_id in list(over):
            link = [delivery_tasks.c.delivery_id == row.id, delivery_tasks.c.task_id == task_id]
            conn.execute(sa.delete(delivery_tasks).where(*link))
            self._apply_task(conn, int(task_id), TaskEffect.to_remind, why, routing, adapter=row.adapter, now_us=now_us)

    # ------------------------------------------------------------------ outside any transaction

    def _work(self, work: Work, adapters: dict[str, Adapter] | Any, policy: Policy) -> Outcome:
        adapter: Adapter | None = adapters.get(work.adapter)
        now = self.clock_us
        if adapter is None:
            error = DeliveryError(f"no adapter named {work.adapter}", permanent=True, code="siyu:no_adapter")
            return work, after_attempt(
                error,
                purpose=work.purpose,
                attempts=work.attempts,
                still_in_doubt=work.in_doubt,
                policy=policy,
                now_us=now(),
                draw=self.draw(),
            )
        if work.status == "sent":
            progress: Progress | DeliveryError
            try:
                progress = adapter.poll(work.item, Receipt(work.provider_ref))
            except DeliveryError as exc:
                progress = exc
            return work, after_poll(
                progress,
                purpose=work.purpose,
                sent_at_us=work.sent_at or work.created_at,
                policy=policy,
                now_us=now(),
                draw=self.draw(),
            )
        result: Receipt | DeliveryError
        still_in_doubt = work.in_doubt
        try:
            found = None
            if work.in_doubt:
                found = adapter.find(work.item, since_s=work.created_at // US_PER_SECOND - 60)
                still_in_doubt = False
            result = found if found is not None else adapter.send(work.item)
        except DeliveryError as exc:
            result = exc
        except Exception as exc:  # a bug in an adapter must not kill the worker: a transient, visible failure
            result = DeliveryError(
                f"{type(exc).__name__}: {exc}", permanent=False, in_doubt=True, code="siyu:adapter_bug"
            )
        return work, after_attempt(
            result,
            purpose=work.purpose,
            attempts=work.attempts,
            still_in_doubt=still_in_doubt,
            policy=policy,
            now_us=now(),
            draw=self.draw(),
        )

    # ------------------------------------------------------------------ writing back

    def _finish(self, work: Work, decision: Decision, routing: Routing, *, zone: ZoneInfo) -> str:
        now = self.clock_us()
        with self._begin() as conn:
            if not write_back(conn, work.id, work.lease, decision.values):
                return "lease_lost"
            # the tasks the delivery carries: its own, or a grouped send's by recipient
            carried = {"": work.task_id} if work.task_id is not None else _carried(work)
            every = list(carried.values())
            if decision.task is not None:
                effect, why = decision.task, decision.reason
                self._apply_tasks(conn, every, effect, why, routing, adapter=work.adapter, now_us=now)
            for what in decision.events:
                task_events.record_all(conn, every, what, now_us=now, zone=zone)
            # a grouped send's settled recipients, alike outcomes together
            alike: dict[str, tuple[RecipientOutcome, list[int]]] = {}
            for outcome in decision.each:
                if outcome.recipient in carried:
                    same = alike.setdefault(repr((outcome.task, outcome.reason, outcome.events)), (outcome, []))
                    same[1].append(carried[outcome.recipient])
            for outcome, ids in alike.values():
                if outcome.task is not None:
                    effect, why = outcome.task, outcome.reason
                    self._apply_tasks(conn, ids, effect, why, routing, adapter=work.adapter, now_us=now)
                for what in outcome.events:
                    task_events.record_all(conn, ids, what, now_us=now, zone=zone)
        return str(decision.values.get("status") or "polled")

    def _apply_task(
        self,
        conn: Connection,
        task_id: int,
        effect: TaskEffect,
        reason: Reason | str | None,
        routing: Routing,
        *,
        adapter: str,
        now_us: int,
    ) -> None:
        self._apply_tasks(conn, [task_id], effect, reason, routing, adapter=adapter, now_us=now_us)

    def _apply_tasks(
        self,
        conn: Connection,
        task_ids: list[int],
        effect: TaskEffect,
        reason: Reason | str | None,
        routing: Routing,
        *,
        adapter: str,
        now_us: int,
    ) -> None:
        """What a channel's answer does to tasks (set-based, CHUNK at a time): each task still in
        a status the effect applies to moves, with its history."""
        actor = f"channel:{adapter}"
        values: dict[str, Any]
        stored = reason_columns(reason)
        if effect is TaskEffect.sent:
            stored = reason_columns(None)
            status, allowed, values = TaskStatus.sent, (TaskStatus.due, TaskStatus.expired), stored
        elif effect is TaskEffect.failed:
            status, allowed, values = TaskStatus.failed, (TaskStatus.due, TaskStatus.sent), stored
        else:
            status, allowed, values = TaskStatus.due, (TaskStatus.due, TaskStatus.sent), {**stored, "mode": "remind"}
        for start in range(0, len(task_ids), CHUNK):
            moved = (
                conn.execute(
                    sa.update(tasks)
                    .where(
                        tasks.c.id.in_(task_ids[start : start + CHUNK]), tasks.c.status.in_([s.value for s in allowed])
                    )
                    .values(status=status.value, updated_at=now_us, **values)
                    .returning(tasks.c.id)
                )
                .scalars()
                .all()
            )
            if not moved:
                continue
            history = [{"task_id": i, "at": now_us, "status": status.value, "actor": actor, **stored} for i in moved]
            conn.execute(sa.insert(task_changes), history)
            if effect is TaskEffect.to_remind:
                remind_in_batches(conn, [tasks.c.id.in_(moved)], adapter=reminder_adapter(routing), now_us=now_us)


def _carried(work: Work) -> dict[str, int]:
    """A grouped send's tasks by recipient (as composed: compose.to_json keeps them)."""
    if work.purpose is not Purpose.send:
        return {}
    named = work.item.extra.get("tasks") or {}
    return {str(recipient): int(task_id) for recipient, task_id in named.items()}


def _policy(settings: DeliverySettings) -> Policy:
    return Policy(
        max_attempts=settings.max_attempts,
        retry_base_s=settings.retry_base_s,
        retry_cap_s=settings.retry_cap_s,
        poll_every_s=settings.poll_every_s,
    )


def at(moment: Any) -> Callable[[], int]:
    """A fixed clock (tests, `--now`)."""
    fixed = to_us(moment)
    return lambda: fixed
