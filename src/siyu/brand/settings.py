"""Brand settings stored in `brand_settings` (one row per key, JSON values). A person's change
(`change`, from the console, the API or the CLI) is bounded to what the planner's arithmetic
holds and audited with the old and the new stored value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.core.brand import BrandSettings, Caps, QuietHours
from siyu.core.errors import Problem, ValidationError
from siyu.core.timeutil import US_PER_DAY, parse_duration_us, zone_named
from siyu.core.workday_file import KIND_WORDS, iso_date
from siyu.store.event_days import recompute_event_days
from siyu.store.tables import brand_settings

KEYS = ("timezone", "quiet_hours", "caps", "late_after", "workdays")
MAX_LATE_AFTER_US = 365 * US_PER_DAY
MAX_CAP = 100_000


def _parse_hhmm(text: Any, where: str) -> time:
    try:
        hours, minutes = str(text).split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValidationError([Problem(where, f'expected "HH:MM", got {text!r}')]) from exc


def _parse_workdays(raw: Any) -> MappingProxyType[date, bool]:
    """{"2027-01-01": "holiday", "2027-02-07": "workday"} → {date: is a workday}."""
    if not isinstance(raw, dict):
        raise ValidationError([Problem("workdays", 'expected {"2027-01-01": "holiday", "2027-02-07": "workday"}')])
    overrides: dict[date, bool] = {}
    problems: list[Problem] = []
    for text, word in raw.items():
        where = f"workdays.{text}"
        day = iso_date(text)
        if day is None:
            problems.append(Problem(where, f"expected a date written YYYY-MM-DD, got {text!r}"))
            continue
        if not isinstance(word, str) or word not in KIND_WORDS:
            problems.append(Problem(where, f'expected "workday" or "holiday", got {word!r}'))
            continue
        overrides[day] = KIND_WORDS[word]
    if problems:
        raise ValidationError(problems)
    return MappingProxyType(overrides)


def from_values(values: dict[str, Any]) -> BrandSettings:
    """Build settings from stored JSON values; raises ValidationError naming the bad key."""
    base = BrandSettings()
    timezone = base.timezone
    if "timezone" in values:
        try:
            timezone = zone_named(str(values["timezone"])).key
        except ValueError as exc:
            raise ValidationError([Problem("timezone", str(exc))]) from exc
    quiet = base.quiet_hours
    if "quiet_hours" in values:
        raw = values["quiet_hours"]
        if not isinstance(raw, dict) or set(raw) != {"start", "end"}:
            raise ValidationError([Problem("quiet_hours", 'expected {start: "22:00", end: "08:00"}')])
        quiet = QuietHours(_parse_hhmm(raw["start"], "quiet_hours.start"), _parse_hhmm(raw["end"], "quiet_hours.end"))
    caps = base.caps
    if "caps" in values:
        raw = values["caps"]
        ok = isinstance(raw, dict) and set(raw) <= {"per_day", "per_week"}
        ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in raw.values())
        if not ok:
            raise ValidationError([Problem("caps", "expected {per_day: N, per_week: N} with whole numbers ≥ 0")])
        caps = Caps(raw.get("per_day", caps.per_day), raw.get("per_week", caps.per_week))
    late_after = base.late_after_us
    if "late_after" in values:
        try:
            late_after = parse_duration_us(str(values["late_after"]))
        except ValueError as exc:
            raise ValidationError([Problem("late_after", str(exc))]) from exc
    overrides = _parse_workdays(values["workdays"]) if "workdays" in values else base.workday_overrides
    return BrandSettings(
        timezone=timezone, quiet_hours=quiet, caps=caps, late_after_us=late_after, workday_overrides=overrides
    )


def stored_values(conn: Connection) -> dict[str, Any]:
    rows = conn.execute(sa.select(brand_settings.c.key, brand_settings.c.value))
    return {str(row.key): row.value for row in rows}


def load(conn: Connection) -> BrandSettings:
    return from_values(stored_values(conn))


def set_value(conn: Connection, key: str, value: Any, *, now_us: int) -> BrandSettings:
    """Validate the whole resulting settings before writing one key."""
    if key not in KEYS:
        raise ValidationError([Problem(key, f"unknown setting (known: {', '.join(KEYS)})")])
    values = stored_values(conn)
    before = from_values(values)
    values[key] = value
    settings = from_values(values)
    conn.execute(sa.delete(brand_settings).where(brand_settings.c.key == key))
    conn.execute(sa.insert(brand_settings).values(key=key, value=value, updated_at=now_us))
    if settings.timezone != before.timezone:
        recompute_event_days(conn, settings.zone)
    return settings


def check_bounds(key: str, changed: BrandSettings) -> None:
    """Values the planner's integer arithmetic can hold (`set_value` checks only their form)."""
    if key == "late_after" and changed.late_after_us > MAX_LATE_AFTER_US:
        raise ValidationError([Problem("late_after", "at most 365d")])
    if key == "caps":
        for name in ("per_day", "per_week"):
            if getattr(changed.caps, name) > MAX_CAP:
                raise ValidationError([Problem(f"caps.{name}", f"at most {MAX_CAP}")])


def change(conn: Connection, key: str, value: Any, *, actor: Actor, now_us: int) -> BrandSettings:
    """A person sets one key (ValidationError names the fault); audited with the old and the new
    stored value."""
    stored = stored_values(conn)
    if key in KEYS:  # an unknown key is set_value's to refuse
        check_bounds(key, from_values({**stored, key: value}))
    changed = set_value(conn, key, value, now_us=now_us)
    audit.record(
        conn,
        actor=actor,
        action="settings.set",
        subject_type="settings",
        subject_id=key,
        now_us=now_us,
        detail={"old": stored.get(key), "new": value},
    )
    return changed


@dataclass(frozen=True)
class WorkdayImport:
    """What importing a year's schedule did: per year, the days given and the overrides replaced."""

    years: Mapping[int, tuple[int, int]]  # year → (days in the file, overrides it replaced)
    settings: BrandSettings


def import_workdays(conn: Connection, days: Mapping[date, bool], *, actor: Actor, now_us: int) -> WorkdayImport:
    """The official schedule of the years in `days` replaces every override of those years (the
    other years' stay) in one audited change of `workdays`."""
    current = load(conn).workday_overrides
    years = sorted({day.year for day in days})
    kept = {day: working for day, working in current.items() if day.year not in years}
    merged = {**kept, **days}
    value = {day.isoformat(): "workday" if working else "holiday" for day, working in sorted(merged.items())}
    changed = change(conn, "workdays", value, actor=actor, now_us=now_us)
    counts = {year: (sum(day.year == year for day in days), sum(day.year == year for day in current)) for year in years}
    return WorkdayImport(counts, changed)
