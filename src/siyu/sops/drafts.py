"""SOP drafts: the YAML of one SOP being written in the console's editor or sent to the API —
checked, previewed (who is in its audience now) and simulated (the tasks it would make) without
storing anything — and finally saved as a new version, switched on or not, with an audit entry.

A draft is exactly one SOP. Problems and warnings are located like `siyu sop validate` prints
them, with the file named `draft.yaml`: `draft.yaml:12: steps[0].at.time` (`line` 12, `path`
`steps[0].at.time`). Materials named by a relative path (`assets/card.png`) are looked for beside
the file the SOP was last applied from, or beside the template the draft started from; a draft
with neither is filed under `console/<id>.yaml`, as SOPs applied through the API are.

Services never commit: the caller owns the transaction. Simulating a draft is the planner's
(`siyu.planner.draft_simulation`): it runs on a connection of its own, inside a transaction it
rolls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.accounts import audit
from siyu.accounts.users import User
from siyu.core.errors import Problem, ValidationError, format_path
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.model import Sop
from siyu.core.yamlsource import LoadedSop, load_sops
from siyu.sops.repo import FileSop, Outcome, apply_text, check_text, name_warnings, set_enabled
from siyu.sops.yaml_writer import MAX_NESTING, depth
from siyu.store.tables import sop_versions, sops

DRAFT_NAME = "draft.yaml"
CONSOLE_FOLDER = Path("console")
_LOCATED = re.compile(r"^(?P<file>.*?):(?P<line>\d+)(?::(?P<column>\d+))?(?:: (?P<path>.*))?$")


@dataclass(frozen=True)
class Located:
    """A problem or warning with its line in the draft and its path inside the SOP, when known."""

    where: str
    message: str
    line: int | None = None
    path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "message": self.message, "line": self.line, "path": self.path}


@dataclass(frozen=True)
class DraftCheck:
    """The outcome of checking a draft. `raw` is the SOP's mapping whenever the text reads as one
    SOP (even an invalid one: the editor's form can still show it); `found` when it is valid."""

    problems: list[Located]
    warnings: list[Located]
    raw: dict[str, Any] | None = None
    found: FileSop | None = None
    file: Path = Path(DRAFT_NAME)

    @property
    def ok(self) -> bool:
        return not self.problems and self.found is not None

    @property
    def sop(self) -> Sop:
        if self.found is None:
            raise ValidationError([Problem(p.where, p.message) for p in self.problems])
        return self.found.sop

    def raise_problems(self) -> None:
        if not self.ok:
            raise ValidationError([Problem(p.where, p.message) for p in self.problems])


def locate(problem: Problem, file: Path = Path(DRAFT_NAME)) -> Located:
    """The problem with the draft's name in place of the file's, and its line and path picked out."""
    where = problem.where
    prefix = str(file)
    if where == prefix or where.startswith(prefix + ":"):
        where = DRAFT_NAME + where[len(prefix) :]
    match = _LOCATED.match(where)
    if match is None or match.group("file") != DRAFT_NAME:
        return Located(where, problem.message)
    return Located(where, problem.message, int(match.group("line")), match.group("path"))


def stored_file(conn: Connection, sop_id: str) -> Path | None:
    """The file the SOP's latest version was applied from, if it is still there."""
    row = conn.execute(
        sa.select(sop_versions.c.source_file)
        .join(sops, sa.and_(sops.c.id == sop_versions.c.sop_id, sops.c.latest_version == sop_versions.c.version))
        .where(sops.c.id == sop_id)
    ).first()
    if row is None or not row.source_file:
        return None
    path = Path(row.source_file)
    return path if path.is_absolute() and path.is_file() else None


def draft_file(conn: Connection | None, raw: dict[str, Any] | None, base: Path | None) -> Path:
    """Where the draft's materials are looked for (and the source file recorded when it is saved)."""
    if base is not None:
        return base
    sop_id = raw.get("id") if raw is not None else None
    if (
        isinstance(sop_id, str | int)
        and not isinstance(sop_id, bool)
        and re.fullmatch(r"[a-z0-9-]{1,100}", str(sop_id))
    ):
        found = stored_file(conn, str(sop_id)) if conn is not None else None
        return found or CONSOLE_FOLDER / f"{sop_id}.yaml"
    return CONSOLE_FOLDER / DRAFT_NAME


def check_draft(
    conn: Connection | None, source: str, *, base: Path | None = None, locale: str = DEFAULT_LOCALE
) -> DraftCheck:
    """Validate a draft; with a connection, also refuse changing a stored SOP's kind (as apply
    does) and warn of names the data has never had (in `locale`)."""
    try:
        return _check_draft(conn, source, base, locale)
    except RecursionError:
        message = f"lists and mappings nest too deeply (at most {MAX_NESTING} levels)"
        return DraftCheck([Located(f"{DRAFT_NAME}:1: (top)", message, 1, "(top)")], [])


def _check_draft(conn: Connection | None, source: str, base: Path | None, locale: str) -> DraftCheck:
    try:
        loaded = load_sops(source, DRAFT_NAME)
    except ValidationError as exc:
        return DraftCheck([locate(p, Path(DRAFT_NAME)) for p in exc.problems], [])
    if len(loaded) != 1:
        where = f"{DRAFT_NAME}:{loaded[1].line}: {format_path(loaded[1].path)}"
        message = f"a draft is one SOP; this text has {len(loaded)} (edit them one at a time)"
        return DraftCheck([Located(where, message, loaded[1].line, format_path(loaded[1].path))], [])
    raw = loaded[0].raw
    if depth(raw) > MAX_NESTING:
        raise RecursionError  # the editor and the planner walk conditions recursively
    file = draft_file(conn, raw, base)
    checked = check_text(source, file)
    problems = [locate(p, file) for p in checked.problems]
    warnings = [locate(p, file) for p in checked.warnings]
    found = checked.sops[0] if checked.sops and not problems else None
    if found is not None and conn is not None:
        stored_kind = conn.execute(sa.select(sops.c.kind).where(sops.c.id == found.sop.id)).scalar()
        if stored_kind is not None and stored_kind != found.sop.kind.value:
            problem = Problem(
                format_path((*found.loaded.path, "kind")),
                f"SOP {found.sop.id} is a {stored_kind} SOP; its kind cannot change (use a new id)",
            )
            problems.append(locate(found.locate(problem), file))
            found = None
    if found is not None and conn is not None:
        warnings += [locate(p, file) for p in name_warnings(conn, [found], locale)]
    return DraftCheck(problems, warnings, raw, found, file)


def loaded_one(source: str) -> LoadedSop | None:
    """The draft's one SOP as read from YAML (no validation), or None when the text is not one SOP."""
    try:
        loaded = load_sops(source, DRAFT_NAME)
    except ValidationError:
        return None
    return loaded[0] if len(loaded) == 1 else None


# ---------------------------------------------------------------- preview


# ---------------------------------------------------------------- saving


@dataclass(frozen=True)
class Saved:
    sop_id: str
    version: int
    outcome: Outcome
    enabled: bool
    warnings: list[Located]


def save_draft(conn: Connection, user: User, check: DraftCheck, source: str, *, enable: bool, now_us: int) -> Saved:
    """Apply the draft as a new version (none when nothing changed) and set the SOP's switch:
    on with `enable`; otherwise as the draft's `enabled:` says when it says it, else as it was
    (a new SOP starts off). Each change is audited: sop.apply, then sop.enable / sop.disable."""
    check.raise_problems()
    sop = check.sop
    before = conn.execute(sa.select(sops.c.enabled).where(sops.c.id == sop.id)).scalar()
    try:
        report = apply_text(conn, source, check.file, now_us=now_us)
    except ValidationError as exc:
        raise ValidationError(
            [Problem(p.where, p.message) for p in (locate(q, check.file) for q in exc.problems)]
        ) from exc
    applied = report.applied[0]
    if applied.outcome is not Outcome.unchanged:
        audit.record(
            conn,
            actor=user,
            action="sop.apply",
            subject_type="sop",
            subject_id=sop.id,
            now_us=now_us,
            detail={"version": applied.version, "outcome": applied.outcome.value},
        )
    raw = check.raw or {}
    wanted = True if enable else (sop.enabled if "enabled" in raw else bool(before))
    set_enabled(conn, sop.id, wanted, now_us=now_us)
    if wanted != bool(before):
        audit.record(
            conn,
            actor=user,
            action="sop.enable" if wanted else "sop.disable",
            subject_type="sop",
            subject_id=sop.id,
            now_us=now_us,
            detail={"version": applied.version},
        )
    warnings = [locate(p, check.file) for p in report.warnings]
    return Saved(sop.id, applied.version, applied.outcome, wanted, warnings)
