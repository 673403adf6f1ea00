"""SOP files in, versioned SOPs out: validation of files, apply (all or nothing), reading back.

Every version of an SOP is kept in `sop_versions` with its YAML source, its raw definition (the
parsed mapping, as JSON) and the checksum of that definition in canonical JSON. Applying content
whose checksum equals the latest version's makes no version ("unchanged"). Services never commit:
the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.core.errors import NotFoundError, Problem, ValidationError, format_path
from siyu.core.language import DEFAULT_LOCALE
from siyu.core.model import Sop, asset_of, content_paths, templates_of
from siyu.core.render import CUSTOMER_FIELDS, TemplateError, placeholders
from siyu.core.sopparse.sop import parse_sop, warnings_of
from siyu.core.yamlsource import LoadedSop, load_sops
from siyu.sops.known_names import sop_name_warnings
from siyu.store.tables import customer_attributes, sop_versions, sops

SOP_SUFFIXES = (".yaml", ".yml")


# ---------------------------------------------------------------- files → parsed SOPs


@dataclass(frozen=True)
class FileSop:
    """An SOP read from a file and parsed; `loaded` knows its lines and its own source text."""

    file: Path
    loaded: LoadedSop
    sop: Sop

    @property
    def checksum(self) -> str:
        return checksum(self.loaded.raw)

    def locate(self, problem: Problem) -> Problem:
        return self.loaded.locate(problem)


@dataclass
class Checked:
    """The outcome of reading files: the SOPs that parsed, and every problem and warning, located."""

    files: list[Path] = field(default_factory=list)
    sops: list[FileSop] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def checksum(definition: Any) -> str:
    """SHA-256 of the definition as canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sop_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Files named, and *.yaml / *.yml under directories named (recursively, sorted)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SOP_SUFFIXES)
            if not found:
                problems.append(Problem(str(path), "no SOP files (*.yaml, *.yml) in this directory"))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or directory"))
    unique: list[Path] = []
    seen: set[Path] = set()
    for file in files:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            unique.append(file)
    return unique, problems


def read_file(file: Path) -> tuple[list[FileSop], list[Problem], list[Problem]]:
    """(SOPs, problems, warnings) of one file; problems are printed as `file:LINE: path: message`."""
    name = str(file)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return [], [Problem(name, f"cannot read: {exc.strerror or exc}")], []
    except UnicodeDecodeError as exc:
        return [], [Problem(name, f"not UTF-8 text (byte {exc.start + 1})")], []
    return read_text(text, file)


def read_text(text: str, file: Path) -> tuple[list[FileSop], list[Problem], list[Problem]]:
    """(SOPs, problems, warnings) of SOP text; `file` names it in messages, and materials named by
    a relative path are looked for beside it (the console passes the brand's SOP folder)."""
    try:
        loaded = load_sops(text, str(file))
    except ValidationError as exc:
        return [], exc.problems, []
    parsed: list[FileSop] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for item in loaded:
        try:
            sop = parse_sop(item.raw, item.path)
        except ValidationError as exc:
            problems += _in_line_order(item, exc.problems)
            continue
        found = FileSop(file, item, sop)
        parsed.append(found)
        warnings += _in_line_order(item, [*warnings_of(sop, item.path), *_missing_assets(found)])
    return parsed, problems, warnings


def check_text(text: str, file: Path) -> Checked:
    """Validate SOP text (the console's editor, the API); nothing touches the database."""
    found, problems, warnings = read_text(text, file)
    return Checked(files=[file], sops=found, problems=[*problems, *_duplicate_ids(found)], warnings=warnings)


def apply_text(
    conn: Connection, text: str, file: Path, *, now_us: int, strict: bool = False, locale: str = DEFAULT_LOCALE
) -> ApplyReport:
    """Validate SOP text, then write its SOPs in the caller's transaction (all or nothing)."""
    checked = check_text(text, file)
    if checked.problems:
        raise ValidationError(checked.problems)
    return apply_sops(conn, checked.sops, now_us=now_us, warnings=checked.warnings, strict=strict, locale=locale)


def check(paths: Sequence[Path]) -> Checked:
    """Read and validate every SOP file under `paths`; nothing touches the database."""
    files, problems = sop_files(paths)
    checked = Checked(files=files, problems=problems)
    for file in files:
        found, file_problems, file_warnings = read_file(file)
        checked.sops += found
        checked.problems += file_problems
        checked.warnings += file_warnings
    checked.problems += _duplicate_ids(checked.sops)
    return checked


def _in_line_order(loaded: LoadedSop, problems: Iterable[Problem]) -> list[Problem]:
    ordered = sorted(problems, key=lambda p: loaded.lines.line_of(p.where))
    return [loaded.locate(problem) for problem in ordered]


def _duplicate_ids(found: Sequence[FileSop]) -> list[Problem]:
    first: dict[str, FileSop] = {}
    problems: list[Problem] = []
    for item in found:
        if item.sop.id in first:
            other = first[item.sop.id]
            problem = Problem(
                format_path((*item.loaded.path, "id")),
                f"SOP id {item.sop.id} is also defined at {other.loaded.filename}:{other.loaded.line}",
            )
            problems.append(item.locate(problem))
        else:
            first[item.sop.id] = item
    return problems


def _missing_assets(found: FileSop) -> list[Problem]:
    """Images, files and videos named by a path that does not exist beside the SOP file."""
    warnings: list[Problem] = []
    for _, path, item in content_paths(found.sop, found.loaded.path):
        asset = asset_of(item)
        if asset is None or asset[1].startswith(("http://", "https://")):
            continue
        key, name = asset
        if not (found.file.parent / name).is_file():
            warnings.append(
                Problem(format_path((*path, key)), f"material {name} is missing (it must exist before the step sends)")
            )
    return warnings


def unknown_attributes(found: FileSop, known: set[str]) -> list[Problem]:
    """`{{customer.<attribute>}}` placeholders naming an attribute no customer has yet."""
    warnings: list[Problem] = []
    for _, path, item in content_paths(found.sop, found.loaded.path):
        for field_path, text in templates_of(item):
            try:
                used = placeholders(text)
            except TemplateError:  # parse_sop has reported it already
                continue
            for placeholder in used:
                if placeholder.namespace != "customer" or placeholder.field in CUSTOMER_FIELDS:
                    continue
                if placeholder.field not in known:
                    warnings.append(
                        Problem(
                            format_path((*path, *field_path)),
                            f"no customer has the attribute {placeholder.field} yet "
                            f"({{{{customer.{placeholder.field}}}}} has no value until it is imported)",
                        )
                    )
    return _in_line_order(found.loaded, warnings)


# ---------------------------------------------------------------- apply


class Outcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True)
class Applied:
    sop_id: str
    outcome: Outcome
    version: int
    file: Path


@dataclass(frozen=True)
class ApplyReport:
    applied: list[Applied]
    warnings: list[Problem]


def apply(conn: Connection, paths: Sequence[Path], *, now_us: int) -> ApplyReport:
    """Validate every file first, then write every SOP in the caller's transaction (all or nothing)."""
    checked = check(paths)
    if checked.problems:
        raise ValidationError(checked.problems)
    return apply_sops(conn, checked.sops, now_us=now_us, warnings=checked.warnings)


def name_warnings(conn: Connection, found: Sequence[FileSop], locale: str = DEFAULT_LOCALE) -> list[Problem]:
    """Tags, attributes, event types, products, staff and roles the SOPs name that the data has
    never had, located, with the closest names that exist (`sops.known_names`)."""
    return [w for item in found for w in sop_name_warnings(conn, item.sop, item.loaded, locale)]


def apply_sops(
    conn: Connection,
    found: Sequence[FileSop],
    *,
    now_us: int,
    warnings: Sequence[Problem] = (),
    strict: bool = False,
    locale: str = DEFAULT_LOCALE,
) -> ApplyReport:
    """Write the SOPs (all or nothing). Unknown names are warnings; with `strict`, problems that
    refuse the whole apply."""
    duplicates = _duplicate_ids(found)
    if duplicates:
        raise ValidationError(duplicates)
    current = {row.id: row for row in conn.execute(sa.select(sops))}
    latest_sums = _latest_checksums(conn)
    problems = []
    for item in found:
        row = current.get(item.sop.id)
        if row is not None and row.kind != item.sop.kind.value:
            problems.append(
                item.locate(
                    Problem(
                        format_path((*item.loaded.path, "kind")),
                        f"SOP {item.sop.id} is a {row.kind} SOP; its kind cannot change (use a new id)",
                    )
                )
            )
    if problems:
        raise ValidationError(problems)
    unknown = name_warnings(conn, found, locale)
    if strict and unknown:
        raise ValidationError(unknown)
    known = _attribute_keys(conn)
    all_warnings = [*warnings, *unknown]
    applied: list[Applied] = []
    for item in found:
        all_warnings += unknown_attributes(item, known)
        applied.append(_write(conn, item, current.get(item.sop.id), latest_sums.get(item.sop.id), now_us))
    return ApplyReport(applied, all_warnings)


def _write(conn: Connection, item: FileSop, row: Any, latest_sum: str | None, now_us: int) -> Applied:
    sop = item.sop
    digest = item.checksum
    if row is not None and latest_sum == digest:
        return Applied(sop.id, Outcome.unchanged, row.latest_version, item.file)
    version = 1 if row is None else row.latest_version + 1
    values = {
        "name": sop.name,
        "kind": sop.kind.value,
        "enabled": sop.enabled,
        "priority": sop.priority,
        "latest_version": version,
        "updated_at": now_us,
    }
    if sop.enabled and (row is None or not row.enabled):
        values["enabled_at"] = now_us
    if row is None:
        conn.execute(sa.insert(sops).values(id=sop.id, created_at=now_us, **values))
    else:
        conn.execute(sa.update(sops).where(sops.c.id == sop.id).values(**values))
    conn.execute(
        sa.insert(sop_versions).values(
            sop_id=sop.id,
            version=version,
            source=item.loaded.source,
            source_file=str(item.file.resolve()) if item.file.is_file() else str(item.file),
            definition=item.loaded.raw,
            checksum=digest,
            created_at=now_us,
        )
    )
    return Applied(sop.id, Outcome.created if row is None else Outcome.updated, version, item.file)


def set_enabled(conn: Connection, sop_id: str, enabled: bool, *, now_us: int) -> bool:
    """Switch an SOP on or off; returns whether anything changed. Switching on starts the
    clock for event entries (only events after it count)."""
    row = conn.execute(sa.select(sops.c.enabled).where(sops.c.id == sop_id)).first()
    if row is None:
        raise NotFoundError(f"no SOP named {sop_id}")
    if bool(row.enabled) == enabled:
        return False
    values: dict[str, Any] = {"enabled": enabled, "updated_at": now_us}
    if enabled:
        values["enabled_at"] = now_us
    conn.execute(sa.update(sops).where(sops.c.id == sop_id).values(**values))
    return True


def _latest_checksums(conn: Connection) -> dict[str, str]:
    query = sa.select(sop_versions.c.sop_id, sop_versions.c.checksum).join(
        sops, sa.and_(sops.c.id == sop_versions.c.sop_id, sops.c.latest_version == sop_versions.c.version)
    )
    return {row.sop_id: row.checksum for row in conn.execute(query)}


def _attribute_keys(conn: Connection) -> set[str]:
    return set(conn.execute(sa.select(customer_attributes.c.key).distinct()).scalars())


# ---------------------------------------------------------------- reading back


@dataclass(frozen=True)
class StoredSop:
    """One stored version of an SOP, parsed again from its definition."""

    id: str
    version: int
    latest_version: int
    sop: Sop
    definition: dict[str, Any]
    source: str
    source_file: str | None
    checksum: str
    created_at_us: int  # when this version was applied
    updated_at_us: int  # when the SOP last got a version
    enabled: bool = True  # the SOP's switch now (whatever this version's file said)
    enabled_at_us: int | None = None  # when it was last switched on

    @property
    def is_latest(self) -> bool:
        return self.version == self.latest_version


@dataclass(frozen=True)
class SopSummary:
    id: str
    name: str
    kind: str
    enabled: bool
    priority: int
    latest_version: int
    created_at_us: int
    updated_at_us: int


def _versions_query() -> sa.Select[Any]:
    return sa.select(
        sop_versions,
        sops.c.latest_version,
        sops.c.updated_at.label("sop_updated_at"),
        sops.c.enabled.label("sop_enabled"),
        sops.c.enabled_at.label("sop_enabled_at"),
    ).join(sops, sops.c.id == sop_versions.c.sop_id)


def _stored(row: Any) -> StoredSop:
    definition = dict(row.definition)
    try:
        sop = parse_sop(definition)
    except ValidationError as exc:
        raise ValidationError(
            [Problem(f"stored SOP {row.sop_id} version {row.version}: {p.where}", p.message) for p in exc.problems]
        ) from exc
    return StoredSop(
        id=row.sop_id,
        version=row.version,
        latest_version=row.latest_version,
        sop=sop,
        definition=definition,
        source=row.source,
        source_file=row.source_file,
        checksum=row.checksum,
        created_at_us=row.created_at,
        updated_at_us=row.sop_updated_at,
        enabled=bool(row.sop_enabled),
        enabled_at_us=row.sop_enabled_at,
    )


def latest(conn: Connection, sop_id: str) -> StoredSop:
    """The newest version of one SOP; raises NotFoundError."""
    row = conn.execute(
        _versions_query().where(sop_versions.c.sop_id == sop_id, sop_versions.c.version == sops.c.latest_version)
    ).first()
    if row is None:
        raise NotFoundError(f"no SOP named {sop_id}")
    return _stored(row)


def version(conn: Connection, sop_id: str, number: int) -> StoredSop:
    """One given version of an SOP; raises NotFoundError naming what exists."""
    row = conn.execute(
        _versions_query().where(sop_versions.c.sop_id == sop_id, sop_versions.c.version == number)
    ).first()
    if row is not None:
        return _stored(row)
    newest = conn.execute(sa.select(sops.c.latest_version).where(sops.c.id == sop_id)).scalar()
    if newest is None:
        raise NotFoundError(f"no SOP named {sop_id}")
    raise NotFoundError(f"SOP {sop_id} has no version {number} (versions 1 to {newest})")


def _latest_query(*, enabled_only: bool) -> sa.Select[Any]:
    query = _versions_query().where(sop_versions.c.version == sops.c.latest_version)
    if enabled_only:
        query = query.where(sops.c.enabled.is_(True))
    return query.order_by(sops.c.priority.desc(), sops.c.id)


def all_latest(conn: Connection, *, enabled_only: bool = False) -> list[StoredSop]:
    """The newest version of every SOP, highest priority first, then by id."""
    return [_stored(row) for row in conn.execute(_latest_query(enabled_only=enabled_only))]


def all_latest_readable(
    conn: Connection, *, enabled_only: bool = False
) -> tuple[list[StoredSop], dict[str, Exception]]:
    """Like `all_latest`, but an SOP whose stored definition no longer reads (stored before a
    check was added) does not stop the others: it goes to the second result, by id, with its error."""
    readable: list[StoredSop] = []
    unreadable: dict[str, Exception] = {}
    for row in conn.execute(_latest_query(enabled_only=enabled_only)):
        try:
            readable.append(_stored(row))
        except Exception as exc:  # any error of one definition is that SOP's alone
            unreadable[row.sop_id] = exc
    return readable, unreadable


def summaries(conn: Connection) -> list[SopSummary]:
    """Every SOP as the list command shows it, by id (no definition parsed)."""
    rows = conn.execute(sa.select(sops).order_by(sops.c.id))
    return [
        SopSummary(
            id=row.id,
            name=row.name,
            kind=row.kind,
            enabled=row.enabled,
            priority=row.priority,
            latest_version=row.latest_version,
            created_at_us=row.created_at,
            updated_at_us=row.updated_at,
        )
        for row in rows
    ]
