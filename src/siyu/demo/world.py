"""Everything shared by the generation of every customer, rebuilt identically in each worker
from (customers, seed, now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from siyu.demo.clock import DAY, Clock
from siyu.demo.fission import Fission
from siyu.demo.groups import Group, GroupIndex, build_groups
from siyu.demo.growth import HISTORY_DAYS, AddCurve
from siyu.demo.promotions import Window, fission_window, sale_windows
from siyu.demo.staff import StaffList, build_staff


@dataclass(frozen=True)
class DemoSpec:
    customers: int
    seed: int
    now: datetime


class World:
    __slots__ = (
        "clock", "curve", "fission", "group_index", "groups", "guide_ids", "spec", "staff",
        "windows",
    )  # fmt: skip

    def __init__(self, spec: DemoSpec) -> None:
        self.spec = spec
        self.clock = Clock(spec.now)
        first_s = (self.clock.now_day - HISTORY_DAYS - 30) * DAY
        self.windows: tuple[Window, ...] = sale_windows(first_s, self.clock.now_s)
        self.curve = AddCurve(spec.customers, self.clock.now_day, self.windows)
        self.fission = Fission(spec.seed, fission_window(self.clock.now_s), self.curve)
        self.staff: StaffList = build_staff(spec.seed, spec.customers)
        self.groups: tuple[Group, ...] = build_groups(spec.seed, spec.customers, self.staff)
        self.group_index = GroupIndex(self.groups)
        self.guide_ids = tuple(member.id for member in self.staff.guides)
