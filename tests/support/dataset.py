"""A small world of staff, customers, groups and events that tests write to a database AND turn
into evaluator facts independently — so SQL results can be checked against core.evaluate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core import repurchase
from siyu.core.birthdays import md_of
from siyu.core.facts import Context, CustomerFacts, EventFact, GroupFacts, Referral, StaffFacts
from siyu.core.timeutil import local_day
from siyu.core.values import Scalar, normalize
from siyu.store import tables as t


@dataclass
class Person:
    id: str
    tags: set[str] = field(default_factory=set)
    attributes: dict[str, Scalar] = field(default_factory=dict)
    birthday: date | None = None


@dataclass
class Group:
    id: str
    tags: set[str] = field(default_factory=set)
    attributes: dict[str, Scalar] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)


@dataclass
class StaffMember:
    id: str
    roles: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


@dataclass
class Ev:
    id: str
    type: str
    at: int
    customer: str | None = None
    group: str | None = None
    properties: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    zone: ZoneInfo
    staff: list[StaffMember] = field(default_factory=list)
    customers: list[Person] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    events: list[Ev] = field(default_factory=list)

    # ---------------------------------------------------------- writing

    def write(self, conn: Connection, stamp: int = 0) -> None:
        """Insert everything; ids are assigned in list order (1, 2, …)."""
        ids: dict[str, int] = {}
        for number, member in enumerate(self.staff, start=1):
            conn.execute(
                sa.insert(t.staff).values(
                    id=number, external_id=member.id, name=member.id, created_at=stamp, updated_at=stamp
                )
            )
            for role in member.roles:
                conn.execute(sa.insert(t.staff_roles).values(staff_id=number, role=role))
            for tag in member.tags:
                conn.execute(sa.insert(t.staff_tags).values(staff_id=number, tag=tag))
        for number, person in enumerate(self.customers, start=1):
            ids[person.id] = number
            conn.execute(
                sa.insert(t.customers).values(
                    id=number,
                    external_id=person.id,
                    name=person.id,
                    birthday=person.birthday,
                    birthday_md=md_of(person.birthday) if person.birthday else None,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            for tag in person.tags:
                conn.execute(sa.insert(t.customer_tags).values(customer_id=number, tag=tag))
            _write_attributes(conn, t.customer_attributes, "customer_id", number, person.attributes)
        group_ids: dict[str, int] = {}
        for number, group in enumerate(self.groups, start=1):
            group_ids[group.id] = number
            conn.execute(
                sa.insert(t.chat_groups).values(
                    id=number, external_id=group.id, name=group.id, created_at=stamp, updated_at=stamp
                )
            )
            for tag in group.tags:
                conn.execute(sa.insert(t.group_tags).values(group_id=number, tag=tag))
            _write_attributes(conn, t.group_attributes, "group_id", number, group.attributes)
            for member in group.members:
                conn.execute(
                    sa.insert(t.group_members).values(group_id=number, customer_id=ids[member], created_at=stamp)
                )
        rows = [
            {
                "id": number,
                "external_id": event.id,
                "type": event.type,
                "customer_id": ids[event.customer] if event.customer else None,
                "group_id": group_ids[event.group] if event.group else None,
                "at": event.at,
                "day": local_day(event.at, self.zone),
                "properties": event.properties,
            }
            for number, event in enumerate(self.events, start=1)
        ]
        if rows:
            conn.execute(sa.insert(t.events), rows)

    # ---------------------------------------------------------- facts

    def context(self, now_us: int) -> Context:
        products = {
            str(e.properties["product"])
            for e in self.events
            if e.type == "order_paid" and isinstance(e.properties.get("product"), str)
        }
        medians = {product: self._brand_median(product, now_us) for product in products}
        return Context(now_us=now_us, zone=self.zone, product_medians=medians)

    def _brand_median(self, product: str, now_us: int) -> float | None:
        days: dict[str, list[int]] = defaultdict(list)
        for _number, event in sorted(enumerate(self.events), key=lambda pair: (pair[1].at, pair[0])):
            if (
                event.customer
                and event.type == "order_paid"
                and event.at <= now_us
                and isinstance(event.properties.get("product"), str)
                and event.properties["product"] == product
            ):
                days[event.customer].append(local_day(event.at, self.zone))
        return repurchase.median(gap for series in days.values() for gap in repurchase.gaps(series))

    def _event_facts(self, *, customer: str | None = None, group: str | None = None) -> tuple[EventFact, ...]:
        return tuple(
            EventFact(type=e.type, at=e.at, properties=e.properties, sequence=number)
            for number, e in enumerate(self.events)
            if (customer is not None and e.customer == customer) or (group is not None and e.group == group)
        )

    def group_facts(self, group: Group) -> GroupFacts:
        return GroupFacts(
            id=group.id,
            tags=frozenset(group.tags),
            attributes={key: normalize(value) for key, value in group.attributes.items()},
            member_count=len(group.members),
            events=self._event_facts(group=group.id),
        )

    def customer_facts(self, person: Person) -> CustomerFacts:
        referrals = tuple(
            Referral(contact=e.customer, at=e.at)
            for e in self.events
            if e.type == "friend_added" and e.customer and e.properties.get("referrer") == person.id
        )
        return CustomerFacts(
            id=person.id,
            tags=frozenset(person.tags),
            attributes={key: normalize(value) for key, value in person.attributes.items()},
            birthday=person.birthday,
            events=self._event_facts(customer=person.id),
            groups=tuple(self.group_facts(g) for g in self.groups if person.id in g.members),
            referrals=referrals,
        )

    def staff_facts(self, member: StaffMember) -> StaffFacts:
        return StaffFacts(id=member.id, roles=frozenset(member.roles), tags=frozenset(member.tags))


def _write_attributes(
    conn: Connection, table: sa.Table, owner: str, number: int, attributes: dict[str, Scalar]
) -> None:
    for key, value in attributes.items():
        normal = normalize(value)
        conn.execute(
            sa.insert(table).values(
                {
                    owner: number,
                    "key": key,
                    "kind": normal.kind,
                    "value_text": normal.text,
                    "value_num": normal.num,
                    "value_day": normal.day,
                }
            )
        )


def clear(conn: Connection) -> None:
    for table in reversed(t.metadata.sorted_tables):
        conn.execute(sa.delete(table))
