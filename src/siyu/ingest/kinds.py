"""What each import file kind holds: its columns, and one row's values → a record or faults (pure).

A record carries external ids only; the loaders resolve them against the database. For entity
kinds a column may be absent (a JSON Lines key left out): such a field is MISSING (scalars) or
None (lists) and the stored value is left untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property
from typing import Final, TypeVar

from siyu.core.timeutil import US_PER_DAY, US_PER_HOUR
from siyu.core.values import AttrValue
from siyu.ingest import fields
from siyu.ingest.fields import MISSING, FieldError, Missing
from siyu.ingest.readers import Values

T = TypeVar("T")
D = TypeVar("D")
Fault = tuple[str, str]  # (column, message); column "" when the fault is the whole row
IGNORED: Final = frozenset({"_row", "_errors", "_line"})  # added to rejected-row files


@dataclass(frozen=True)
class Kind:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    attributes: bool = False  # every other column is an attribute
    one_of: tuple[str, ...] = ()  # at least one of these columns

    @cached_property
    def known(self) -> frozenset[str]:
        return frozenset(self.required + self.optional) | IGNORED

    def check_columns(self, columns: tuple[str, ...]) -> list[Fault]:
        """Faults of a CSV/XLSX header (JSON Lines rows are checked one by one)."""
        faults: list[Fault] = [(column, "missing column") for column in self.required if column not in columns]
        if self.one_of and not any(column in columns for column in self.one_of):
            faults.append((self.one_of[0], f"missing column ({' or '.join(self.one_of)} needed)"))
        for column in columns:
            if column in self.known:
                continue
            if not self.attributes:
                faults.append((column, f"unknown column (expected: {', '.join(self.required + self.optional)})"))
            else:
                faults.extend((column, message) for message in attribute_name_faults(column))
        return faults


STAFF = Kind("staff", ("id", "name"), ("roles", "manager", "tags"))
CUSTOMERS = Kind("customers", ("id",), ("name", "owner", "gender", "birthday", "source", "tags"), attributes=True)
GROUPS = Kind("groups", ("id",), ("name", "owner", "tags", "roles"), attributes=True)
MEMBERS = Kind("members", ("group", "customer"), ())
TAGS = Kind("tags", ("customer", "tag"), ())
EVENTS = Kind("events", ("id", "type", "at"), ("customer", "group", "properties"), one_of=("customer", "group"))
KINDS: Final = {kind.name: kind for kind in (STAFF, CUSTOMERS, GROUPS, MEMBERS, TAGS, EVENTS)}
ATTRIBUTE_COLUMNS: Final = {"customers": ("gender", "source")}  # known columns stored as attributes


def attribute_name_faults(column: str) -> list[str]:
    if not column.strip():
        return ["an attribute name may not be empty"]
    if len(column) > fields.LABEL_MAX:
        return [f"an attribute name may not be longer than {fields.LABEL_MAX} characters"]
    return []


@dataclass(frozen=True, slots=True)
class StaffRecord:
    row: int
    external_id: str
    name: str
    roles: tuple[str, ...] | None  # None: column absent, roles untouched
    manager: str | Missing | None
    tags: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """A customer or a group."""

    row: int
    external_id: str
    name: str | Missing
    owner: str | Missing | None
    tags: tuple[str, ...] | None
    attributes: dict[str, AttrValue | None]  # None removes the attribute
    birthday: date | Missing | None = MISSING  # customers
    roles: tuple[tuple[str, str], ...] | None = None  # groups: (staff, role) pairs


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A membership (group, customer) or a tag (customer, tag)."""

    row: int
    first: str
    second: str


# (row, external id, type, customer, group, at µs, local day, properties JSON): a plain tuple,
# because a million of them go by in a bulk import.
EventRecord = tuple[int, str, str, str | None, str | None, int, int, str]
Record = StaffRecord | EntityRecord | LinkRecord | EventRecord
Validator = Callable[[int, Values], Record | list[Fault]]


class _Row:
    """Collects the faults of one row while its fields are read."""

    __slots__ = ("faults", "values")

    def __init__(self, values: Values) -> None:
        self.values = values
        self.faults: list[Fault] = []

    def field(self, column: str, parse: Callable[[object], T], default: D) -> T | D:
        try:
            return parse(self.values.get(column))
        except FieldError as exc:
            self.faults.append((column, exc.message))
            return default

    def required(self, column: str, parse: Callable[[object], str | None] = fields.identifier) -> str:
        if column not in self.values:
            self.faults.append((column, "required"))
            return ""
        value = self.field(column, parse, MISSING)
        if value is MISSING:
            return ""
        if value is None or value == "":
            self.faults.append((column, "required"))
            return ""
        return value

    def optional(self, column: str, parse: Callable[[object], T]) -> T | Missing:
        if column not in self.values:
            return MISSING
        return self.field(column, parse, MISSING)

    def present(self, column: str, parse: Callable[[object], T]) -> T | None:
        """A list column: None when absent (untouched)."""
        if column not in self.values:
            return None
        return self.field(column, parse, None)

    def unknown_columns(self, kind: Kind) -> None:
        known = kind.known
        if self.values.keys() <= known:
            return
        expected = ", ".join(kind.required + kind.optional)
        self.faults.extend((key, f"unknown column (expected: {expected})") for key in self.values if key not in known)


def _required_name(value: object) -> str | None:
    return fields.name(value) or None


def validate_staff(row: int, values: Values) -> StaffRecord | list[Fault]:
    r = _Row(values)
    r.unknown_columns(STAFF)
    external_id = r.required("id")
    name = r.required("name", _required_name)
    roles = r.present("roles", fields.labels)
    manager = r.optional("manager", fields.identifier)
    tags = r.present("tags", fields.labels)
    if r.faults:
        return r.faults
    return StaffRecord(row, external_id, name, roles, manager, tags)


def _attributes(r: _Row, kind: Kind) -> dict[str, AttrValue | None]:
    known = kind.known
    out: dict[str, AttrValue | None] = {}
    for column in ATTRIBUTE_COLUMNS.get(kind.name, ()):
        if column in r.values:
            out[column] = r.field(column, fields.attribute, None)
    for column in r.values:
        if column in known:
            continue
        name_faults = attribute_name_faults(column)
        if name_faults:
            r.faults.extend((column, message) for message in name_faults)
            continue
        out[column] = r.field(column, fields.attribute, None)
    return out


def validate_customer(row: int, values: Values) -> EntityRecord | list[Fault]:
    r = _Row(values)
    external_id = r.required("id")
    name = r.optional("name", fields.name)
    owner = r.optional("owner", fields.identifier)
    birthday = r.optional("birthday", fields.birthday)
    tags = r.present("tags", fields.labels)
    attributes = _attributes(r, CUSTOMERS)
    if r.faults:
        return r.faults
    return EntityRecord(row, external_id, name, owner, tags, attributes, birthday=birthday)


def validate_group(row: int, values: Values) -> EntityRecord | list[Fault]:
    r = _Row(values)
    external_id = r.required("id")
    name = r.optional("name", fields.name)
    owner = r.optional("owner", fields.identifier)
    tags = r.present("tags", fields.labels)
    roles = r.present("roles", fields.role_pairs)
    attributes = _attributes(r, GROUPS)
    if r.faults:
        return r.faults
    return EntityRecord(row, external_id, name, owner, tags, attributes, roles=roles)


def validate_member(row: int, values: Values) -> LinkRecord | list[Fault]:
    r = _Row(values)
    r.unknown_columns(MEMBERS)
    group = r.required("group")
    customer = r.required("customer")
    if r.faults:
        return r.faults
    return LinkRecord(row, group, customer)


def _tag(value: object) -> str | None:
    return fields.identifier(value, fields.LABEL_MAX)


def validate_tag(row: int, values: Values) -> LinkRecord | list[Fault]:
    r = _Row(values)
    r.unknown_columns(TAGS)
    customer = r.required("customer")
    tag = r.required("tag", _tag)
    if r.faults:
        return r.faults
    return LinkRecord(row, customer, tag)


def _event_type(value: object) -> str | None:
    return fields.identifier(value, fields.TYPE_MAX)


def validate_event(row: int, values: Values, local_day: Callable[[int], int]) -> EventRecord | list[Fault]:
    """One event row, field by field: the reference for event_validator's short path."""
    r = _Row(values)
    r.unknown_columns(EVENTS)
    external_id = r.required("id")
    kind = r.required("type", _event_type)
    customer = r.field("customer", fields.identifier, None)
    group = r.field("group", fields.identifier, None)
    at = 0
    if "at" not in values or fields.is_blank(values["at"]):
        r.faults.append(("at", "required"))
    else:
        at = r.field("at", fields.instant_us, 0)
    props = r.field("properties", fields.properties, "{}")
    if customer is None and group is None and not any(c in ("customer", "group") for c, _ in r.faults):
        r.faults.append(("customer", "an event needs a customer or a group"))
    if r.faults:
        return r.faults
    return (row, external_id, kind, customer, group, at, local_day(at), props)


def event_validator(zone: tzinfo) -> Callable[[int, Values], EventRecord | list[Fault]]:
    """Events need the brand zone for their local day. The common case — every field well
    formed — takes a short path with the same result as validate_event; anything unusual goes
    through validate_event for its faults."""
    local_day = fields.LocalDays(zone)
    known = EVENTS.known
    offsets = local_day.offsets
    fromisoformat = datetime.fromisoformat
    encode_json = fields.encode_json
    epoch = fields.EPOCH
    hour_us, day_us = US_PER_HOUR, US_PER_DAY
    years = range(fields.YEARS[0], fields.YEARS[1] + 1)

    def slow(row: int, values: Values) -> EventRecord | list[Fault]:
        return validate_event(row, values, local_day)

    def validate(row: int, values: Values) -> EventRecord | list[Fault]:
        if not values.keys() <= known:
            return slow(row, values)
        external_id = values.get("id")
        kind = values.get("type")
        at = values.get("at")
        customer = values.get("customer")
        group = values.get("group")
        if (
            type(external_id) is not str
            or type(kind) is not str
            or type(at) is not str
            or not (customer is None or type(customer) is str)
            or not (group is None or type(group) is str)
        ):
            return slow(row, values)
        external_id = external_id.strip()
        kind = kind.strip()
        customer = customer.strip() or None if customer is not None else None
        group = group.strip() or None if group is not None else None
        if (
            not 0 < len(external_id) <= fields.ID_MAX
            or not 0 < len(kind) <= fields.TYPE_MAX
            or (customer is None and group is None)
            or (customer is not None and len(customer) > fields.ID_MAX)
            or (group is not None and len(group) > fields.ID_MAX)
            or "\x00" in f"{external_id}{kind}{customer}{group}"
        ):
            return slow(row, values)
        try:
            moment = fromisoformat(at)
        except ValueError:
            return slow(row, values)
        if moment.tzinfo is None or moment.year not in years:
            return slow(row, values)
        props = values.get("properties")
        if type(props) is dict and props:
            try:
                props_json = encode_json(props)
            except ValueError:
                return slow(row, values)
            if "\\u0000" in props_json:
                return slow(row, values)
        elif props is None or props == {}:
            props_json = "{}"
        else:
            return slow(row, values)
        delta = moment - epoch  # fields.us_of, inlined
        us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        offset = offsets.get(us // hour_us)
        day = local_day(us) if offset is None else (us + offset) // day_us
        return (row, external_id, kind, customer, group, us, day, props_json)

    return validate


def validator(kind: str, zone: tzinfo) -> Validator:
    if kind == "events":
        return event_validator(zone)
    return {
        "staff": validate_staff,
        "customers": validate_customer,
        "groups": validate_group,
        "members": validate_member,
        "tags": validate_tag,
    }[kind]
