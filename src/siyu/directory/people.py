"""Staff, groups and tags for the console and the API.

Staff and groups are small tables next to customers (one staff member per ~2,000 customers, a
group per ~300), so their searches may read a name anywhere in it; lists still page. Tag counts
read each tag's index entries, up to COUNT_CAP of them: a tag carried by half a million
customers is shown as "10,000+" rather than counted on every page view.

A `staff_id` limits the view to one staff member: themselves, the groups they own or hold a
role in, and the tags of their own customers and groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.errors import NotFoundError
from siyu.core.values import AttrValue
from siyu.directory.customers import check_fetch, external_key, starts_with, summaries
from siyu.store.tables import (
    chat_groups,
    customer_tags,
    customers,
    group_attributes,
    group_members,
    group_roles,
    group_tags,
    staff,
    staff_roles,
    staff_tags,
)

COUNT_CAP = 10_000


def _like_contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _labels(conn: Connection, table: sa.Table, owner: str, label: str, ids: Sequence[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    owner_column = table.c[owner]
    query = sa.select(owner_column, table.c[label]).where(owner_column.in_(ids)).order_by(owner_column, table.c[label])
    found: dict[int, list[str]] = {}
    for key, value in conn.execute(query):
        found.setdefault(int(key), []).append(str(value))
    return found


# ---------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffSearch:
    q: str | None = None  # the start of the external id, or a part of the name
    role: str | None = None
    tag: str | None = None
    limit: int = 51
    offset: int = 0


def list_staff(conn: Connection, where: StaffSearch, *, staff_id: int | None) -> list[dict[str, Any]]:
    check_fetch(where.limit, where.offset)
    query = sa.select(staff.c.id)
    if staff_id is not None:
        query = query.where(staff.c.id == staff_id)
    if where.q is not None:
        query = query.where(
            sa.or_(
                starts_with(external_key(staff.c.external_id, conn), where.q),
                staff.c.name.like(_like_contains(where.q), escape="\\"),
            )
        )
    if where.role is not None:
        query = query.where(sa.exists().where(staff_roles.c.staff_id == staff.c.id, staff_roles.c.role == where.role))
    if where.tag is not None:
        query = query.where(sa.exists().where(staff_tags.c.staff_id == staff.c.id, staff_tags.c.tag == where.tag))
    ids = [int(i) for i in conn.scalars(query.order_by(staff.c.id).limit(where.limit).offset(where.offset))]
    return _staff_rows(conn, ids)


def _staff_rows(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    manager = staff.alias("manager")
    query = (
        sa.select(staff.c.id, staff.c.external_id, staff.c.name, manager.c.external_id.label("manager"))
        .select_from(staff.outerjoin(manager, manager.c.id == staff.c.manager_id))
        .where(staff.c.id.in_(ids))
    )
    rows = {r.id: r for r in conn.execute(query)}
    roles = _labels(conn, staff_roles, "staff_id", "role", ids)
    tags = _labels(conn, staff_tags, "staff_id", "tag", ids)
    return [
        {
            "id": rows[i].external_id,
            "name": rows[i].name,
            "manager": rows[i].manager,
            "roles": roles.get(i, []),
            "tags": tags.get(i, []),
        }
        for i in ids
        if i in rows
    ]


def staff_detail(conn: Connection, external_id: str, *, staff_id: int | None) -> dict[str, Any]:
    found = conn.scalar(sa.select(staff.c.id).where(staff.c.external_id == external_id))
    if found is None or (staff_id is not None and found != staff_id):
        raise NotFoundError(f'no staff member "{external_id}"')
    row = _staff_rows(conn, [int(found)])[0]
    reports = conn.scalars(
        sa.select(staff.c.external_id).where(staff.c.manager_id == found).order_by(staff.c.external_id).limit(200)
    )
    customer_count = conn.scalar(sa.select(sa.func.count()).where(customers.c.owner_id == found))
    groups_owned = conn.scalar(sa.select(sa.func.count()).where(chat_groups.c.owner_id == found))
    return {
        **row,
        "reports": [str(r) for r in reports],
        "customers": int(customer_count or 0),
        "groups_owned": int(groups_owned or 0),
    }


# ---------------------------------------------------------------- groups


@dataclass(frozen=True)
class GroupSearch:
    q: str | None = None  # the start of the external id, or a part of the name
    tag: str | None = None
    owner_id: int | None = None
    limit: int = 51
    offset: int = 0


def _visible_groups(staff_id: int) -> Any:
    """Groups a staff member owns or holds a role in."""
    with_role = sa.select(group_roles.c.group_id).where(group_roles.c.staff_id == staff_id)
    return sa.or_(chat_groups.c.owner_id == staff_id, chat_groups.c.id.in_(with_role))


def list_groups(conn: Connection, where: GroupSearch, *, staff_id: int | None) -> list[dict[str, Any]]:
    check_fetch(where.limit, where.offset)
    query = sa.select(chat_groups.c.id)
    if staff_id is not None:
        query = query.where(_visible_groups(staff_id))
    if where.owner_id is not None:
        query = query.where(chat_groups.c.owner_id == where.owner_id)
    if where.q is not None:
        query = query.where(
            sa.or_(
                starts_with(external_key(chat_groups.c.external_id, conn), where.q),
                chat_groups.c.name.like(_like_contains(where.q), escape="\\"),
            )
        )
    if where.tag is not None:
        query = query.where(sa.exists().where(group_tags.c.group_id == chat_groups.c.id, group_tags.c.tag == where.tag))
    ids = [int(i) for i in conn.scalars(query.order_by(chat_groups.c.id).limit(where.limit).offset(where.offset))]
    return _group_rows(conn, ids)


def _group_rows(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    owner = staff.alias("owner")
    query = (
        sa.select(
            chat_groups.c.id,
            chat_groups.c.external_id,
            chat_groups.c.name,
            owner.c.external_id.label("owner"),
            owner.c.name.label("owner_name"),
        )
        .select_from(chat_groups.outerjoin(owner, owner.c.id == chat_groups.c.owner_id))
        .where(chat_groups.c.id.in_(ids))
    )
    rows = {r.id: r for r in conn.execute(query)}
    tags = _labels(conn, group_tags, "group_id", "tag", ids)
    sizes: dict[int, int] = dict(
        conn.execute(
            sa.select(group_members.c.group_id, sa.func.count())
            .where(group_members.c.group_id.in_(ids))
            .group_by(group_members.c.group_id)
        ).all()
    )
    return [
        {
            "id": rows[i].external_id,
            "name": rows[i].name,
            "owner": rows[i].owner,
            "owner_name": rows[i].owner_name,
            "tags": tags.get(i, []),
            "members": int(sizes.get(i, 0)),
        }
        for i in ids
        if i in rows
    ]


def group_id_of(conn: Connection, external_id: str, *, staff_id: int | None) -> int:
    """The internal id of a group this view may see (404 otherwise)."""
    query = sa.select(chat_groups.c.id).where(chat_groups.c.external_id == external_id)
    if staff_id is not None:
        query = query.where(_visible_groups(staff_id))
    found = conn.scalar(query)
    if found is None:
        raise NotFoundError(f'no group "{external_id}"')
    return int(found)


def group_detail(conn: Connection, external_id: str, *, staff_id: int | None, first: int = 50) -> dict[str, Any]:
    group_id = group_id_of(conn, external_id, staff_id=staff_id)
    row = _group_rows(conn, [group_id])[0]
    roles = conn.execute(
        sa.select(staff.c.external_id, staff.c.name, group_roles.c.role)
        .select_from(group_roles.join(staff, staff.c.id == group_roles.c.staff_id))
        .where(group_roles.c.group_id == group_id)
        .order_by(group_roles.c.role, staff.c.external_id)
    )
    attributes = conn.execute(
        sa.select(
            group_attributes.c.key,
            group_attributes.c.kind,
            group_attributes.c.value_text,
            group_attributes.c.value_num,
            group_attributes.c.value_day,
        )
        .where(group_attributes.c.group_id == group_id)
        .order_by(group_attributes.c.key)
    )
    members = members_of(conn, group_id, limit=first + 1, offset=0, staff_id=staff_id)
    return {
        **row,
        "other_members": other_members(conn, group_id, staff_id=staff_id),
        "roles": [{"staff": r.external_id, "name": r.name, "role": r.role} for r in roles],
        "attributes": {
            str(key): AttrValue(str(text), num, day, str(kind)).typed for key, kind, text, num, day in attributes
        },
        "member_list": {"items": members[:first], "next_offset": first if len(members) > first else None},
    }


def _members(group_id: int, staff_id: int | None, *, own: bool) -> sa.Select[Any]:
    """The group's member ids; with a staff id, only their own customers (`own`) or only the others."""
    query = sa.select(group_members.c.customer_id).where(group_members.c.group_id == group_id)
    if staff_id is None:
        return query
    owned = customers.c.owner_id == staff_id
    return query.join(customers, customers.c.id == group_members.c.customer_id).where(
        owned if own else sa.or_(customers.c.owner_id.is_(None), sa.not_(owned))
    )


def members_of(
    conn: Connection, group_id: int, *, limit: int, offset: int, staff_id: int | None
) -> list[dict[str, Any]]:
    """A group's members, in customer order (the membership key). A staff view lists only the
    staff member's own customers: the others are counted (`other_members`), never shown — the
    same scope as the customer pages."""
    check_fetch(limit, offset)
    query = _members(group_id, staff_id, own=True)
    ids = conn.scalars(query.order_by(group_members.c.customer_id).limit(limit).offset(offset))
    return summaries(conn, [int(i) for i in ids])


def other_members(conn: Connection, group_id: int, *, staff_id: int | None) -> int:
    """How many of the group's members a staff view does not list (0 for a full view)."""
    if staff_id is None:
        return 0
    hidden = _members(group_id, staff_id, own=False).subquery()
    return int(conn.scalar(sa.select(sa.func.count()).select_from(hidden)) or 0)


# ---------------------------------------------------------------- tags


class TagKind(StrEnum):
    customer = "customer"
    group = "group"
    staff = "staff"


_TAG_TABLES = {
    TagKind.customer: (customer_tags, "customer_id"),
    TagKind.group: (group_tags, "group_id"),
    TagKind.staff: (staff_tags, "staff_id"),
}


def list_tags(
    conn: Connection, kind: TagKind, *, staff_id: int | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Tags in order with how many carry each: `{"tag", "count", "capped"}`; `capped` means
    "at least count". A staff view counts only their own customers, groups or self, exactly."""
    check_fetch(limit, offset)
    table, _owner = _TAG_TABLES[kind]
    if staff_id is not None:
        return _own_tags(conn, kind, staff_id, limit, offset)
    names = _distinct_tags(conn, table, limit + offset)[offset:]
    if not names:
        return []
    sample = (
        sa.select(sa.literal(1))
        .select_from(table)
        .where(table.c.tag == sa.bindparam("counted"))
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    count_sql = sa.select(sa.func.count()).select_from(sample)
    rows = []
    for name in names:
        counted = int(conn.scalar(count_sql, {"counted": name}) or 0)
        rows.append({"tag": name, "count": min(counted, COUNT_CAP), "capped": counted > COUNT_CAP})
    return rows


def tag_names(conn: Connection, kind: TagKind, *, staff_id: int | None, limit: int) -> list[str]:
    """The first `limit` tags in order, without counting them (a filter's choices)."""
    if staff_id is not None:
        return [str(row["tag"]) for row in _own_tags(conn, kind, staff_id, limit, 0)]
    table, _owner = _TAG_TABLES[kind]
    return _distinct_tags(conn, table, limit)


def _distinct_tags(conn: Connection, table: sa.Table, wanted: int) -> list[str]:
    """The first `wanted` distinct tags, one index probe each (a skip scan), not a walk over
    every tagged row."""
    name = conn.dialect.identifier_preparer.format_table(table)
    sql = sa.text(
        f"""
        WITH RECURSIVE found(tag, n) AS (
            SELECT (SELECT MIN(tag) FROM {name}), 1
            UNION ALL
            SELECT (SELECT MIN(tag) FROM {name} WHERE tag > found.tag), found.n + 1
            FROM found WHERE found.tag IS NOT NULL AND found.n < :wanted
        )
        SELECT tag FROM found WHERE tag IS NOT NULL ORDER BY n
        """
    )
    return [str(t) for t in conn.scalars(sql, {"wanted": wanted})]


def _own_tags(conn: Connection, kind: TagKind, staff_id: int, limit: int, offset: int) -> list[dict[str, Any]]:
    if kind is TagKind.customer:
        source: Any = (
            sa.select(customer_tags.c.tag)
            .select_from(customer_tags.join(customers, customers.c.id == customer_tags.c.customer_id))
            .where(customers.c.owner_id == staff_id)
        )
    elif kind is TagKind.group:
        source = (
            sa.select(group_tags.c.tag)
            .select_from(group_tags.join(chat_groups, chat_groups.c.id == group_tags.c.group_id))
            .where(_visible_groups(staff_id))
        )
    else:
        source = sa.select(staff_tags.c.tag).where(staff_tags.c.staff_id == staff_id)
    tagged = source.subquery()
    query = (
        sa.select(tagged.c.tag, sa.func.count())
        .group_by(tagged.c.tag)
        .order_by(tagged.c.tag)
        .limit(limit)
        .offset(offset)
    )
    return [{"tag": str(tag), "count": int(n), "capped": False} for tag, n in conn.execute(query)]
