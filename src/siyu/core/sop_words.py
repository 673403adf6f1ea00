"""An SOP's audience, entry, exit and each step's `when` in plain words (zh-CN or en), for the
SOP page and `siyu sop show`: the conditions as `conditions.describe` words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from siyu.core.audiences import audiences_of
from siyu.core.conditions.describe import describe_condition, describe_event
from siyu.core.conditions.phrases import phrase
from siyu.core.language import known_locale
from siyu.core.model import EventEntry, Sop


@dataclass(frozen=True)
class SopWords:
    """`audiences`: (customers | groups | staff, words), the main audience first; `when`: (step id,
    words) of every step; `visible_to`: who may see a moments SOP's posts, when it says."""

    audiences: tuple[tuple[str, str], ...]
    entry: str
    exit: str
    when: tuple[tuple[str, str], ...]
    visible_to: str | None = None


def sop_words(sop: Sop, locale: str, zone: tzinfo = UTC) -> SopWords:
    locale = known_locale(locale)
    audiences = []
    for name, audience in audiences_of(sop).items():
        if audience.nobody:
            text = phrase("sop.audience.nobody", locale)
        elif audience.condition is None:
            text = phrase(f"sop.audience.every.{audience.target.value}", locale)
        else:
            text = describe_condition(audience.condition, locale, zone)
        audiences.append((name, text))
    if isinstance(sop.entry, EventEntry):
        event, where = describe_event(sop.entry.event, sop.entry.where, locale)
        entry = phrase("sop.entry.event", locale, event=event, where=where)
    else:
        entry = phrase("sop.entry.audience", locale)
    if sop.exit is None:
        exit_text = phrase("sop.exit.none", locale)
    else:
        exit_text = phrase("sop.exit.when", locale, condition=describe_condition(sop.exit, locale, zone))
    when = tuple(
        (
            step.id,
            phrase("sop.when.always", locale)
            if step.when is None
            else phrase("sop.when.only", locale, condition=describe_condition(step.when, locale, zone)),
        )
        for step in sop.steps
    )
    visible_to = describe_condition(sop.visible_to, locale, zone) if sop.visible_to is not None else None
    return SopWords(tuple(audiences), entry, exit_text, when, visible_to)


LABELS = {
    "customers": {"zh-CN": "受众（客户）", "en": "Audience (customers)"},
    "groups": {"zh-CN": "受众（群）", "en": "Audience (groups)"},
    "staff": {"zh-CN": "受众（员工账号）", "en": "Audience (staff accounts)"},
    "entry": {"zh-CN": "进入", "en": "Entry"},
    "exit": {"zh-CN": "退出", "en": "Exit"},
    "visible_to": {"zh-CN": "可见范围", "en": "Visible to"},
    "step": {"zh-CN": "步骤 {id}", "en": "Step {id}"},
}


def words_lines(name: str, version: int, words: SopWords, locale: str) -> list[str]:
    """The words as lines of text (`siyu sop show --format text`)."""
    locale = known_locale(locale)
    lines = [f"{name} (v{version})"]
    lines += [f"{LABELS[audience][locale]}: {text}" for audience, text in words.audiences]
    lines.append(f"{LABELS['entry'][locale]}: {words.entry}")
    lines.append(f"{LABELS['exit'][locale]}: {words.exit}")
    if words.visible_to is not None:
        lines.append(f"{LABELS['visible_to'][locale]}: {words.visible_to}")
    lines += [f"{LABELS['step'][locale].format(id=step)}: {text}" for step, text in words.when]
    return lines


def words_json(words: SopWords) -> dict[str, object]:
    return {
        "audiences": [{"name": name, "text": text} for name, text in words.audiences],
        "entry": words.entry,
        "exit": words.exit,
        "visible_to": words.visible_to,
        "when": [{"step": step, "text": text} for step, text in words.when],
    }
