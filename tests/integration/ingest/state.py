"""Read back what an import stored, keyed by external ids, for comparisons in tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from siyu.store import tables as t


def _external(conn: sa.Connection, table: sa.Table) -> dict[int, str]:
    return dict(conn.execute(sa.select(table.c.id, table.c.external_id)).all())


def staff(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        ext = _external(conn, t.staff)
        roles: dict[str, list[str]] = {e: [] for e in ext.values()}
        tags: dict[str, list[str]] = {e: [] for e in ext.values()}
        for sid, role in conn.execute(sa.select(t.staff_roles)):
            roles[ext[sid]].append(role)
        for sid, tag in conn.execute(sa.select(t.staff_tags)):
            tags[ext[sid]].append(tag)
        return {
            ext[sid]: (name, ext.get(manager), sorted(roles[ext[sid]]), sorted(tags[ext[sid]]))
            for sid, name, manager in conn.execute(sa.select(t.staff.c.id, t.staff.c.name, t.staff.c.manager_id))
        }


def _attributes(conn: sa.Connection, table: sa.Table, ext: dict[int, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {e: {} for e in ext.values()}
    for row in conn.execute(sa.select(table)):
        out[ext[row[0]]][row.key] = (row.kind, row.value_text, row.value_num, row.value_day)
    return out


def _tags(conn: sa.Connection, table: sa.Table, ext: dict[int, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {e: [] for e in ext.values()}
    for owner, tag in conn.execute(sa.select(table)):
        out[ext[owner]].append(tag)
    return {e: sorted(tags) for e, tags in out.items()}


def customers(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        ext = _external(conn, t.customers)
        staff_ext = _external(conn, t.staff)
        attributes = _attributes(conn, t.customer_attributes, ext)
        tags = _tags(conn, t.customer_tags, ext)
        c = t.customers.c
        return {
            ext[cid]: {
                "name": name,
                "owner": staff_ext.get(owner),
                "birthday": None if birthday is None else birthday.isoformat(),
                "birthday_md": md,
                "attributes": attributes[ext[cid]],
                "tags": tags[ext[cid]],
            }
            for cid, name, owner, birthday, md in conn.execute(
                sa.select(c.id, c.name, c.owner_id, c.birthday, c.birthday_md)
            )
        }


def attribute_texts(engine: Engine) -> dict[str, dict[str, str]]:
    return {e: {k: v[1] for k, v in row["attributes"].items()} for e, row in customers(engine).items()}


def groups(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        ext = _external(conn, t.chat_groups)
        staff_ext = _external(conn, t.staff)
        attributes = _attributes(conn, t.group_attributes, ext)
        tags = _tags(conn, t.group_tags, ext)
        roles: dict[str, list[tuple[str, str]]] = {e: [] for e in ext.values()}
        for gid, sid, role in conn.execute(sa.select(t.group_roles)):
            roles[ext[gid]].append((staff_ext[sid], role))
        g = t.chat_groups.c
        return {
            ext[gid]: {
                "name": name,
                "owner": staff_ext.get(owner),
                "attributes": {k: v[1] for k, v in attributes[ext[gid]].items()},
                "tags": tags[ext[gid]],
                "roles": sorted(roles[ext[gid]]),
            }
            for gid, name, owner in conn.execute(sa.select(g.id, g.name, g.owner_id))
        }


def members(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        groups_ext, customers_ext = _external(conn, t.chat_groups), _external(conn, t.customers)
        rows = conn.execute(sa.select(t.group_members.c.group_id, t.group_members.c.customer_id))
        return sorted((groups_ext[g], customers_ext[c]) for g, c in rows)


def events(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        groups_ext, customers_ext = _external(conn, t.chat_groups), _external(conn, t.customers)
        e = t.events.c
        rows = conn.execute(sa.select(e.external_id, e.type, e.customer_id, e.group_id, e.at, e.day, e.properties))
        return {
            ext: (kind, customers_ext.get(cid), groups_ext.get(gid), at, day, properties)
            for ext, kind, cid, gid, at, day, properties in rows
        }


def counts(engine: Engine) -> dict[str, int]:
    names = ("staff", "customers", "customer_attributes", "customer_tags", "chat_groups", "group_members", "events")
    with engine.connect() as conn:
        return {
            name: conn.scalar(sa.select(sa.func.count()).select_from(t.metadata.tables[name])) or 0 for name in names
        }
