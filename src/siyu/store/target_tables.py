"""The one map from a kind of target (customer, group, staff account) to its table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.conditions.nodes import TargetKind
from siyu.store.tables import chat_groups, customers, staff

TARGET_TABLES: dict[TargetKind, sa.Table] = {
    TargetKind.customer: customers,
    TargetKind.group: chat_groups,
    TargetKind.staff: staff,
}


def owner_column(kind: TargetKind) -> ColumnElement[Any]:
    """A target's default executor: the customer's or group's owner; a staff account is its own."""
    table = TARGET_TABLES[kind]
    return table.c.id if kind is TargetKind.staff else table.c.owner_id
