"""The titles staff and operators see for steps: a step's `name` (SOP-FORMAT), read from each
SOP's latest version; a step without one is shown by its id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.store.tables import sop_versions, sops


def step_names(conn: Connection, sop_ids: Iterable[str]) -> dict[tuple[str, str], str]:
    """(SOP id, step id) → the step's name, for the steps that have one (latest versions)."""
    wanted = sorted(set(sop_ids))
    if not wanted:
        return {}
    latest = (
        sa.select(sop_versions.c.sop_id, sop_versions.c.definition)
        .join(sops, sa.and_(sops.c.id == sop_versions.c.sop_id, sops.c.latest_version == sop_versions.c.version))
        .where(sops.c.id.in_(wanted))
    )
    names: dict[tuple[str, str], str] = {}
    for row in conn.execute(latest):
        definition = row.definition if isinstance(row.definition, Mapping) else {}
        for step in definition.get("steps") or []:
            if isinstance(step, Mapping) and isinstance(step.get("name"), str) and step.get("id") is not None:
                names[str(row.sop_id), str(step["id"])] = str(step["name"]).strip()
    return names


def step_title(names: Mapping[tuple[str, str], str], sop_id: str, step_id: str) -> str:
    return names.get((sop_id, step_id)) or step_id
