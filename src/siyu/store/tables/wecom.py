"""What siyu keeps from WeCom itself: the corp's customer tags (their ids, for moments'
visibility) and the customers whose WeCom profile is still to be fetched."""

from __future__ import annotations

import sqlalchemy as sa

from siyu.store.tables.schema import Instant, metadata

# the corp's customer tags (客户标签) as externalcontact/get_corp_tag_list last listed them; a
# name may stand in several tag groups, so it is not unique
wecom_corp_tags = sa.Table(
    "wecom_corp_tags",
    metadata,
    sa.Column("tag_id", sa.String(128), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),  # siyu's tag names are at most 100 characters
    sa.Column("group_id", sa.String(128), nullable=False),
    sa.Column("group_name", sa.String(100), nullable=False),
    sa.Column("synced_at", Instant, nullable=False),
    sa.Index("ix_wecom_corp_tags_name", "name"),
)

# customers whose profile (externalcontact/get) is to be fetched: queued by WeCom's callbacks and
# by the backfill, claimed by a worker for `lease` (next_attempt_at moves ahead), deleted once
# stored; a permanent refusal stays as status failed with WeCom's reason
wecom_profile_fetches = sa.Table(
    "wecom_profile_fetches",
    metadata,
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("status", sa.String(8), nullable=False),  # queued | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Instant, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("error_code", sa.String(64), nullable=True),
    sa.Column("created_at", Instant, nullable=False),
    sa.Column("updated_at", Instant, nullable=False),
    sa.Index("ix_wecom_profile_fetches_work", "status", "next_attempt_at"),
)
