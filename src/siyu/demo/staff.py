"""The staff of the demo brand: one 运营 lead at the root, 店长 managing 导购, and 客服, 助教,
other 运营 and 设计师 reporting to the lead. A 导购 for every 300 customers (at least 2), the other
roles in proportion: 5,000 customers have 17 导购 among 25 staff."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.demo.hashing import seeded_rng
from siyu.demo.names import person_name

# a 导购 looks after a few hundred customers, as in the articles' brands; the other roles scale
# with the number of 导购 (a 店长 per ten, a 客服 per eight, …)
CUSTOMERS_PER_GUIDE = 300
MIN_GUIDES = 2

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


def guide_count(customers: int) -> int:
    return max(MIN_GUIDES, -(-customers // CUSTOMERS_PER_GUIDE))


def staff_count(customers: int) -> int:
    return 1 + len(_plan(guide_count(customers)))


def _plan(guides: int) -> list[str]:
    """The role of each staff member after the lead, in id order."""
    managers = max(1, -(-guides // 10))
    service = max(1, guides // 8)
    tutors = max(1, guides // 15)
    operators = max(1, guides // 30)
    designers = max(1, guides // 50)
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
    guides = guide_count(customers)
    lead = StaffMember("st0001", person_name(rng, "female"), (OPERATOR,), None, ("总部", "私域负责人"))
    members = [lead]
    managers: list[str] = []
    for number, role in enumerate(_plan(guides), start=2):
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
