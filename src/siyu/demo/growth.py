"""When each customer became a WeCom friend: customer numbers follow the order of adding.

Two years of adds with steady growth, a little more at weekends and spikes in the 618 and 双11
windows. Customer `i` of `n` is added on the day where the cumulative weight passes
(i + ½) / n, so the mapping is monotone, deterministic and needs no per-customer state: any
worker can tell when any customer was added (referrals need that).
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from siyu.demo.clock import DAY
from siyu.demo.promotions import Window

HISTORY_DAYS = 720
WEEKEND_FACTOR = 1.15
SALE_FACTOR = 2.6
PEAK_FACTOR = 4.0


class AddCurve:
    __slots__ = ("_cumulative", "_total", "customers", "first_day", "last_day")

    def __init__(self, customers: int, now_day: int, windows: tuple[Window, ...]) -> None:
        if customers < 1:
            raise ValueError("at least one customer")
        self.customers = customers
        self.last_day = now_day
        self.first_day = now_day - HISTORY_DAYS + 1
        weights = [self._weight(day, windows) for day in range(self.first_day, now_day + 1)]
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1]

    def _weight(self, day: int, windows: tuple[Window, ...]) -> float:
        growth = 0.55 + 0.9 * (day - self.first_day) / HISTORY_DAYS
        if (day + 3) % 7 in (5, 6):  # 1970-01-01 was a Thursday: (day + 3) % 7 == 0 is Monday
            growth *= WEEKEND_FACTOR
        midnight = day * DAY
        for window in windows:
            if window.peak == midnight:
                return growth * PEAK_FACTOR
            if window.contains(midnight):
                return growth * SALE_FACTOR
        return growth

    def day_of(self, index: int) -> int:
        """The local day number on which customer `index` (0-based) was added."""
        target = (index + 0.5) / self.customers * self._total
        offset = bisect_right(self._cumulative, target)
        return self.first_day + min(offset, len(self._cumulative) - 1)

    def first_index_from(self, day: int) -> int:
        """The smallest customer index added on `day` or later (`customers` if none)."""
        low, high = 0, self.customers
        while low < high:
            middle = (low + high) // 2
            if self.day_of(middle) >= day:
                high = middle
            else:
                low = middle + 1
        return low
