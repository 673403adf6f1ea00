"""Customers for the console and the API: search and filters, and one customer's whole picture
(tags, groups, attributes, events, the SOPs they are in, their tasks).

Every list is one limited query on an index, so a page costs the same at a million customers:
- search `q` matches the start of the external id (the unique index) or of the name
  (`ix_customers_name`); a name *inside* a name would need a trigram index, so it is not offered;
- `tag` walks `ix_customer_tags_tag` in customer order, `owner` walks `ix_customers_owner_id`;
- one customer's events, entries, tasks and groups are read through their target indexes.

Text is compared byte-wise (SQLite's BINARY, PostgreSQL's "C" collation), so a prefix range
`[q, successor(q))` holds exactly the texts that start with q, whatever the database's locale.

A `staff_id` limits everything to the customers that staff member owns (a staff user's view);
None is an operator's view of every customer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.brand import settings as brand_settings
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.reasons import render_reason
from siyu.core.timeutil import from_us
from siyu.core.values import AttrValue
from siyu.store.tables import (
    chat_groups,
    customer_attributes,
    customer_tags,
    customers,
    events,
    group_members,
    sop_entries,
    sops,
    staff,
    tasks,
)
from siyu.tasks import queries as task_service

MAX_FETCH = 1_001  # a page of at most 1,000 rows, plus the one that tells whether more follow
MAX_SEARCH = 128  # longer than any external id or name prefix worth typing
BYTEWISE_COLLATIONS = frozenset({"C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic"})
_LAST_CHAR = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)


# ---------------------------------------------------------------- text prefixes


def successor(prefix: str) -> str | None:
    """The smallest text greater than every text starting with `prefix` (code point order),
    or None when there is none (a prefix of U+10FFFF only)."""
    chars = list(prefix)
    while chars and ord(chars[-1]) == _LAST_CHAR:
        chars.pop()
    if not chars:
        return None
    following = ord(chars[-1]) + 1
    if following in _SURROGATES:
        following = _SURROGATES.stop
    chars[-1] = chr(following)
    return "".join(chars)


def bytewise(column: Any, conn: Connection) -> Any:
    """`column` compared byte-wise: PostgreSQL's "C" collation (SQLite's default already is)."""
    return column.collate("C") if conn.dialect.name == "postgresql" else column


_default_is_bytewise: dict[str, bool] = {}


def default_collation_is_bytewise(conn: Connection) -> bool:
    """Whether the database's own collation orders text byte-wise, so that a prefix range on a
    column's ordinary index (the unique external ids) is exact. Asked once per database."""
    if conn.dialect.name != "postgresql":
        return True
    key = conn.engine.url.render_as_string(hide_password=True)
    known = _default_is_bytewise.get(key)
    if known is None:
        name = conn.scalar(sa.text("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
        known = _default_is_bytewise[key] = str(name) in BYTEWISE_COLLATIONS
    return known


def starts_with(key: Any, prefix: str) -> Any:
    """`key` starts with `prefix`, as an index range."""
    above = successor(prefix)
    return key >= prefix if above is None else sa.and_(key >= prefix, key < above)


def external_key(column: Any, conn: Connection) -> Any:
    """An external id column as a prefix search compares it: its unique index when the
    database orders text byte-wise, else the "C" collation (exact, but without an index)."""
    return column if default_collation_is_bytewise(conn) else bytewise(column, conn)


def search_text(value: str | None, where: str) -> str | None:
    """A search box's text: trimmed, None when blank."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_SEARCH or "\x00" in text:
        raise ValidationError([Problem(where, f"search text of at most {MAX_SEARCH} characters, please")])
    return text


def check_fetch(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_FETCH:
        raise ValidationError([Problem("limit", f"expected 1 to {MAX_FETCH - 1}")])
    if offset < 0:
        raise ValidationError([Problem("offset", "expected 0 or more")])


# ---------------------------------------------------------------- lookups


def staff_id_of(conn: Connection, external_id: str, where: str) -> int:
    """The internal id of a staff member named in a filter; unknown → a located 422."""
    found = conn.scalar(sa.select(staff.c.id).where(staff.c.external_id == external_id))
    if found is None:
        raise ValidationError([Problem(where, f'no staff member "{external_id}"')])
    return int(found)


def customer_row(conn: Connection, external_id: str, staff_id: int | None) -> Any:
    """One customer with their owner, if this view may see them (another staff member's
    customer is not found, as if it did not exist)."""
    owner = staff.alias("owner")
    query = (
        sa.select(
            customers.c.id,
            customers.c.external_id,
            customers.c.name,
            customers.c.birthday,
            customers.c.owner_id,
            customers.c.created_at,
            customers.c.updated_at,
            owner.c.external_id.label("owner"),
            owner.c.name.label("owner_name"),
        )
        .select_from(customers.outerjoin(owner, owner.c.id == customers.c.owner_id))
        .where(customers.c.external_id == external_id)
    )
    row = conn.execute(query).first()
    if row is None or (staff_id is not None and row.owner_id != staff_id):
        raise NotFoundError(f'no customer "{external_id}"')
    return row


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class CustomerSearch:
    q: str | None = None  # the start of the external id or of the name
    external_id: str | None = None  # exactly this external id
    tag: str | None = None
    owner_id: int | None = None  # internal staff id
    limit: int = 51  # rows to read: the page and one more
    offset: int = 0


def search(conn: Connection, where: CustomerSearch, *, staff_id: int | None) -> list[dict[str, Any]]:
    """A page of customers as summaries. A staff view only ever reads the staff member's own."""
    check_fetch(where.limit, where.offset)
    owner_id = staff_id if staff_id is not None else where.owner_id
    ids = _page_ids(conn, where, owner_id)
    return summaries(conn, ids)


def _filters(owner_id: int | None, tag: str | None) -> list[Any]:
    found: list[Any] = []
    if owner_id is not None:
        found.append(customers.c.owner_id == owner_id)
    if tag is not None:
        found.append(sa.exists().where(customer_tags.c.customer_id == customers.c.id, customer_tags.c.tag == tag))
    return found


def _page_ids(conn: Connection, where: CustomerSearch, owner_id: int | None) -> list[int]:
    if where.external_id is not None:
        query = sa.select(customers.c.id).where(customers.c.external_id == where.external_id)
        query = query.where(*_filters(owner_id, where.tag))
        return [int(i) for i in conn.scalars(query.limit(where.limit).offset(where.offset))]
    if where.q is not None:
        return _search_ids(conn, where.q, owner_id, where.tag, limit=where.limit, offset=where.offset)
    if where.tag is not None and owner_id is None:
        # by the tag index, in customer order: no customer row is read until the page is known
        by_tag = (
            sa.select(customer_tags.c.customer_id)
            .where(customer_tags.c.tag == where.tag)
            .order_by(customer_tags.c.customer_id)
            .limit(where.limit)
            .offset(where.offset)
        )
        return [int(i) for i in conn.scalars(by_tag)]
    query = (
        sa.select(customers.c.id)
        .where(*_filters(owner_id, where.tag))
        .order_by(customers.c.id)
        .limit(where.limit)
        .offset(where.offset)
    )
    return [int(i) for i in conn.scalars(query)]


def _search_ids(
    conn: Connection, q: str, owner_id: int | None, tag: str | None, *, limit: int, offset: int
) -> list[int]:
    """External ids starting with q first (in id order), then names starting with q (in name
    order). Each branch reads at most offset + limit rows of its own index."""
    reach = offset + limit
    ext_key = external_key(customers.c.external_id, conn)
    name_key = bytewise(customers.c.name, conn)
    ext_match = starts_with(ext_key, q)
    by_external = (
        sa.select(customers.c.id.label("id"), sa.literal(0).label("rank"), ext_key.label("k"))
        .where(ext_match, *_filters(owner_id, tag))
        .order_by(ext_key)
        .limit(reach)
        .subquery("by_external")
    )
    by_name = (
        sa.select(customers.c.id.label("id"), sa.literal(1).label("rank"), name_key.label("k"))
        .where(starts_with(name_key, q), sa.not_(ext_match), *_filters(owner_id, tag))
        .order_by(name_key, customers.c.id)
        .limit(reach)
        .subquery("by_name")
    )
    both = sa.union_all(sa.select(by_external), sa.select(by_name)).subquery("found")
    query = sa.select(both.c.id).order_by(both.c.rank, bytewise(both.c.k, conn), both.c.id).limit(limit).offset(offset)
    return [int(i) for i in conn.scalars(query)]


def summaries(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Customers by internal id, in the order given, with owner and tags."""
    if not ids:
        return []
    owner = staff.alias("owner")
    query = (
        sa.select(
            customers.c.id,
            customers.c.external_id,
            customers.c.name,
            customers.c.birthday,
            owner.c.external_id.label("owner"),
            owner.c.name.label("owner_name"),
        )
        .select_from(customers.outerjoin(owner, owner.c.id == customers.c.owner_id))
        .where(customers.c.id.in_(ids))
    )
    rows = {row.id: row for row in conn.execute(query)}
    tags = tags_of(conn, ids)
    return [
        {
            "id": rows[i].external_id,
            "name": rows[i].name,
            "owner": rows[i].owner,
            "owner_name": rows[i].owner_name,
            "birthday": _day(rows[i].birthday),
            "tags": tags.get(i, []),
        }
        for i in ids
        if i in rows
    ]


def tags_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    query = (
        sa.select(customer_tags.c.customer_id, customer_tags.c.tag)
        .where(customer_tags.c.customer_id.in_(ids))
        .order_by(customer_tags.c.customer_id, customer_tags.c.tag)
    )
    found: dict[int, list[str]] = {}
    for customer_id, tag in conn.execute(query):
        found.setdefault(int(customer_id), []).append(str(tag))
    return found


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- one customer


def detail(
    conn: Connection, external_id: str, *, staff_id: int | None, first: int = 20, locale: str = DEFAULT_LOCALE
) -> dict[str, Any]:
    """Everything about one customer, with the first `first` rows of each long list (read on
    with events / sops / tasks / groups, which answer `next_offset`)."""
    row = customer_row(conn, external_id, staff_id)
    zone = brand_settings.load(conn).zone
    fetch = first + 1
    return {
        "id": row.external_id,
        "name": row.name,
        "owner": row.owner,
        "owner_name": row.owner_name,
        "birthday": _day(row.birthday),
        "created_at": from_us(row.created_at, zone).isoformat(),
        "updated_at": from_us(row.updated_at, zone).isoformat(),
        "attributes": attributes_of(conn, row.id),
        "tags": tags_of(conn, [row.id]).get(row.id, []),
        "groups": paged(groups_in(conn, row.id, limit=fetch, offset=0), first, 0),
        "events": paged(events_of(conn, row.id, zone, limit=fetch, offset=0), first, 0),
        "sops": paged(entries_of(conn, row.id, zone, limit=fetch, offset=0, locale=locale), first, 0),
        "tasks": paged(
            tasks_of(conn, row.id, zone, executor_id=staff_id, limit=fetch, offset=0, locale=locale), first, 0
        ),
    }


def paged(rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    more = len(rows) > limit
    return {"items": rows[:limit], "next_offset": offset + limit if more else None}


def attributes_of(conn: Connection, customer_id: int) -> dict[str, Any]:
    query = (
        sa.select(
            customer_attributes.c.key,
            customer_attributes.c.kind,
            customer_attributes.c.value_text,
            customer_attributes.c.value_num,
            customer_attributes.c.value_day,
        )
        .where(customer_attributes.c.customer_id == customer_id)
        .order_by(customer_attributes.c.key)
    )
    return {
        str(key): AttrValue(str(text), num, day, str(kind)).typed for key, kind, text, num, day in conn.execute(query)
    }


def groups_in(conn: Connection, customer_id: int, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """The groups a customer is a member of, newest membership first."""
    check_fetch(limit, offset)
    owner = staff.alias("owner")
    query = (
        sa.select(
            chat_groups.c.external_id,
            chat_groups.c.name,
            owner.c.external_id.label("owner"),
            group_members.c.created_at,
        )
        .select_from(
            group_members.join(chat_groups, chat_groups.c.id == group_members.c.group_id).outerjoin(
                owner, owner.c.id == chat_groups.c.owner_id
            )
        )
        .where(group_members.c.customer_id == customer_id)
        .order_by(group_members.c.created_at.desc(), group_members.c.group_id)
        .limit(limit)
        .offset(offset)
    )
    return [{"id": r.external_id, "name": r.name, "owner": r.owner} for r in conn.execute(query)]


def events_of(conn: Connection, customer_id: int, zone: ZoneInfo, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """A customer's events, newest first (their `ix_events_customer` entries, sorted)."""
    check_fetch(limit, offset)
    query = (
        sa.select(
            events.c.external_id,
            events.c.type,
            events.c.at,
            events.c.properties,
            chat_groups.c.external_id.label("group"),
            chat_groups.c.name.label("group_name"),
        )
        .select_from(events.outerjoin(chat_groups, chat_groups.c.id == events.c.group_id))
        .where(events.c.customer_id == customer_id)
        .order_by(events.c.at.desc(), events.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "id": r.external_id,
            "type": r.type,
            "at": from_us(r.at, zone).isoformat(),
            "group": r.group,
            "group_name": r.group_name,
            "properties": r.properties,
        }
        for r in conn.execute(query)
    ]


def entries_of(
    conn: Connection, customer_id: int, zone: ZoneInfo, *, limit: int, offset: int, locale: str = DEFAULT_LOCALE
) -> list[dict[str, Any]]:
    """The customer's entries into SOPs (open and past), newest first."""
    check_fetch(limit, offset)
    query = (
        sa.select(sop_entries, sops.c.name.label("sop_name"))
        .select_from(sop_entries.join(sops, sops.c.id == sop_entries.c.sop_id))
        .where(sop_entries.c.target_type == "customer", sop_entries.c.target_id == customer_id)
        .order_by(sop_entries.c.entered_at.desc(), sop_entries.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "sop": r.sop_id,
            "sop_name": r.sop_name,
            "entry": r.entry_no,
            "version": r.version,
            "entered_at": from_us(r.entered_at, zone).isoformat(),
            "exited_at": from_us(r.exited_at, zone).isoformat() if r.exited_at is not None else None,
            "exit_reason": render_reason(r.exit_reason, r.exit_params, None, locale),
            "holdout": bool(r.holdout),
            "active": r.exited_at is None,
        }
        for r in conn.execute(query)
    ]


def tasks_of(
    conn: Connection,
    customer_id: int,
    zone: ZoneInfo,
    *,
    executor_id: int | None,
    limit: int,
    offset: int,
    locale: str = DEFAULT_LOCALE,
) -> list[dict[str, Any]]:
    """Tasks about the customer, latest due first; `executor_id` keeps only that staff member's."""
    check_fetch(limit, offset)
    executor = staff.alias("executor")
    query = (
        sa.select(
            tasks,
            customers.c.external_id.label("target"),
            executor.c.external_id.label("executor"),
            sops.c.name.label("sop_name"),
        )
        .select_from(
            tasks.join(customers, customers.c.id == tasks.c.target_id)
            .join(sops, sops.c.id == tasks.c.sop_id)
            .outerjoin(executor, executor.c.id == tasks.c.executor_id)
        )
        .where(tasks.c.target_type == "customer", tasks.c.target_id == customer_id)
        .order_by(tasks.c.due_at.desc(), tasks.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if executor_id is not None:
        query = query.where(tasks.c.executor_id == executor_id)
    return [{**task_service.as_dict(r, zone, locale), "sop_name": r.sop_name} for r in conn.execute(query)]


def visible_id(conn: Connection, external_id: str, *, staff_id: int | None) -> int:
    """The internal id of a customer this view may see (404 otherwise)."""
    return int(customer_row(conn, external_id, staff_id).id)
