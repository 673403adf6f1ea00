"""When one occurrence of a step is due before the frequency cap, from the brand's settings.

Workdays and quiet hours move the scheduled instant (core.schedule.due_instant); a deferral
past the years the workday calendar knows makes the occurrence unplannable, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from siyu.core.brand import BrandSettings
from siyu.core.model import CUSTOMER_FACING, Step
from siyu.core.reasons import Reason
from siyu.core.schedule import due_instant
from siyu.core.workdays import CalendarError


@dataclass(frozen=True)
class Timing:
    """When an occurrence is due (before caps), or why it cannot be planned."""

    wanted_us: int
    failure: Reason | None = None


def due_timing(step: Step, scheduled_us: int, settings: BrandSettings) -> Timing:
    try:
        wanted = due_instant(
            scheduled_us,
            customer_facing=step.channel in CUSTOMER_FACING,
            workdays_only=step.workdays_only,
            settings=settings,
        )
    except CalendarError as exc:
        return Timing(scheduled_us, exc.reason)
    return Timing(wanted)
