"""Import jobs started from the console or the API."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, Json, metadata

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
