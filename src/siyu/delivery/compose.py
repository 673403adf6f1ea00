"""What a delivery hands to its adapter, built once from the task (first attempt) and kept on
the row as JSON, so that every retry sends exactly the same thing — which is what lets WeCom's
duplicate check and the in-doubt search recognise a repeat.

An image, file or video material names a file beside the SOP file it came from. A send's
material gets that file's absolute path (`local_path`) so the adapter can upload it; one that
cannot be found keeps the reason (`unresolved`) for the reminder it then becomes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from siyu.channels.base import Outgoing, Person, Purpose
from siyu.channels.wecom.corp_tags import tag_ids_by_name
from siyu.core.reminders import digest_lines
from siyu.core.reminders import text as reminder_text
from siyu.core.tasks import TaskStatus
from siyu.core.timeutil import from_us, local_day
from siyu.core.visibility import visible_tags
from siyu.store.tables import chat_groups, customer_attributes, customers, sop_versions, sops, staff, tasks, users

REMIND_PREVIEW = 300  # characters of the script shown in a reminder
FILE_MATERIALS = ("image", "file", "video")
LOCAL_PATH = "local_path"  # a file material's absolute path, inside the SOP's folder
UNRESOLVED = "unresolved"  # why a file material has no local_path
OUTSIDE = "outside the SOP's folder"


def texts_of(content: Any) -> tuple[str, tuple[dict[str, Any], ...]]:
    """The script (text items joined) and the other items (materials) of a task's content."""
    items = (content or {}).get("items", []) if isinstance(content, dict) else []
    texts = [str(item["text"]) for item in items if isinstance(item, dict) and "text" in item]
    materials = tuple(dict(item) for item in items if isinstance(item, dict) and "text" not in item)
    return "\n\n".join(texts), materials


def resolve_materials(materials: Iterable[dict[str, Any]], source_file: str | None) -> tuple[dict[str, Any], ...]:
    """The materials with each image, file or video path found in the folder of the SOP file
    (`source_file`): `local_path` when the file is there, `unresolved` (why not) otherwise.
    Nothing outside that folder's tree is ever named: absolute paths and `..` are refused, and
    so is a path that leads out through a symbolic link."""
    folder = _sop_folder(source_file)
    resolved = []
    for material in materials:
        found = dict(material)
        kinds = [kind for kind in FILE_MATERIALS if isinstance(found.get(kind), str)]
        if len(kinds) == 1 and LOCAL_PATH not in found:
            path, reason = _find(found[kinds[0]], folder, source_file)
            found.pop(UNRESOLVED, None)
            found.update({LOCAL_PATH: path} if path else {UNRESOLVED: reason})
        resolved.append(found)
    return tuple(resolved)


def _sop_folder(source_file: str | None) -> Path | None:
    if not source_file or not PurePath(source_file).is_absolute():
        return None  # applied from text (the console, stdin): no folder to look in
    folder = Path(source_file).parent.resolve()
    return folder if folder.is_dir() else None


def _find(name: str, folder: Path | None, source_file: str | None) -> tuple[str | None, str]:
    """(the absolute path, "") of a material file, or (None, why it is not there)."""
    if name.startswith(("http://", "https://")):
        return None, f"{name} is a web address, not a file beside the SOP"
    if not name.strip():
        return None, "the material names no file"
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or PureWindowsPath(name).drive
        or ".." in PurePosixPath(name.replace("\\", "/")).parts
    ):
        return None, f"{name} is {OUTSIDE}"
    if folder is None:
        source = f"its source is {source_file!r}, not a file in a folder siyu can read" if source_file else "no source"
        return None, f"{name} cannot be found: the SOP was not applied from a file ({source})"
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        return None, f"{name} is {OUTSIDE} (it leads to {path})"
    if not path.is_file():
        return None, f"{name} is missing: no file {path}"
    return str(path), ""


def visibility(conn: Connection, visible_to: Any) -> dict[str, Any]:
    """A moment's visible_to as channels take it: {"tags": {name: [WeCom tag ids]}} (no ids: WeCom
    has no such tag at the last sync), or {"problem": where and why it cannot be said}."""
    found = visible_tags(visible_to)
    if found.problem is not None:
        return {"problem": found.problem}
    return {"tags": tag_ids_by_name(conn, found.names)}


def task_link(public_url: str, task_id: int) -> str | None:
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/my/tasks/{task_id}"


def _person(row: Any, attributes: dict[str, Any] | None = None) -> Person | None:
    if row is None:
        return None
    return Person(row.external_id, row.name or "", attributes or {})


def _attributes(conn: Connection, customer_id: int) -> dict[str, Any]:
    a = customer_attributes
    return {
        row.key: row.value_text
        for row in conn.execute(sa.select(a.c.key, a.c.value_text).where(a.c.customer_id == customer_id))
    }


def for_task(conn: Connection, delivery: Any, *, public_url: str) -> Outgoing | str:
    """The Outgoing of a task's delivery, or why there is nothing to send (the task is no longer due)."""
    version = sa.and_(sop_versions.c.sop_id == tasks.c.sop_id, sop_versions.c.version == tasks.c.sop_version)
    task = conn.execute(
        sa.select(tasks, sops.c.name.label("sop_name"), sop_versions.c.source_file)
        .select_from(tasks.join(sops, sops.c.id == tasks.c.sop_id).outerjoin(sop_versions, version))
        .where(tasks.c.id == delivery.task_id)
    ).first()
    if task is None:
        return "任务已不存在 (the task no longer exists)"
    if task.status != TaskStatus.due.value:
        return f"任务已是 {task.status}，不再发送 (the task is {task.status}: nothing to send)"
    purpose = Purpose(delivery.purpose)
    if purpose is Purpose.send and task.mode != "auto":
        return "任务已改为提醒 (the task became a reminder)"
    executor = conn.execute(sa.select(staff).where(staff.c.id == task.executor_id)).first()
    customer = group = None
    attributes: dict[str, Any] = {}
    if task.target_type == "customer":
        customer = conn.execute(sa.select(customers).where(customers.c.id == task.target_id)).first()
        if customer is not None:
            attributes = _attributes(conn, task.target_id)
    elif task.target_type == "group":
        group = conn.execute(sa.select(chat_groups).where(chat_groups.c.id == task.target_id)).first()
    script, materials = texts_of(task.content)
    if purpose is Purpose.send:
        visible_to = (task.content or {}).get("visible_to") if isinstance(task.content, dict) else None
        return Outgoing(
            key=delivery.key,
            purpose=purpose,
            channel=task.channel,
            text=script,
            task_id=task.id,
            staff=_person(executor),
            customer=_person(customer, attributes),
            group=_person(group),
            materials=resolve_materials(materials, task.source_file),
            extra={"visible_to": visibility(conn, visible_to)} if visible_to is not None else {},
        )
    whom = (customer.name or customer.external_id) if customer else (group.name or group.external_id) if group else ""
    title = f"【{task.sop_name}】{whom}".strip()
    preview = script if len(script) <= REMIND_PREVIEW else script[: REMIND_PREVIEW - 1] + "…"
    notes = (task.content or {}).get("notes") if isinstance(task.content, dict) else None
    body = "\n".join(part for part in (f"任务 #{task.id} · {task.channel}", preview, notes or "") if part)
    return Outgoing(
        key=delivery.key,
        purpose=purpose,
        channel=task.channel,
        text=body,
        task_id=task.id,
        staff=_person(executor),
        customer=_person(customer),
        group=_person(group),
        materials=materials,
        link=task_link(public_url, task.id),
        title=title,
    )


def staff_locale(conn: Connection, staff_id: int) -> str | None:
    """The language of the console user working as this staff member (the first one), if any."""
    return conn.execute(
        sa.select(users.c.locale).where(users.c.staff_id == staff_id).order_by(users.c.id).limit(1)
    ).scalar()


def for_digest(conn: Connection, delivery: Any, *, public_url: str, now_us: int, zone: ZoneInfo) -> Outgoing | str:
    """A staff member's digest, in their language: how many open tasks, per SOP step (largest
    first) — one message a day, never one line per task."""
    reader = conn.execute(sa.select(staff).where(staff.c.id == delivery.staff_id)).first()
    if reader is None:
        return "员工已不存在 (the staff member no longer exists)"
    day = local_day(now_us, zone)
    open_due = [tasks.c.executor_id == reader.id, tasks.c.status == TaskStatus.due.value]
    counted = sa.func.count().label("open")
    by_step = conn.execute(
        sa.select(sops.c.name, tasks.c.step_id, counted)
        .select_from(tasks.join(sops, sops.c.id == tasks.c.sop_id))
        .where(*open_due)
        .group_by(sops.c.name, tasks.c.step_id)
        .order_by(counted.desc(), sops.c.name, tasks.c.step_id)
    ).all()
    total = sum(int(row.open) for row in by_step)
    if total == 0:
        return "没有待办任务 (no open tasks)"
    locale = staff_locale(conn, int(reader.id))
    date_text = from_us(now_us, zone).date().isoformat()
    counts = [(str(row.name), str(row.step_id), int(row.open)) for row in by_step]
    link = f"{public_url.rstrip('/')}/my/tasks" if public_url else None
    by_sop: dict[str, int] = {}
    for name, _step, count in counts:
        by_sop[name] = by_sop.get(name, 0) + count
    return Outgoing(
        key=delivery.key,
        purpose=Purpose.digest,
        channel="internal",
        text="\n".join(digest_lines(counts, locale=locale)),
        staff=_person(reader),
        link=link,
        title=reminder_text("digest_title", locale, total=total, date=date_text),
        extra={
            "open": total,
            "day": day,
            "by_sop": by_sop,
            "by_step": [{"sop": name, "step": step, "open": count} for name, step, count in counts],
        },
    )


def to_json(item: Outgoing) -> dict[str, Any]:
    """The row's payload: everything needed to send the same thing again."""
    payload = item.as_payload()
    if item.customer is not None:
        payload["customer"]["attributes"] = dict(item.customer.attributes)
    return payload


def from_json(payload: dict[str, Any]) -> Outgoing:
    def person(raw: Any) -> Person | None:
        if not raw:
            return None
        return Person(str(raw["id"]), str(raw.get("name") or ""), dict(raw.get("attributes") or {}))

    return Outgoing(
        key=str(payload["key"]),
        purpose=Purpose(payload["purpose"]),
        channel=str(payload["channel"]),
        text=str(payload["text"]),
        task_id=payload.get("task"),
        staff=person(payload.get("staff")),
        customer=person(payload.get("customer")),
        group=person(payload.get("group")),
        materials=tuple(dict(m) for m in payload.get("materials") or ()),
        link=payload.get("link"),
        title=str(payload.get("title") or ""),
        extra=dict(payload.get("extra") or {}),
        recipients=tuple(p for p in (person(raw) for raw in payload.get("recipients") or ()) if p is not None),
    )
