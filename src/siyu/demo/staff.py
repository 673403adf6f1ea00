"""The staff of the demo brand: one 运营 lead at the root, 店长 managing 导购, and 客服, 助教,
other 运营 and 设计师 reporting to the lead. About one staff member per 2,000 customers."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.demo.hashing import seeded_rng
from siyu.demo.names import person_name

CUSTOMERS_PER_STAFF = 2_000
MIN_STAFF = 8

GUIDE = "导购"
SERVICE = "客服"
OPERATOR = "运营"
TUTOR = "助教"
DESIGNER = "设计师"
STORE_MANAGER = "店长"


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    roles: tuple[str, ...]
    manager: str | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffList:
    members: tuple[StaffMember, ...]

    def with_role(self, role: str) -> tuple[StaffMember, ...]:
        return tuple(member for member in self.members if role in member.roles)

    @property
    def guides(self) -> tuple[StaffMember, ...]:
        return self.with_role(GUIDE)


def staff_count(customers: int) -> int:
    return max(MIN_STAFF, round(customers / CUSTOMERS_PER_STAFF))


def _plan(total: int) -> list[str]:
    """The role of each staff member after the lead, in id order."""
    managers = max(1, total // 12)
    service = max(1, total // 20)
    tutors = max(1, total // 40)
    operators = max(1, total // 80)
    designers = max(1, total // 150)
    guides = total - 1 - managers - service - tutors - operators - designers
    return (
        [STORE_MANAGER] * managers
        + [GUIDE] * guides
        + [SERVICE] * service
        + [TUTOR] * tutors
        + [OPERATOR] * operators
        + [DESIGNER] * designers
    )


def build_staff(seed: int, customers: int) -> StaffList:
    rng = seeded_rng(seed, "staff")
    total = staff_count(customers)
    lead = StaffMember("st0001", person_name(rng, "female"), (OPERATOR,), None, ("总部", "私域负责人"))
    members = [lead]
    managers: list[str] = []
    for number, role in enumerate(_plan(total), start=2):
        staff_id = f"st{number:04d}"
        gender = "female" if rng.random() < 0.8 else "male"
        tags: tuple[str, ...] = ()
        if role == STORE_MANAGER:
            manager: str | None = lead.id
            managers.append(staff_id)
        elif role == GUIDE:
            manager = managers[(number - 2) % len(managers)]
            first_guide = not any(GUIDE in member.roles for member in members)
            draw = rng.random()
            tags = ("金牌导购",) if draw < 0.2 or first_guide else ("新人",) if draw < 0.35 else ()
            if rng.random() < 0.1 or first_guide:  # the first guide also hosts the live streams
                tags = (*tags, "直播主播")
        else:
            manager = lead.id
            tags = ("总部",)
        members.append(StaffMember(staff_id, person_name(rng, gender), (role,), manager, tags))
    return StaffList(tuple(members))
