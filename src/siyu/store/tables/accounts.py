"""Users, their sessions and API tokens, login attempts and the audit log."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, Json, metadata, stamps

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
    *stamps(),
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
