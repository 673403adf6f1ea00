"""Brand settings: time zone, quiet hours, caps, late_after and workday overrides.

GET answers every setting in the form PUT takes back. A change is validated against the whole
resulting settings before anything is written, and is recorded in the audit log (old and new
value). Operators and admins only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from siyu.brand import settings as brand_settings
from siyu.web.common.settings import SettingKey, settings_values
from siyu.web.deps import Db, NowUs, Operator

router = APIRouter(tags=["settings"])


class QuietHoursOut(BaseModel):
    start: str = Field(description="HH:MM, brand time")
    end: str = Field(description="HH:MM, brand time (before start: the quiet hours cross midnight)")


class CapsOut(BaseModel):
    per_day: int
    per_week: int


class SettingsOut(BaseModel):
    timezone: str = Field(description="IANA time zone, e.g. Asia/Shanghai")
    quiet_hours: QuietHoursOut
    caps: CapsOut = Field(description="Most messages a customer gets a day and a week")
    late_after: str = Field(description="A task not done this long after it is due expires: 30m, 24h, 7d")
    workdays: dict[str, str] = Field(description='Overrides of the calendar: {"2027-01-01": "holiday"}')


class SettingIn(BaseModel):
    value: Any = Field(
        description='The new value, as GET shows it: "Asia/Shanghai", {"start": "22:00", "end": "08:00"}, '
        '{"per_day": 2, "per_week": 5}, "24h", {"2027-02-07": "workday"} (replaces the whole map)'
    )


@router.get("/settings", response_model=SettingsOut, summary="The brand's settings")
def get_settings(conn: Db, who: Operator) -> dict[str, Any]:
    return settings_values(brand_settings.load(conn))


@router.put("/settings/{key}", response_model=SettingsOut, summary="Change one setting")
def put_setting(key: SettingKey, body: SettingIn, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    return settings_values(brand_settings.change(conn, key, body.value, actor=who.user, now_us=now))
