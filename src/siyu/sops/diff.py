"""The diff between two stored versions of an SOP, as the API and the console show it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.errors import NotFoundError
from siyu.sops import repo as sop_repo
from siyu.sops.timeline import source_diff
from siyu.store.tables import sops


def version_diff(conn: Connection, sop_id: str, old: int | None, new: int | None) -> dict[str, Any]:
    """The diff between two versions; `new` defaults to the latest, `old` to the one before `new`."""
    latest = conn.execute(sa.select(sops.c.latest_version).where(sops.c.id == sop_id)).scalar()
    if latest is None:
        raise NotFoundError(f"no SOP named {sop_id}")
    to_version = new if new is not None else int(latest)
    from_version = old if old is not None else max(to_version - 1, 1)
    before = sop_repo.version(conn, sop_id, from_version)
    after = sop_repo.version(conn, sop_id, to_version)
    lines = source_diff(before.source, after.source, f"{sop_id} v{from_version}", f"{sop_id} v{to_version}")
    return {
        "sop": sop_id,
        "from_version": from_version,
        "to_version": to_version,
        "diff": "\n".join(line.text for line in lines),
        "lines": [{"kind": line.kind, "text": line.text} for line in lines],
    }
