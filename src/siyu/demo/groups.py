"""Customer groups (社群): member groups (会员群), new-friend groups (新人群) and trial-class groups
(试听课群), about one per 300 customers, each with its owner and staff roles (群管理, 助教, KOC)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from siyu.demo.catalog import BRAND, CITIES
from siyu.demo.draws import pick
from siyu.demo.hashing import seeded_rng
from siyu.demo.staff import OPERATOR, SERVICE, TUTOR, StaffList

CUSTOMERS_PER_GROUP = 300
MIN_GROUPS = 5

MEMBER_GROUP = "会员群"
NEWCOMER_GROUP = "新人群"
TRIAL_GROUP = "试听课群"

# group k gets the tag at k % 10: 7 member groups, 2 newcomer groups, 1 trial-class group
_PATTERN = (
    MEMBER_GROUP, NEWCOMER_GROUP, MEMBER_GROUP, TRIAL_GROUP, MEMBER_GROUP,
    MEMBER_GROUP, NEWCOMER_GROUP, MEMBER_GROUP, MEMBER_GROUP, MEMBER_GROUP,
)  # fmt: skip


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    owner: str
    tag: str
    roles: tuple[tuple[str, str], ...]  # (staff id, role)


def group_count(customers: int) -> int:
    return max(MIN_GROUPS, round(customers / CUSTOMERS_PER_GROUP))


def build_groups(seed: int, customers: int, staff: StaffList) -> tuple[Group, ...]:
    rng = seeded_rng(seed, "groups")
    guides = [member.id for member in staff.guides]
    service = [member.id for member in staff.with_role(SERVICE)]
    tutors = [member.id for member in staff.with_role(TUTOR)]
    operators = [member.id for member in staff.with_role(OPERATOR)]
    numbers = {MEMBER_GROUP: 0, NEWCOMER_GROUP: 0, TRIAL_GROUP: 0}
    groups: list[Group] = []
    for k in range(group_count(customers)):
        tag = _PATTERN[k % len(_PATTERN)]
        numbers[tag] += 1
        number = numbers[tag]
        roles: list[tuple[str, str]] = [(pick(rng, service), "群管理")]
        if tag == TRIAL_GROUP:
            owner = operators[(number - 1) % len(operators)]
            name = f"{BRAND}·护肤试听课第{number}期"
            roles.append((pick(rng, tutors), "助教"))
        else:
            owner = guides[(k * 7) % len(guides)]
            if tag == MEMBER_GROUP:
                city = pick(rng, CITIES)[0]
                name = f"{BRAND}·{city}会员福利{number}群"
                koc = pick(rng, guides)
                if koc != owner and rng.random() < 0.4:
                    roles.append((koc, "KOC"))
            else:
                name = f"{BRAND}·新人福利{number}群"
        groups.append(Group(f"wr{k + 1:05d}", name, owner, tag, tuple(roles)))
    return tuple(groups)


class GroupIndex:
    """Which group a customer is invited to: one of the owner's groups of that kind if any."""

    __slots__ = ("_by_owner", "_by_tag")

    def __init__(self, groups: tuple[Group, ...]) -> None:
        self._by_tag: dict[str, list[str]] = {}
        self._by_owner: dict[tuple[str, str], list[str]] = {}
        for group in groups:
            self._by_tag.setdefault(group.tag, []).append(group.id)
            self._by_owner.setdefault((group.owner, group.tag), []).append(group.id)

    def choose(self, rng: random.Random, tag: str, owner: str) -> str:
        own = self._by_owner.get((owner, tag))
        if own and rng.random() < 0.8:
            return pick(rng, own)
        ids = self._by_tag[tag]
        return pick(rng, ids)
