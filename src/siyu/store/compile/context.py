"""What compiling a condition needs besides the condition: the database's dialect, the
evaluation context (now, today, the zone), the entry instant for `since_entry`, and each
target kind's table (`store.target_tables`) and the column naming it in events and links."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.sql import ColumnElement

from siyu.core.conditions.nodes import TargetKind
from siyu.core.facts import Context


@dataclass(frozen=True)
class SqlContext:
    dialect: str
    ctx: Context
    # the instant the target entered the SOP, as a (correlated) SQL expression, for since_entry
    entry_at: ColumnElement[int] | None = None

    @property
    def now_us(self) -> int:
        return self.ctx.now_us

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"


def target_id_column(target: TargetKind) -> str:
    """The column that names a target in its tag, attribute and event rows (not its owner)."""
    return {TargetKind.customer: "customer_id", TargetKind.group: "group_id", TargetKind.staff: "staff_id"}[target]
