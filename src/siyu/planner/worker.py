"""The worker's loop: tick, wait, tick again, surviving any exception a tick raises.

A failed tick is logged with its traceback and the loop waits longer after each failure in a
row (the interval, doubled each time, at most `MAX_BACKOFF_S` — or the interval, if longer),
then ticks again: a database that is down or a bug that one tick hits never ends the worker.
`siyu worker` and `siyu serve --worker` both run it."""

from __future__ import annotations

import traceback
from collections.abc import Callable

MAX_BACKOFF_S = 300.0


def backoff_s(interval_s: float, failures_in_a_row: int) -> float:
    """The wait before the next tick: the interval, doubled for each failure in a row."""
    if failures_in_a_row <= 0:
        return interval_s
    doubled = interval_s * 2.0 ** min(failures_in_a_row - 1, 32)
    return min(doubled, max(MAX_BACKOFF_S, interval_s))


def run_loop(
    tick_once: Callable[[], None],
    *,
    interval_s: float,
    should_stop: Callable[[], bool],
    wait: Callable[[float], object],
    log: Callable[[str], None],
    once: bool = False,
) -> bool:
    """Call `tick_once()` until `should_stop()` (or once); returns whether the last tick succeeded."""
    failures = 0
    while not should_stop():
        try:
            tick_once()
        except Exception:
            failures += 1
            delay = backoff_s(interval_s, failures)
            then = "" if once else f"; next tick in {delay:g} s"
            log(f"tick failed ({failures} in a row){then}\n{traceback.format_exc().rstrip()}")
        else:
            failures = 0
            delay = interval_s
        if once:
            break
        wait(delay)
    return failures == 0
