"""The worker's loop survives any exception a tick raises: it logs it with its traceback, waits
longer after each failure in a row, and ticks again."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from siyu.planner.worker import MAX_BACKOFF_S, backoff_s, run_loop


class Ticks:
    """A tick that raises on the calls named in `failing` (1-based), and a stop after `total`."""

    def __init__(self, total: int, failing: set[int]) -> None:
        self.total, self.failing, self.calls = total, failing, 0
        self.waits: list[float] = []
        self.logs: list[str] = []

    def tick(self) -> None:
        self.calls += 1
        if self.calls in self.failing:
            raise RuntimeError(f"database went away on call {self.calls}")

    def stop(self) -> bool:
        return self.calls >= self.total


def test_a_tick_that_raises_once_is_logged_and_the_loop_goes_on() -> None:
    ticks = Ticks(total=3, failing={1})
    succeeded = run_loop(
        ticks.tick, interval_s=60, should_stop=ticks.stop, wait=ticks.waits.append, log=ticks.logs.append
    )
    assert ticks.calls == 3
    assert succeeded
    assert ticks.waits == [60, 60, 60]  # one failure in a row: the interval
    [log] = ticks.logs
    assert log.startswith("tick failed (1 in a row); next tick in 60 s")
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: database went away on call 1" in log


def test_failures_in_a_row_back_off_and_a_success_resets_the_wait() -> None:
    ticks = Ticks(total=6, failing={1, 2, 3, 5})
    run_loop(ticks.tick, interval_s=10, should_stop=ticks.stop, wait=ticks.waits.append, log=ticks.logs.append)
    assert ticks.waits == [10, 20, 40, 10, 10, 10]
    assert [line.splitlines()[0] for line in ticks.logs] == [
        "tick failed (1 in a row); next tick in 10 s",
        "tick failed (2 in a row); next tick in 20 s",
        "tick failed (3 in a row); next tick in 40 s",
        "tick failed (1 in a row); next tick in 10 s",
    ]


def test_once_reports_the_failure_and_does_not_wait() -> None:
    ticks = Ticks(total=5, failing={1})
    succeeded = run_loop(
        ticks.tick, interval_s=60, should_stop=ticks.stop, wait=ticks.waits.append, log=ticks.logs.append, once=True
    )
    assert (ticks.calls, succeeded, ticks.waits) == (1, False, [])
    assert ticks.logs[0].startswith("tick failed (1 in a row)\n")


def test_an_exception_of_any_class_is_survived() -> None:
    class Odd(Exception):
        pass

    calls: list[int] = []

    def tick() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise Odd("no message a database would give")

    run_loop(tick, interval_s=1, should_stop=lambda: len(calls) >= 2, wait=lambda _s: None, log=lambda _t: None)
    assert len(calls) == 2


@given(st.floats(min_value=0.01, max_value=3600), st.integers(min_value=0, max_value=200))
def test_the_wait_grows_with_failures_and_is_bounded(interval: float, failures: int) -> None:
    wait = backoff_s(interval, failures)
    assert wait >= (interval if failures == 0 else min(interval, MAX_BACKOFF_S))
    assert wait <= max(interval, MAX_BACKOFF_S)
    assert backoff_s(interval, failures + 1) >= wait
    if failures == 0:
        assert wait == interval
