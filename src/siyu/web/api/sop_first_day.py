"""Before switching an SOP on: the tasks each staff member would get on its first day."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.core.timeutil import from_us
from siyu.planner.first_day import first_day
from siyu.web.common.sops import SOP_ID_PATTERN
from siyu.web.deps import NowUs, StandaloneOperator, engine_of

router = APIRouter(tags=["sops"])
SopId = Annotated[str, Path(pattern=SOP_ID_PATTERN, max_length=100)]


class StaffLoadOut(BaseModel):
    staff: str | None = Field(description="The staff member's id; null for tasks nobody can carry out")
    name: str
    tasks: int


class FirstDayOut(BaseModel):
    sop: str
    start: str
    end: str
    total: int = Field(description="Tasks waiting for someone (pending or due) or sent on the first day")
    staff: list[StaffLoadOut] = Field(description="Most tasks first")


@router.get(
    "/sops/{sop_id}/first-day",
    response_model=FirstDayOut,
    summary="The first day's tasks per staff member if the SOP were switched on now (simulated, nothing stored)",
)
def get_first_day(request: Request, sop_id: SopId, who: StandaloneOperator, now: NowUs) -> dict[str, Any]:
    engine = engine_of(request)
    day = first_day(engine, sop_id, now)
    with engine.connect() as conn:
        zone = brand_settings.load(conn).zone
    return {
        "sop": day.sop_id,
        "start": from_us(day.start_us, zone).isoformat(),
        "end": from_us(day.end_us, zone).isoformat(),
        "total": day.total,
        "staff": [{"staff": load.staff, "name": load.name, "tasks": load.tasks} for load in day.loads],
    }
