"""The lines of the six import files (columns of SOP-FORMAT.md, "Data the engine reads")."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from siyu.demo.clock import DAY, TIMES_OF_DAY, Clock
from siyu.demo.customer import Customer
from siyu.demo.groups import Group
from siyu.demo.ids import customer_id
from siyu.demo.staff import StaffMember

STAFF_HEADER = "id,name,roles,manager,tags\n"
MEMBERS_HEADER = "group,customer\n"
TAGS_HEADER = "customer,tag\n"


def _json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def staff_lines(members: tuple[StaffMember, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for member in members:
        writer.writerow([member.id, member.name, ";".join(member.roles), member.manager or "", ";".join(member.tags)])
    return STAFF_HEADER + buffer.getvalue()


def group_line(group: Group) -> str:
    return _json_line({
        "id": group.id,
        "name": group.name,
        "owner": group.owner,
        "tags": [group.tag],
        "roles": [{"staff": staff, "role": role} for staff, role in group.roles],
    })  # fmt: skip


def customer_line(customer: Customer, clock: Clock) -> str:
    profile = customer.profile
    row: dict[str, Any] = {"id": customer_id(profile.index), "name": profile.name, "owner": profile.owner}
    if profile.gender:
        row["gender"] = profile.gender
    if profile.birthday is not None:
        row["birthday"] = profile.birthday.isoformat()
    row["source"] = profile.source.name
    row["tags"] = list(customer.tags)
    row["city"] = profile.city
    row["skin_type"] = profile.skin_type
    if customer.member_level is not None:
        row["member_level"] = customer.member_level
    if profile.pet is not None:
        row["pet_name"] = profile.pet.name
        row["pet_type"] = profile.pet.kind
        row["pet_vaccine_due"] = clock.date_text(profile.pet.vaccine_due)
    return _json_line(row)


def event_lines(customer: Customer, clock: Clock) -> str:
    """The customer's events, one JSON object a line (ids `ev<customer>-<n>` in time order)."""
    number = f"{customer.profile.index + 1:07d}"
    head = f'{{"id":"ev{number}-'
    who = f'"customer":"wm{number}"'
    prefix_of = clock.day_prefix
    times = TIMES_OF_DAY
    lines = []
    for count, (t, kind, group, properties) in enumerate(customer.events, start=1):
        day, second = divmod(t, DAY)
        date, offset = prefix_of(day)
        where = f'{who},"group":"{group}"' if group else who
        lines.append(
            f'{head}{count:03d}","type":"{kind}",{where},"at":"{date}{times[second]}{offset}","properties":{properties}}}\n'
        )
    return "".join(lines)


def member_lines(customer: Customer) -> list[str]:
    who = customer_id(customer.profile.index)
    return [f"{group},{who}\n" for group in customer.groups]


def tag_lines(customer: Customer) -> list[str]:
    who = customer_id(customer.profile.index)
    return [f"{who},{tag}\n" for tag in customer.later_tags]
