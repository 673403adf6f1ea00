"""The schema. Instants are BIGINT microseconds since the epoch (UTC); local days are INTEGER
day numbers in the brand's time zone (see core.timeutil). Link tables are WITHOUT ROWID on
SQLite so that their secondary indexes cover the whole row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

Json = sa.JSON().with_variant(JSONB(), "postgresql")
Instant = sa.BigInteger  # microseconds since the epoch, UTC


def _stamps() -> list[sa.Column[int]]:
    return [
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
    ]


def _owned_by(owner: str, parent: str) -> sa.Column[int]:
    """The key column of a row that belongs to a staff member, customer or group (deleted with it)."""
    return sa.Column(f"{owner}_id", sa.Integer, sa.ForeignKey(f"{parent}.id", ondelete="CASCADE"), primary_key=True)


def _tag_table(name: str, owner: str, parent: str) -> sa.Table:
    """Tags of staff, customers or groups: one row per (owner, tag), indexed by tag."""
    return sa.Table(
        name,
        metadata,
        _owned_by(owner, parent),
        sa.Column("tag", sa.String(100), primary_key=True),
        sa.Index(f"ix_{name}_tag", "tag", f"{owner}_id"),
        sqlite_with_rowid=False,
    )


staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("manager_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    *_stamps(),
)

staff_roles = sa.Table(
    "staff_roles",
    metadata,
    _owned_by("staff", "staff"),
    sa.Column("role", sa.String(100), primary_key=True),
    sa.Index("ix_staff_roles_role", "role", "staff_id"),
    sqlite_with_rowid=False,
)

staff_tags = _tag_table("staff_tags", "staff", "staff")

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("birthday", sa.Date, nullable=True),
    # month * 100 + day of the birthday, so that "birthday today" is an indexed IN list
    sa.Column("birthday_md", sa.SmallInteger, nullable=True),
    *_stamps(),
    sa.Index("ix_customers_owner_id", "owner_id"),
    sa.Index("ix_customers_birthday_md", "birthday_md"),
    # search by the start of a name; PostgreSQL builds it in the "C" collation (migration 0006)
    sa.Index("ix_customers_name", "name", "id"),
)


def _attribute_table(name: str, owner: str, parent: str) -> sa.Table:
    """Attributes of customers or groups, normalised by core.values.normalize."""
    return sa.Table(
        name,
        metadata,
        _owned_by(owner, parent),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value_text", sa.Text, nullable=False),
        sa.Column("value_num", sa.Float(precision=53), nullable=True),
        sa.Column("value_day", sa.Integer, nullable=True),
        sa.Index(f"ix_{name}_text", "key", "value_text", f"{owner}_id"),
        # most values are text: the number and date indexes only hold values that are numbers / dates
        sa.Index(
            f"ix_{name}_num",
            "key",
            "value_num",
            f"{owner}_id",
            sqlite_where=sa.text("value_num IS NOT NULL"),
            postgresql_where=sa.text("value_num IS NOT NULL"),
        ),
        sa.Index(
            f"ix_{name}_day",
            "key",
            "value_day",
            f"{owner}_id",
            sqlite_where=sa.text("value_day IS NOT NULL"),
            postgresql_where=sa.text("value_day IS NOT NULL"),
        ),
        sqlite_with_rowid=False,
    )


customer_attributes = _attribute_table("customer_attributes", "customer", "customers")

customer_tags = _tag_table("customer_tags", "customer", "customers")

chat_groups = sa.Table(
    "chat_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    *_stamps(),
)

group_attributes = _attribute_table("group_attributes", "group", "chat_groups")

group_tags = _tag_table("group_tags", "group", "chat_groups")

group_roles = sa.Table(
    "group_roles",
    metadata,
    _owned_by("group", "chat_groups"),
    _owned_by("staff", "staff"),
    sa.Column("role", sa.String(100), primary_key=True),
    sa.Index("ix_group_roles_staff_id", "staff_id"),
    sqlite_with_rowid=False,
)

group_members = sa.Table(
    "group_members",
    metadata,
    _owned_by("group", "chat_groups"),
    _owned_by("customer", "customers"),
    sa.Column("created_at", Instant, nullable=False),
    sa.Index("ix_group_members_customer_id", "customer_id", "group_id"),
    sqlite_with_rowid=False,
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("external_id", sa.String(128), nullable=False, unique=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=True),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("chat_groups.id", ondelete="CASCADE"), nullable=True),
    sa.Column("at", Instant, nullable=False),
    sa.Column("day", sa.Integer, nullable=False),
    sa.Column("properties", Json, nullable=False),
    sa.CheckConstraint("customer_id IS NOT NULL OR group_id IS NOT NULL", name="has_target"),
    sa.Index("ix_events_type_at", "type", "at", "customer_id"),
    sa.Index("ix_events_customer", "customer_id", "type", "at"),
    sa.Index(
        "ix_events_group",
        "group_id",
        "type",
        "at",
        sqlite_where=sa.text("group_id IS NOT NULL"),
        postgresql_where=sa.text("group_id IS NOT NULL"),
    ),
)

sops = sa.Table(
    "sops",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    # when the SOP was last switched on: event entries only count events after it
    sa.Column("enabled_at", Instant, nullable=True),
    *_stamps(),
)

sop_versions = sa.Table(
    "sop_versions",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_file", sa.Text, nullable=True),
    sa.Column("definition", Json, nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),
    sa.Column("created_at", Instant, nullable=False),
)

brand_settings = sa.Table(
    "brand_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", Json, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
)


# ---------------------------------------------------------------- the planner

TargetType = sa.String(16)  # "customer" | "group" | "staff"

sop_state = sa.Table(
    "sop_state",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    # the version whose pending tasks the planner has brought in line (re-planning after an edit)
    sa.Column("planned_version", sa.Integer, nullable=True),
    # the planning `now` of the last audience check (entries, leaving, exits)
    sa.Column("audience_checked_at", Instant, nullable=True),
    # events with a larger id have not been looked at for event entries / on-event steps
    sa.Column("event_watermark", sa.BigInteger, nullable=False, server_default="0"),
    # recurring occurrences are made for every active entry up to this instant; while a pass
    # is under way, `recurring_cursor` is the last entry id done and `recurring_target` its goal
    sa.Column("recurring_until", Instant, nullable=True),
    sa.Column("recurring_target", Instant, nullable=True),
    sa.Column("recurring_cursor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("last_tick_at", Instant, nullable=True),
)

# events dated in the future when an SOP first looked at them: taken once their time has come
sop_waiting_events = sa.Table(
    "sop_waiting_events",
    metadata,
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("event_id", sa.BigInteger, primary_key=True),
    sa.Column("at", Instant, nullable=False),
    sa.Index("ix_sop_waiting_events_at", "sop_id", "at"),
)

sop_entries = sa.Table(
    "sop_entries",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("target_type", TargetType, nullable=False),
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("entry_no", sa.Integer, nullable=False),
    sa.Column("entered_at", Instant, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("holdout", sa.Boolean, nullable=False),
    sa.Column("source_event_id", sa.BigInteger, nullable=True),
    # the version whose one-off steps have been made into tasks for this entry (None: not yet)
    sa.Column("planned_version", sa.Integer, nullable=True),
    # the audience stopped holding at this planning `now` (re-entry `always` waits for it)
    sa.Column("left_at", Instant, nullable=True),
    sa.Column("exited_at", Instant, nullable=True),
    sa.Column("exit_reason", sa.Text, nullable=True),  # a core.reasons.ReasonCode
    sa.Column("exit_params", Json, nullable=True),
    sa.UniqueConstraint("sop_id", "target_type", "target_id", "entry_no", name="uq_sop_entries_occurrence"),
    sa.Index("ix_sop_entries_target", "target_type", "target_id"),
    # at most one open entry per SOP and target
    sa.Index(
        "uq_sop_entries_open",
        "sop_id",
        "target_type",
        "target_id",
        unique=True,
        sqlite_where=sa.text("exited_at IS NULL"),
        postgresql_where=sa.text("exited_at IS NULL"),
    ),
    sa.Index(
        "ix_sop_entries_unplanned",
        "sop_id",
        "id",
        sqlite_where=sa.text("exited_at IS NULL"),
        postgresql_where=sa.text("exited_at IS NULL"),
    ),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("sop_id", sa.String(100), sa.ForeignKey("sops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("sop_version", sa.Integer, nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("target_type", TargetType, nullable=False),
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("entry_no", sa.Integer, nullable=False),  # 0 for work that belongs to no entry
    sa.Column("scheduled_at", Instant, nullable=False),  # the occurrence, before any adjustment
    sa.Column("wanted_at", Instant, nullable=False),  # after workdays and quiet hours, before caps
    sa.Column("due_at", Instant, nullable=False),  # after caps too
    # a customer-facing task whose day has not yet been checked against the brand's caps
    sa.Column("cap_pending", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(8), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("executor_id", sa.Integer, sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("variant", sa.String(100), nullable=True),
    sa.Column("event_id", sa.BigInteger, nullable=True),  # the event an `on:` step answers
    sa.Column("content", Json, nullable=True),  # rendered when the task becomes due
    # why it was deferred, skipped, cancelled…: a core.reasons code with its parameters, or the
    # text a person gave (a skip) or a channel answered (a failure)
    sa.Column("reason_code", sa.String(40), nullable=True),
    sa.Column("reason_params", Json, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
    sa.UniqueConstraint(
        "sop_id", "step_id", "target_type", "target_id", "entry_no", "scheduled_at", name="uq_tasks_occurrence"
    ),
    sa.Index("ix_tasks_status_due", "status", "due_at"),
    sa.Index("ix_tasks_executor", "executor_id", "due_at"),
    sa.Index("ix_tasks_target", "target_type", "target_id", "due_at"),
    sa.Index("ix_tasks_sop", "sop_id", "status"),
    sa.Index(
        "ix_tasks_cap_pending",
        "target_id",
        sqlite_where=sa.text("cap_pending"),
        postgresql_where=sa.text("cap_pending"),
    ),
)

task_changes = sa.Table(
    "task_changes",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", Instant, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),  # "planner", "cli", "staff:E001"…
    sa.Column("reason_code", sa.String(40), nullable=True),
    sa.Column("reason_params", Json, nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Index("ix_task_changes_task", "task_id", "at"),
)


# ---------------------------------------------------------------- accounts

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
    sa.Column("role", sa.String(16), nullable=False),  # admin | operator | staff
    # a staff user works as this staff member: sees only their tasks and customers
    sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="SET NULL"), nullable=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("locale", sa.String(8), nullable=False, server_default="zh-CN"),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    *_stamps(),
)

user_sessions = sa.Table(
    "user_sessions",
    metadata,
    # SHA-256 of the cookie value: a copy of the database opens no session
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("expires_at", Instant, nullable=False),
    sa.Index("ix_user_sessions_user", "user_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),  # shown in lists so a token can be recognised
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("last_used_at", Instant, nullable=True),
    sa.Column("revoked_at", Instant, nullable=True),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),  # the client's address
    sa.Column("at", Instant, nullable=False),
    sa.Column("succeeded", sa.Boolean, nullable=False),
    sa.Index("ix_login_attempts_username", "username", "at"),
    sa.Index("ix_login_attempts_client", "client", "at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", Instant, nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("actor", sa.String(200), nullable=False),  # the username (kept when the user is gone), or "cli"
    sa.Column("action", sa.String(64), nullable=False),  # "sop.apply", "task.done", "settings.set"…
    sa.Column("subject_type", sa.String(32), nullable=False),
    sa.Column("subject_id", sa.String(200), nullable=False),
    sa.Column("detail", Json, nullable=True),
    sa.Index("ix_audit_log_subject", "subject_type", "subject_id", "at"),
    sa.Index("ix_audit_log_at", "at"),
)


# ---------------------------------------------------------------- import jobs (console / API uploads)

import_jobs = sa.Table(
    "import_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # staff | customers | groups | members | tags | events
    sa.Column("filename", sa.String(255), nullable=False),  # as uploaded (its base name)
    sa.Column("format", sa.String(8), nullable=False),  # csv | jsonl | xlsx
    sa.Column("status", sa.String(16), nullable=False),  # queued | running | done | failed
    sa.Column("skip_invalid", sa.Boolean, nullable=False),
    sa.Column("upload_path", sa.Text, nullable=False),  # the saved upload, removed when the job ends
    # progress is in bytes of the file (rows are only known once read)
    sa.Column("bytes_total", sa.BigInteger, nullable=False),
    sa.Column("bytes_done", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rows", sa.BigInteger, nullable=True),  # data rows read, once done
    sa.Column("inserted", sa.BigInteger, nullable=True),
    sa.Column("updated", sa.BigInteger, nullable=True),
    sa.Column("unchanged", sa.BigInteger, nullable=True),
    sa.Column("rejected", sa.BigInteger, nullable=True),
    sa.Column("problems", Json, nullable=True),  # the first located problems of a failed import
    sa.Column("problem_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("failure", sa.String(16), nullable=True),  # invalid | interrupted | internal
    sa.Column("rejected_file", sa.Text, nullable=True),  # path of the rejected rows (skip_invalid)
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("started_at", Instant, nullable=True),
    sa.Column("finished_at", Instant, nullable=True),
    sa.Column("heartbeat_at", Instant, nullable=False),  # last sign of life; a stale running job died
    sa.Index("ix_import_jobs_status", "status", "heartbeat_at"),
)


# ---------------------------------------------------------------- channels and delivery

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
)
