"""The schema, one module per area; every table and shared type is importable from here.
Instants are BIGINT microseconds since the epoch (UTC); local days are INTEGER day numbers in
the brand's time zone (see core.timeutil)."""

from siyu.store.tables.accounts import api_tokens, audit_log, login_attempts, user_sessions, users
from siyu.store.tables.brand_data import (
    chat_groups,
    customer_attributes,
    customer_tags,
    customers,
    events,
    group_attributes,
    group_members,
    group_roles,
    group_tags,
    staff,
    staff_roles,
    staff_tags,
)
from siyu.store.tables.delivery import channels, deliveries, delivery_tasks
from siyu.store.tables.imports import import_jobs
from siyu.store.tables.planning import (
    brand_settings,
    calendar_state,
    sop_entries,
    sop_state,
    sop_versions,
    sop_waiting_events,
    sops,
    task_batches,
    task_changes,
    tasks,
)
from siyu.store.tables.schema import NAMING_CONVENTION, Instant, Json, TargetType, metadata
from siyu.store.tables.wecom import wecom_corp_tags, wecom_profile_fetches

__all__ = [
    "NAMING_CONVENTION",
    "Instant",
    "Json",
    "TargetType",
    "api_tokens",
    "audit_log",
    "brand_settings",
    "calendar_state",
    "channels",
    "chat_groups",
    "customer_attributes",
    "customer_tags",
    "customers",
    "deliveries",
    "delivery_tasks",
    "events",
    "group_attributes",
    "group_members",
    "group_roles",
    "group_tags",
    "import_jobs",
    "login_attempts",
    "metadata",
    "sop_entries",
    "sop_state",
    "sop_versions",
    "sop_waiting_events",
    "sops",
    "staff",
    "staff_roles",
    "staff_tags",
    "task_batches",
    "task_changes",
    "tasks",
    "user_sessions",
    "users",
    "wecom_corp_tags",
    "wecom_profile_fetches",
]
