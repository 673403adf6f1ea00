"""Template variables of tasks that become due, loaded for a whole batch at once."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.conditions.nodes import TargetKind
from siyu.planner.context import PlanContext
from siyu.planner.task_content import Needs, Variables
from siyu.store.tables import chat_groups, customer_attributes, customers, events

ORDER_PAID = "order_paid"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _properties(raw: Any) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})


def load_variables(conn: Connection, rows: Sequence[Any], ctx: PlanContext, needs: Needs) -> dict[int, Variables]:
    """{task id: {namespace: {field: text}}} for rows with id, target_type, target_id, executor_id,
    event_id — only the namespaces and attributes the step's templates use."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_kind[row.target_type].add(row.target_id)
    customer_ids = sorted(by_kind[TargetKind.customer.value])
    customer_vars = _customers(conn, customer_ids, needs.customer_attributes) if "customer" in needs.namespaces else {}
    last_orders = _last_orders(conn, customer_ids, ctx.now_us) if "last_order" in needs.namespaces else {}
    group_vars = _groups(conn, sorted(by_kind[TargetKind.group.value])) if "group" in needs.namespaces else {}
    event_ids = sorted({row.event_id for row in rows if row.event_id is not None})
    members = _members(conn, event_ids) if "member" in needs.namespaces else {}
    found: dict[int, Variables] = {}
    for row in rows:
        variables: Variables = {}
        if row.executor_id is not None:
            variables["staff"] = {
                "id": ctx.directory.external_ids.get(row.executor_id, ""),
                "name": ctx.directory.names.get(row.executor_id, ""),
            }
        if row.target_type == TargetKind.customer.value:
            variables["customer"] = customer_vars.get(row.target_id, {})
            variables["last_order"] = last_orders.get(row.target_id, {})
        elif row.target_type == TargetKind.group.value:
            variables["group"] = group_vars.get(row.target_id, {})
            if row.event_id is not None and row.event_id in members:
                variables["member"] = members[row.event_id]
        found[row.id] = variables
    return found


def _customers(conn: Connection, ids: list[int], attributes: frozenset[str]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        if attributes:
            query = sa.select(customer_attributes).where(
                customer_attributes.c.customer_id.in_(chunk), customer_attributes.c.key.in_(sorted(attributes))
            )
            for row in conn.execute(query):
                found.setdefault(row.customer_id, {})[row.key] = row.value_text
        query = sa.select(customers.c.id, customers.c.external_id, customers.c.name, customers.c.birthday)
        for row in conn.execute(query.where(customers.c.id.in_(chunk))):
            fields = found.setdefault(row.id, {})
            fields.update({"id": row.external_id, "name": row.name})
            if row.birthday is not None:
                fields["birthday"] = row.birthday.isoformat()
    return found


def _last_orders(conn: Connection, ids: list[int], now_us: int) -> dict[int, dict[str, str]]:
    """The properties of each customer's latest order_paid at or before now."""
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        latest = (
            sa.select(events.c.customer_id, sa.func.max(events.c.at).label("at"))
            .where(events.c.type == ORDER_PAID, events.c.customer_id.in_(chunk), events.c.at <= now_us)
            .group_by(events.c.customer_id)
            .subquery()
        )
        query = (
            sa.select(events.c.customer_id, events.c.properties)
            .join(latest, sa.and_(latest.c.customer_id == events.c.customer_id, latest.c.at == events.c.at))
            .where(events.c.type == ORDER_PAID)
            .order_by(events.c.id)
        )
        for row in conn.execute(query):
            found[row.customer_id] = {key: _text(value) for key, value in _properties(row.properties).items()}
    return found


def _groups(conn: Connection, ids: list[int]) -> dict[int, dict[str, str]]:
    query = sa.select(chat_groups.c.id, chat_groups.c.external_id, chat_groups.c.name).where(chat_groups.c.id.in_(ids))
    return {row.id: {"id": row.external_id, "name": row.name} for row in conn.execute(query)}


def _members(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, str]]:
    """The newcomer of a member_joined / group_joined event: the customer's name, else a `name` property."""
    if not event_ids:
        return {}
    query = (
        sa.select(events.c.id, events.c.properties, customers.c.name)
        .select_from(events.outerjoin(customers, customers.c.id == events.c.customer_id))
        .where(events.c.id.in_(event_ids))
    )
    found: dict[int, dict[str, str]] = {}
    for row in conn.execute(query):
        name = row.name or _properties(row.properties).get("name")
        found[row.id] = {"name": _text(name)} if name else {}
    return found
