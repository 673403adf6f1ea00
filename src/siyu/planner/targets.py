"""Targets of SOP entries as SQL: their table, external id and owner (the default executor)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Sop, SopKind, Step
from siyu.store.tables import chat_groups, customers, staff

TABLES: dict[TargetKind, sa.Table] = {
    TargetKind.customer: customers,
    TargetKind.group: chat_groups,
    TargetKind.staff: staff,
}


def owner_column(kind: TargetKind) -> ColumnElement[Any]:
    table = TABLES[kind]
    return table.c.id if kind is TargetKind.staff else table.c.owner_id


def entry_kinds(sop: Sop) -> tuple[TargetKind, ...]:
    """The kinds of target that enter this SOP (a campaign's customers and groups)."""
    if sop.kind is SopKind.campaign:
        return (TargetKind.customer, TargetKind.group)
    return (sop.audience_target,)


def steps_about(sop: Sop, kind: TargetKind) -> tuple[Step, ...]:
    """The steps that make tasks for an entry of this kind (a campaign's internal work has no entries)."""
    if sop.kind is SopKind.campaign and kind is TargetKind.staff:
        return ()
    return tuple(step for step in sop.steps if sop.target_of(step) is kind)
