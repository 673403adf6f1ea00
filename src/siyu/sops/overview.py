"""SOPs as the console and the API show them: the list with how many are in each SOP, when it
was last planned and whether its planning failed, versions, audiences with samples, and the
changes people make (apply, enable, disable), each recorded in the audit log in the caller's
transaction.

Every query here is bounded: the count of targets in an SOP reads its open entries through the
partial index on open entries and stops at a cap — `LIST_CAP` in lists (shown as "10,000+"),
`DETAIL_CAP` for one SOP — so a page of SOPs costs the same at a million customers as at a
thousand (about 2 ms per SOP at the list cap on SQLite)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.actors import Actor
from siyu.core.errors import NotFoundError, Problem, ValidationError
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.yamlsource import load_sops
from siyu.sops import repo as sop_service
from siyu.store.tables import sop_entries, sop_state, sop_versions, sops

LIST_CAP = 10_000
DETAIL_CAP = 100_000
VERSIONS_SHOWN = 200
CONSOLE_FOLDER = Path("console")


@dataclass(frozen=True)
class InSop:
    """Targets in an SOP now (open entries); `capped`: there are more than `count`."""

    count: int
    capped: bool


@dataclass(frozen=True)
class SopRow:
    id: str
    name: str
    kind: str
    enabled: bool
    priority: int
    latest_version: int
    updated_at_us: int
    enabled_at_us: int | None
    in_sop: InSop | None  # None when not asked for
    last_tick_at_us: int | None
    failure: SopFailure | None = None  # its planning failed in the last tick that ran it


@dataclass(frozen=True)
class SopFailure:
    """The last failure of one of the SOP's planning steps (recorded by planner.failures)."""

    sop_id: str
    step: str
    error: str  # the error's class and message, never its SQL
    at_us: int  # the planning `now` of the tick that failed
    failures: int = 1  # ticks in a row that failed


def failures_of(conn: Connection, sop_ids: list[str] | None = None) -> dict[str, SopFailure]:
    """The SOPs whose planning failed and has not yet run cleanly since (all, or of `sop_ids`)."""
    query = sa.select(sop_state).where(sop_state.c.failures > 0)
    if sop_ids is not None:
        if not sop_ids:
            return {}
        query = query.where(sop_state.c.sop_id.in_(sop_ids))
    return {
        row.sop_id: SopFailure(
            row.sop_id, row.last_error_step or "", row.last_error or "", int(row.last_error_at or 0), row.failures
        )
        for row in conn.execute(query)
    }


def in_sop(conn: Connection, sop_id: str, *, cap: int) -> InSop:
    """Open entries of an SOP, counted up to `cap`."""
    open_entries = (
        sa.select(sa.literal_column("1").label("one"))
        .where(sop_entries.c.sop_id == sop_id, sop_entries.c.exited_at.is_(None))
        .limit(cap + 1)
        .subquery()
    )
    found = int(conn.execute(sa.select(sa.func.count()).select_from(open_entries)).scalar_one())
    return InSop(min(found, cap), found > cap)


def last_ticks(conn: Connection, sop_ids: list[str]) -> dict[str, int]:
    if not sop_ids:
        return {}
    rows = conn.execute(
        sa.select(sop_state.c.sop_id, sop_state.c.last_tick_at).where(
            sop_state.c.sop_id.in_(sop_ids), sop_state.c.last_tick_at.is_not(None)
        )
    )
    return {row.sop_id: int(row.last_tick_at) for row in rows}


def _row(row: Any, count: InSop | None, ticks: dict[str, int], failures: dict[str, SopFailure] | None = None) -> SopRow:
    return SopRow(
        id=row.id,
        name=row.name,
        kind=row.kind,
        enabled=bool(row.enabled),
        priority=row.priority,
        latest_version=row.latest_version,
        updated_at_us=row.updated_at,
        enabled_at_us=row.enabled_at,
        in_sop=count,
        last_tick_at_us=ticks.get(row.id),
        failure=(failures or {}).get(row.id),
    )


def list_sops(conn: Connection, *, limit: int, offset: int = 0, figures: bool = True) -> list[SopRow]:
    """SOPs by priority (highest first), then id; `figures` adds who is in each and its last tick."""
    rows = list(conn.execute(sa.select(sops).order_by(sops.c.priority.desc(), sops.c.id).limit(limit).offset(offset)))
    if not figures:
        return [_row(row, None, {}) for row in rows]
    ids = [row.id for row in rows]
    ticks, failures = last_ticks(conn, ids), failures_of(conn, ids)
    return [_row(row, in_sop(conn, row.id, cap=LIST_CAP), ticks, failures) for row in rows]


def one(conn: Connection, sop_id: str) -> SopRow:
    row = conn.execute(sa.select(sops).where(sops.c.id == sop_id)).first()
    if row is None:
        raise NotFoundError(f"no SOP named {sop_id}")
    return _row(row, in_sop(conn, sop_id, cap=DETAIL_CAP), last_ticks(conn, [sop_id]), failures_of(conn, [sop_id]))


@dataclass(frozen=True)
class VersionRow:
    version: int
    created_at_us: int
    checksum: str
    source_file: str | None


def versions(conn: Connection, sop_id: str, *, limit: int = VERSIONS_SHOWN) -> list[VersionRow]:
    """The newest `limit` versions of an SOP, newest first (its primary key orders them)."""
    rows = conn.execute(
        sa.select(
            sop_versions.c.version, sop_versions.c.created_at, sop_versions.c.checksum, sop_versions.c.source_file
        )
        .where(sop_versions.c.sop_id == sop_id)
        .order_by(sop_versions.c.version.desc())
        .limit(limit)
    )
    return [VersionRow(r.version, r.created_at, r.checksum, r.source_file) for r in rows]


# ---------------------------------------------------------------- audiences


# ---------------------------------------------------------------- changes


def console_file(text: str) -> Path:
    """The name a console text is applied under: `console/<id>.yaml` (`console/sop.yaml` when the
    text has no readable id yet; the problems then name that)."""
    try:
        loaded = load_sops(text, "console/sop.yaml")
    except (ValidationError, yaml.YAMLError):
        return CONSOLE_FOLDER / "sop.yaml"
    first = loaded[0].raw.get("id") if loaded and isinstance(loaded[0].raw, dict) else None
    if isinstance(first, int | str) and str(first) and all(c.isalnum() or c == "-" for c in str(first)):
        return CONSOLE_FOLDER / f"{first}.yaml"
    return CONSOLE_FOLDER / "sop.yaml"


def check_characters(text: str, file: Path) -> None:
    """YAML refuses control characters before it parses anything, and that error escapes the SOP
    reader: report it located, like every other problem of the text."""
    try:
        yaml.reader.Reader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
        raise ValidationError(
            [Problem(f"{file}:{line}:{column}", f"the character U+{code:04X} is not allowed in YAML text")]
        ) from exc


def apply_source(
    conn: Connection,
    actor: Actor,
    text: str,
    *,
    now_us: int,
    strict: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> sop_service.ApplyReport:
    """Validate and apply SOP text (all or nothing); every new version is audited. With `strict`,
    names the data has never had refuse the apply (else they are warnings)."""
    check_characters(text, CONSOLE_FOLDER / "sop.yaml")
    report = sop_service.apply_text(conn, text, console_file(text), now_us=now_us, strict=strict, locale=locale)
    _audit_applied(conn, actor, report, now_us=now_us)
    return report


def apply_checked(
    conn: Connection,
    actor: Actor,
    checked: sop_service.Checked,
    *,
    now_us: int,
    strict: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> sop_service.ApplyReport:
    """Apply SOP files read and checked (`siyu sop apply`); every new version is audited."""
    report = sop_service.apply_sops(
        conn, checked.sops, now_us=now_us, warnings=checked.warnings, strict=strict, locale=locale
    )
    _audit_applied(conn, actor, report, now_us=now_us)
    return report


def _audit_applied(conn: Connection, actor: Actor, report: sop_service.ApplyReport, *, now_us: int) -> None:
    for applied in report.applied:
        if applied.outcome is sop_service.Outcome.unchanged:
            continue  # nothing was written, so nothing changed
        audit.record(
            conn,
            actor=actor,
            action="sop.apply",
            subject_type="sop",
            subject_id=applied.sop_id,
            now_us=now_us,
            detail={"version": applied.version, "outcome": applied.outcome.value},
        )


def switch(conn: Connection, actor: Actor, sop_id: str, enabled: bool, *, now_us: int) -> bool:
    """Switch an SOP on or off; a change is audited with the version that is switched."""
    changed = sop_service.set_enabled(conn, sop_id, enabled, now_us=now_us)
    if changed:
        latest = conn.execute(sa.select(sops.c.latest_version).where(sops.c.id == sop_id)).scalar_one()
        audit.record(
            conn,
            actor=actor,
            action="sop.enable" if enabled else "sop.disable",
            subject_type="sop",
            subject_id=sop_id,
            now_us=now_us,
            detail={"version": int(latest)},
        )
    return changed
