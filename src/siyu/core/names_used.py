"""The names an SOP relies on the data to have — tags, attribute names, event types, products
(`product` / `sku` values of events), staff ids and roles — each with where it is written
(`steps[2].when.tag`), and the warning for one never seen in the data, with the closest names
that exist ("did you mean"). Pure: the store answers which names exist.

Names are read from the SOP's raw mapping (its paths are the file's), after the SOP has parsed,
so every shape here is one the parser accepted."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from siyu.core.conditions.nodes import TargetKind
from siyu.core.errors import PathPart, format_path
from siyu.core.language import DEFAULT_LOCALE, known_locale
from siyu.core.model import ExecutorKind, OnEvent, Sop, audience_target

Path = tuple[PathPart, ...]

# the event properties whose values are checked (the ones with an index: migration 0002)
PRODUCT_KEYS = ("product", "sku")
REPURCHASE_EVENT = "order_paid"
SUGGESTIONS = 3
# difflib's ratio: 宠物住 / 宠物主 is 0.67; two-character names differing in one are 0.5
SIMILARITY_CUTOFF = 0.5


class NameKind(StrEnum):
    tag = "tag"
    attribute = "attribute"
    event = "event"
    product = "product"
    staff = "staff"
    role = "role"


@dataclass(frozen=True)
class Scope:
    """Where names of a kind live: tags and attributes per target kind, products per
    (event type, property); event types, staff ids and roles brand-wide."""

    kind: NameKind
    target: TargetKind | None = None
    event: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class NameUse:
    scope: Scope
    name: str
    path: Path

    @property
    def where(self) -> str:
        return format_path(self.path)


MESSAGES: Mapping[NameKind, Mapping[str, str]] = {
    NameKind.tag: {"zh-CN": "标签「{name}」从未出现在数据中", "en": "tag {name} never appears in the data"},
    NameKind.attribute: {
        "zh-CN": "属性「{name}」从未出现在数据中",
        "en": "attribute {name} never appears in the data",
    },
    NameKind.event: {
        "zh-CN": "事件类型「{name}」从未出现在数据中",
        "en": "event type {name} never appears in the data",
    },
    NameKind.product: {
        "zh-CN": "「{event}」事件的 {key}「{name}」从未出现在数据中",
        "en": "{key} {name} never appears in {event} events",
    },
    NameKind.staff: {"zh-CN": "员工「{name}」从未出现在数据中", "en": "staff {name} never appears in the data"},
    NameKind.role: {"zh-CN": "角色「{name}」从未出现在数据中", "en": "role {name} never appears in the data"},
}
DID_YOU_MEAN = {"zh-CN": "；是否想写：{names}？", "en": "; did you mean {names}?"}
NAME_JOINER = {"zh-CN": "、", "en": ", "}


@dataclass(frozen=True)
class UnknownName:
    use: NameUse
    suggestions: tuple[str, ...]

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        locale = known_locale(locale)
        scope = self.use.scope
        text = MESSAGES[scope.kind][locale].format(name=self.use.name, event=scope.event, key=scope.key)
        if self.suggestions:
            text += DID_YOU_MEAN[locale].format(names=NAME_JOINER[locale].join(self.suggestions))
        return text


def closest(name: str, candidates: Sequence[str], n: int = SUGGESTIONS) -> tuple[str, ...]:
    """The candidates most like `name`, by difflib's ratio over characters (which suits Chinese,
    where one character is one unit of meaning), best first; equally close ones in name order."""
    matcher = difflib.SequenceMatcher(b=name)
    scored = []
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= SIMILARITY_CUTOFF and matcher.quick_ratio() >= SIMILARITY_CUTOFF:
            score = matcher.ratio()
            if score >= SIMILARITY_CUTOFF:
                scored.append((-score, candidate))
    return tuple(candidate for _, candidate in sorted(scored)[:n])


# ---------------------------------------------------------------- names in an SOP


def names_in(sop: Sop, raw: Mapping[str, Any], base: Path = ()) -> list[NameUse]:
    """Every name the SOP relies on, in the order it is written."""
    found: list[NameUse] = []
    main = audience_target(sop.kind)
    for key, target in (("audience", main), ("exit", main), ("groups", TargetKind.group)):
        if key in raw:
            found += _condition(raw[key], target, (*base, key))
    if "visible_to" in raw:
        found += _condition(raw["visible_to"], TargetKind.customer, (*base, "visible_to"))
    entry = raw.get("entry")
    if isinstance(entry, Mapping) and "event" in entry:
        found += _event(str(entry["event"]).strip(), entry, (*base, "entry"), "event")
    for index, (step, raw_step) in enumerate(zip(sop.steps, raw.get("steps") or (), strict=False)):
        path = (*base, "steps", index)
        if isinstance(step.at, OnEvent):
            found.append(NameUse(Scope(NameKind.event), step.at.event, (*path, "at", "on")))
        if step.executor.kind in (ExecutorKind.staff, ExecutorKind.role) and step.executor.name:
            kind = NameKind.staff if step.executor.kind is ExecutorKind.staff else NameKind.role
            found.append(NameUse(Scope(kind), step.executor.name, (*path, "executor")))
        if isinstance(raw_step, Mapping) and "when" in raw_step:
            found += _condition(raw_step["when"], sop.target_of(step), (*path, "when"))
    return found


def _condition(raw: object, target: TargetKind, path: Path) -> list[NameUse]:
    return list(_walk(raw, target, path))


def _walk(raw: object, target: TargetKind, path: Path) -> Iterator[NameUse]:
    if not isinstance(raw, Mapping):
        return
    if "all" in raw or "any" in raw:
        head = "all" if "all" in raw else "any"
        for index, item in enumerate(raw[head] or ()):
            yield from _walk(item, target, (*path, head, index))
    elif "not" in raw:
        yield from _walk(raw["not"], target, (*path, "not"))
    elif "tag" in raw:
        yield NameUse(Scope(NameKind.tag, target), _text(raw["tag"]), (*path, "tag"))
    elif "role" in raw:
        yield NameUse(Scope(NameKind.role), _text(raw["role"]), (*path, "role"))
    elif "attr" in raw or "date_attr" in raw:
        head = "attr" if "attr" in raw else "date_attr"
        yield NameUse(Scope(NameKind.attribute, target), _text(raw[head]), (*path, head))
    elif "event" in raw or "no_event" in raw or "since" in raw:
        head = next(h for h in ("event", "no_event", "since") if h in raw)
        yield from _event(_text(raw[head]), raw, path, head)
    elif isinstance(raw.get("in_group"), Mapping):
        yield from _walk(raw["in_group"], TargetKind.group, (*path, "in_group"))
    elif isinstance(raw.get("repurchase_due"), Mapping) and "product" in raw["repurchase_due"]:
        scope = Scope(NameKind.product, event=REPURCHASE_EVENT, key="product")
        yield NameUse(scope, _text(raw["repurchase_due"]["product"]), (*path, "repurchase_due", "product"))


def _event(kind: str, raw: Mapping[str, Any], path: Path, head: str) -> Iterator[NameUse]:
    yield NameUse(Scope(NameKind.event), kind, (*path, head))
    where = raw.get("where")
    if not isinstance(where, Mapping):
        return
    for key in PRODUCT_KEYS:
        if key not in where:
            continue
        values = where[key] if isinstance(where[key], list) else [where[key]]
        for index, value in enumerate(values):
            at = (*path, "where", key, index) if isinstance(where[key], list) else (*path, "where", key)
            if isinstance(value, str):  # numbers and true/false are not names
                yield NameUse(Scope(NameKind.product, event=kind, key=key), value, at)


def _text(value: object) -> str:
    return str(value).strip()
