"""Brand settings: time zone, quiet hours, caps, late_after and workday overrides.

GET answers every setting in the form PUT takes back. A change is validated against the whole
resulting settings before anything is written, and is recorded in the audit log (old and new
value). Operators and admins only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.users import User
from siyu.brand import settings as brand_settings
from siyu.core.brand import BrandSettings
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import US_PER_DAY, US_PER_SECOND
from siyu.web.deps import Db, NowUs, Operator

router = APIRouter(tags=["settings"])

US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
MAX_LATE_AFTER_US = 365 * US_PER_DAY
MAX_CAP = 100_000
SettingKey = Annotated[str, Path(max_length=32, description=f"One of: {', '.join(brand_settings.KEYS)}")]


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


def duration_text(us: int) -> str:
    """Microseconds → the largest whole unit of 30m / 24h / 7d."""
    for unit, size in (("d", US_PER_DAY), ("h", US_PER_HOUR)):
        if us % size == 0:
            return f"{us // size}{unit}"
    return f"{us // US_PER_MINUTE}m"


def settings_values(current: BrandSettings) -> dict[str, Any]:
    return {
        "timezone": current.timezone,
        "quiet_hours": {
            "start": current.quiet_hours.start.strftime("%H:%M"),
            "end": current.quiet_hours.end.strftime("%H:%M"),
        },
        "caps": {"per_day": current.caps.per_day, "per_week": current.caps.per_week},
        "late_after": duration_text(current.late_after_us),
        "workdays": {
            day.isoformat(): "workday" if working else "holiday"
            for day, working in sorted(current.workday_overrides.items())
        },
    }


def check_bounds(key: str, changed: BrandSettings) -> None:
    """Values the planner's integer arithmetic can hold (settings.set_value checks only their form)."""
    if key == "late_after" and changed.late_after_us > MAX_LATE_AFTER_US:
        raise ValidationError([Problem("late_after", "at most 365d")])
    if key == "caps":
        for name in ("per_day", "per_week"):
            if getattr(changed.caps, name) > MAX_CAP:
                raise ValidationError([Problem(f"caps.{name}", f"at most {MAX_CAP}")])


def change_setting(conn: Connection, user: User, key: str, value: Any, now: int) -> BrandSettings:
    """Set one key (ValidationError names the fault) and audit the old and the new stored value."""
    stored = brand_settings.stored_values(conn)
    if key in brand_settings.KEYS:  # an unknown key is set_value's to refuse
        check_bounds(key, brand_settings.from_values({**stored, key: value}))
    changed = brand_settings.set_value(conn, key, value, now_us=now)
    audit.record(
        conn,
        actor=user,
        action="settings.set",
        subject_type="settings",
        subject_id=key,
        now_us=now,
        detail={"old": stored.get(key), "new": value},
    )
    return changed


@router.get("/settings", response_model=SettingsOut, summary="The brand's settings")
def get_settings(conn: Db, who: Operator) -> dict[str, Any]:
    return settings_values(brand_settings.load(conn))


@router.put("/settings/{key}", response_model=SettingsOut, summary="Change one setting")
def put_setting(key: SettingKey, body: SettingIn, conn: Db, who: Operator, now: NowUs) -> dict[str, Any]:
    return settings_values(change_setting(conn, who.user, key, body.value, now))
