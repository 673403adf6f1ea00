"""Channels (adapters with their settings and secrets) and deliveries."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, Json, metadata

# one row per adapter (inbox, wecom, webhook, sms): its settings and, apart, its secrets, which
# are written but never read back out through the API or console
channels = sa.Table(
    "channels",
    metadata,
    sa.Column("name", sa.String(16), primary_key=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("settings", Json, nullable=False),
    sa.Column("secrets", Json, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
)

# the outbox: one row per thing to hand to a channel — a task sent automatically, a staff member
# reminded of a task, a staff member's daily digest. `key` is the idempotency key sent to the
# provider ("task:42:send"); a worker claims a row with a lease before calling the provider
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("purpose", sa.String(8), nullable=False),  # send | remind | digest
    sa.Column("adapter", sa.String(16), nullable=False),  # inbox | wecom | webhook | sms
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=True),
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=True),
    # a batch's reminder (its tasks in delivery_tasks); task_id is then empty
    sa.Column("batch_id", sa.BigInteger, sa.ForeignKey("task_batches.id", ondelete="CASCADE"), nullable=True),
    # queued | sending | sent | delivered | failed | dead (retries used up: the dead-letter list)
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Instant, nullable=False),  # also the next poll of a sent row
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", Instant, nullable=True),
    # an attempt whose outcome is unknown (a timeout, a worker that died mid-call): the next
    # attempt first asks the provider whether it arrived
    sa.Column("in_doubt", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("attempt_started_at", Instant, nullable=True),
    sa.Column("provider_ref", sa.String(200), nullable=True),  # msgid, jobid…
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("error_code", sa.String(64), nullable=True),
    sa.Column("payload", Json, nullable=True),  # what was handed to the provider, once tried
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("sent_at", Instant, nullable=True),
    sa.Column("delivered_at", Instant, nullable=True),
    sa.Column("updated_at", Instant, nullable=False),
    sa.Index("ix_deliveries_work", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_task", "task_id"),
    sa.Index("ix_deliveries_adapter", "adapter", "status", "id"),
    sa.Index("ix_deliveries_batch", "batch_id"),
)

# the tasks one delivery carries when it carries more than one: the tasks a batch reminder
# announces (each task is announced by one reminder: a later one names only tasks new to the batch)
delivery_tasks = sa.Table(
    "delivery_tasks",
    metadata,
    sa.Column("delivery_id", sa.BigInteger, sa.ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("purpose", sa.String(8), nullable=False),
    sa.UniqueConstraint("task_id", "purpose", name="uq_delivery_tasks_task"),
)
