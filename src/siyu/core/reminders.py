"""What a staff member is told, in their language: a batch's reminder and the daily digest.

A **batch** is the tasks of one SOP step for one executor whose due instants fall in the same
**slot**: the same minute (the due instant rounded down to a whole minute, `slot_of`). Every
time zone in use today is a whole number of minutes off UTC, so the slot is also the same local
minute. Tasks due at 10:00:00 and 10:00:59 share a batch; a task due at 10:01 starts another."""

from __future__ import annotations

from collections.abc import Mapping

from siyu.core.language import known_locale
from siyu.core.timeutil import US_PER_MINUTE

SLOT_US = US_PER_MINUTE

TEXTS: Mapping[str, Mapping[str, str]] = {
    "batch_customers": {"zh-CN": "{count} 位客户", "en": "{count} customers"},
    "batch_groups": {"zh-CN": "{count} 个群", "en": "{count} groups"},
    "batch_tasks": {"zh-CN": "{count} 项", "en": "{count} tasks"},
    "batch_more_customers": {"zh-CN": "新增 {count} 位客户", "en": "{count} more customers"},
    "batch_more_groups": {"zh-CN": "新增 {count} 个群", "en": "{count} more groups"},
    "batch_more_tasks": {"zh-CN": "新增 {count} 项", "en": "{count} more tasks"},
    "batch_and_others": {"zh-CN": "{names} 等 {count} 位", "en": "{names} and others, {count} in all"},
    "digest_title": {"zh-CN": "今日待办 {total} 项 · {date}", "en": "To do today: {total} · {date}"},
    "digest_more_steps": {"zh-CN": "… 另有 {count} 个步骤", "en": "… and {count} more steps"},
}
SEPARATOR = " · "
NAMES_SHOWN = 10
LIST_JOIN = {"zh-CN": "、", "en": ", "}


def slot_of(due_us: int) -> int:
    """The batch slot of a due instant: the minute it falls in (as microseconds since the epoch)."""
    return due_us - due_us % SLOT_US


def text(key: str, locale: str | None, **params: object) -> str:
    return TEXTS[key][known_locale(locale)].format(**params)


def batch_title(
    sop: str, step: str, *, count: int, target_type: str, local_time: str, follow_up: bool, locale: str | None
) -> str:
    """ "售后回访 · call-back · 36 位客户 · 10:00" — a follow-up counts only the tasks new to the batch."""
    noun = {"customer": "customers", "group": "groups"}.get(target_type, "tasks")
    counted = text(f"batch_more_{noun}" if follow_up else f"batch_{noun}", locale, count=count)
    return SEPARATOR.join((sop, step, counted, local_time))


def names_line(names: list[str], count: int, locale: str | None) -> str:
    """Who the batch is for: every name up to NAMES_SHOWN, then "… 等 36 位"."""
    joined = LIST_JOIN[known_locale(locale)].join(names[:NAMES_SHOWN])
    if count <= NAMES_SHOWN and len(names) == count:
        return joined
    return text("batch_and_others", locale, names=joined, count=count)


def digest_lines(counts: list[tuple[str, str, int]], *, locale: str | None, shown: int = 8) -> list[str]:
    """One line per SOP step with its open tasks: "售后回访 · call-back 36", largest first."""
    lines = [f"{sop}{SEPARATOR}{step} {count}" for sop, step, count in counts[:shown]]
    if len(counts) > shown:
        lines.append(text("digest_more_steps", locale, count=len(counts) - shown))
    return lines
