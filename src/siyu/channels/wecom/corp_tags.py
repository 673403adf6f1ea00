"""The corp's customer tags as siyu keeps them (table wecom_corp_tags): replaced as a whole by
each sync of externalcontact/get_corp_tag_list, read by name when a moment's `visible_to` names
siyu tags that WeCom must see as tag ids."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.channels.wecom.contacts import CorpTag
from siyu.store.tables import wecom_corp_tags

NAME_MAX = 100  # siyu's tag names; a longer WeCom tag name cannot be a siyu tag


@dataclass(frozen=True)
class TagSync:
    tags: int  # tags kept after the sync
    added: int
    removed: int


def store_corp_tags(conn: Connection, tags: Sequence[CorpTag], *, now_us: int) -> TagSync:
    """Make the kept tags exactly `tags` (WeCom's whole list), stamped `now_us`."""
    t = wecom_corp_tags
    usable = {tag.tag_id: tag for tag in tags if len(tag.name) <= NAME_MAX and len(tag.tag_id) <= 128}
    before = set(conn.execute(sa.select(t.c.tag_id)).scalars())
    conn.execute(sa.delete(t))  # a few hundred rows at most: replaced in the caller's transaction
    rows = [
        {
            "tag_id": tag.tag_id,
            "name": tag.name,
            "group_id": tag.group_id[:128],
            "group_name": tag.group_name[:NAME_MAX],
            "synced_at": now_us,
        }
        for tag in usable.values()
    ]
    if rows:
        conn.execute(sa.insert(t), rows)
    return TagSync(tags=len(rows), added=len(usable.keys() - before), removed=len(before - usable.keys()))


def tag_ids_by_name(conn: Connection, names: Collection[str]) -> dict[str, list[str]]:
    """Each of `names` → the WeCom tag ids of that name (several when the name stands in several
    tag groups; none when WeCom has no such tag)."""
    t = wecom_corp_tags
    found: dict[str, list[str]] = defaultdict(list)
    if names:
        rows = conn.execute(sa.select(t.c.name, t.c.tag_id).where(t.c.name.in_(sorted(names))).order_by(t.c.tag_id))
        for row in rows:
            found[row.name].append(row.tag_id)
    return {name: found.get(name, []) for name in names}


def last_synced(conn: Connection) -> int | None:
    value = conn.execute(sa.select(sa.func.max(wecom_corp_tags.c.synced_at))).scalar()
    return None if value is None else int(value)
