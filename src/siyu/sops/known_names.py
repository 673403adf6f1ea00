"""Which names the data has: the tags, attribute names, event types, products, staff ids and
roles an SOP may name. Checking an SOP probes each name it uses through an index (one lookup a
name); only for a name not found does it read the names that exist — distinct values by a loose
index scan (store.distinct), at most `CANDIDATE_CAP` of them — to suggest the closest. The
editor's pickers read the same lists. Nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from siyu.core.conditions.nodes import GROUP_MEMBER_COUNT, PropertyMatch, TargetKind
from siyu.core.conditions.phrases import EVENT_LABELS
from siyu.core.errors import Problem
from siyu.core.facts import Context
from siyu.core.model import Sop
from siyu.core.names_used import NameKind, NameUse, Scope, UnknownName, closest, names_in
from siyu.core.yamlsource import LoadedSop
from siyu.store.compile.context import SqlContext
from siyu.store.compile.json_properties import json_path, property_matches
from siyu.store.distinct import distinct_values, exists
from siyu.store.tables import (
    customer_attributes,
    customer_tags,
    events,
    group_attributes,
    group_roles,
    group_tags,
    staff,
    staff_roles,
    staff_tags,
)

CANDIDATE_CAP = 2000
TAG_TABLES = {TargetKind.customer: customer_tags, TargetKind.group: group_tags, TargetKind.staff: staff_tags}
ATTRIBUTE_TABLES = {TargetKind.customer: customer_attributes, TargetKind.group: group_attributes}
BUILT_IN_ATTRIBUTES = {TargetKind.group: (GROUP_MEMBER_COUNT,)}


def _columns(scope: Scope) -> list[tuple[sa.Table, ColumnElement[Any]]]:
    """The (table, indexed column) pairs holding names of the scope (roles: two)."""
    if scope.kind is NameKind.tag:
        assert scope.target is not None
        return [(TAG_TABLES[scope.target], TAG_TABLES[scope.target].c.tag)]
    if scope.kind is NameKind.attribute:
        table = ATTRIBUTE_TABLES.get(scope.target) if scope.target is not None else None
        return [(table, table.c.key)] if table is not None else []
    if scope.kind is NameKind.event:
        return [(events, events.c.type)]
    if scope.kind is NameKind.staff:
        return [(staff, staff.c.external_id)]
    if scope.kind is NameKind.role:
        return [(staff_roles, staff_roles.c.role), (group_roles, group_roles.c.role)]
    raise ValueError(f"products are read by product_values, not {scope.kind}")


def _product_expression(conn: Connection, key: str) -> ColumnElement[Any]:
    """The event property as the expression index of migration 0002 spells it."""
    if conn.dialect.name == "postgresql":
        return events.c.properties.op("->")(sa.literal_column(f"'{key}'", sa.Text))
    return sa.func.json_extract(events.c.properties, json_path(key))


def is_known(conn: Connection, use: NameUse) -> bool:
    scope = use.scope
    if scope.kind is NameKind.product:
        assert scope.event is not None and scope.key is not None
        sql = SqlContext(conn.dialect.name, Context(0, ZoneInfo("UTC")))  # property_matches reads the dialect only
        match = property_matches(PropertyMatch(scope.key, (use.name,)), sql)
        return exists(conn, events, events.c.type == scope.event, match)
    if scope.kind is NameKind.attribute and use.name in BUILT_IN_ATTRIBUTES.get(scope.target or TargetKind.staff, ()):
        return True
    if scope.kind is NameKind.event and use.name in EVENT_LABELS:
        # an event type siyu knows (the SOP format's list, and member_joined, which siyu itself
        # records) is spelt right even before the first one arrives
        return True
    return any(exists(conn, table, column == use.name) for table, column in _columns(scope))


def known_names(conn: Connection, scope: Scope, *, cap: int = CANDIDATE_CAP) -> list[str]:
    """Names of the scope that exist, in index order, at most `cap`."""
    if scope.kind is NameKind.product:
        assert scope.event is not None and scope.key is not None
        expression = _product_expression(conn, scope.key)
        found = distinct_values(conn, expression, filters=[events.c.type == scope.event], cap=cap)
        return [value for value in found if isinstance(value, str)]
    names: list[str] = list(BUILT_IN_ATTRIBUTES.get(scope.target, ())) if scope.target else []
    for _, column in _columns(scope):
        names += [str(v) for v in distinct_values(conn, column, cap=cap) if v not in names]
    return names[:cap]


SUGGESTED = 500  # names offered per list in the editor


def suggestions(conn: Connection, *, cap: int = SUGGESTED) -> dict[str, list[str]]:
    """The names the editor offers as people type (HTML datalists): tags and attributes of
    customers, groups and staff, roles, event types, staff ids — each at most `cap`, read by a
    capped index scan."""
    found: dict[str, list[str]] = {}
    lists = {
        "tag": [Scope(NameKind.tag, kind) for kind in (TargetKind.customer, TargetKind.group, TargetKind.staff)],
        "attribute": [Scope(NameKind.attribute, kind) for kind in (TargetKind.customer, TargetKind.group)],
        "role": [Scope(NameKind.role)],
        "event": [Scope(NameKind.event)],
        "staff": [Scope(NameKind.staff)],
    }
    for name, scopes in lists.items():
        names: list[str] = []
        for scope in scopes:
            names += [value for value in known_names(conn, scope, cap=cap) if value not in names]
        found[name] = names[:cap]
    return found


def unknown_names(conn: Connection, uses: Sequence[NameUse]) -> list[UnknownName]:
    """The uses naming something the data has never had, with the closest names that exist."""
    verdicts: dict[tuple[Scope, str], bool] = {}
    candidates: dict[Scope, list[str]] = {}
    found: list[UnknownName] = []
    for use in uses:
        key = (use.scope, use.name)
        if key not in verdicts:
            verdicts[key] = is_known(conn, use)
        if verdicts[key]:
            continue
        if use.scope not in candidates:
            candidates[use.scope] = known_names(conn, use.scope)
        found.append(UnknownName(use, closest(use.name, candidates[use.scope])))
    return found


def sop_name_warnings(conn: Connection, sop: Sop, loaded: LoadedSop, locale: str) -> list[Problem]:
    """The SOP's unknown names as warnings located in its file (`file:LINE: steps[2].when.tag`)."""
    unknown = unknown_names(conn, names_in(sop, loaded.raw, loaded.path))
    problems = [Problem(item.use.where, item.message(locale)) for item in unknown]
    return [loaded.locate(p) for p in sorted(problems, key=lambda p: loaded.lines.line_of(p.where))]
