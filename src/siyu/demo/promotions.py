"""The sales calendar: 618 (06-01 … 06-18) and 双11 (10-20 … 11-11) of every year, and the
双11 fission campaign (双11裂变活动) whose participants invite friends during the 双11 window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from siyu.demo.clock import DAY, wall_seconds


@dataclass(frozen=True)
class Window:
    name: str
    start: int  # wall seconds, inclusive
    end: int  # wall seconds, exclusive
    peak: int  # wall seconds of the peak day's midnight (06-18, 11-11)

    def contains(self, t: int) -> bool:
        return self.start <= t < self.end


def sale_windows(first_s: int, last_s: int) -> tuple[Window, ...]:
    """Every 618 and 双11 window that overlaps [first_s, last_s], oldest first."""
    first_year = date.fromordinal(719_163 + first_s // DAY).year  # 719163 = 1970-01-01
    last_year = date.fromordinal(719_163 + last_s // DAY).year
    windows: list[Window] = []
    for year in range(first_year, last_year + 1):
        for window in (
            Window(
                "618",
                wall_seconds(date(year, 6, 1)),
                wall_seconds(date(year, 6, 19)),
                wall_seconds(date(year, 6, 18)),
            ),
            Window(
                "双11",
                wall_seconds(date(year, 10, 20)),
                wall_seconds(date(year, 11, 12)),
                wall_seconds(date(year, 11, 11)),
            ),
        ):
            if window.start <= last_s and window.end > first_s:
                windows.append(window)
    return tuple(windows)


def fission_window(now_s: int) -> Window:
    """The latest 双11 window that has begun by now (the campaign the tag 双11裂变活动 names)."""
    year = date.fromordinal(719_163 + now_s // DAY).year
    start = wall_seconds(date(year, 10, 20))
    if start > now_s:
        year -= 1
        start = wall_seconds(date(year, 10, 20))
    return Window("双11裂变活动", start, wall_seconds(date(year, 11, 12)), wall_seconds(date(year, 11, 11)))
