"""Small SOPs, steps and instants for the planner core's tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from siyu.core.model import Channel, Executor, ExecutorKind, Mode, Sop, SopKind, Step, Text, TimeSpec, Variant
from siyu.core.timeutil import to_us

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BY_OWNER = Executor(ExecutorKind.owner)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """An instant given as Shanghai wall time."""
    return to_us(datetime(year, month, day, hour, minute, tzinfo=SHANGHAI))


def make_step(
    at: TimeSpec,
    *,
    step_id: str = "s1",
    channel: Channel = Channel.private,
    executor: Executor = BY_OWNER,
    mode: Mode = Mode.remind,
    workdays_only: bool = False,
    variants: tuple[Variant, ...] = (),
) -> Step:
    return Step(
        step_id,
        at,
        channel,
        executor,
        (Text("hello"),),
        mode=mode,
        workdays_only=workdays_only,
        variants=variants,
    )


def make_sop(*steps: Step, kind: SopKind = SopKind.customer, anchor: datetime | None = None, priority: int = 0) -> Sop:
    return Sop("welcome", "欢迎", kind, steps, anchor=anchor, priority=priority)
