"""A step ↔ `StepForm`: its timing (`at`), channel, executor, mode, `when` condition, content
items and variants. A step the form cannot show exactly becomes a YAML step (`StepForm.yaml`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from siyu.core import vocabulary
from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Channel, ExecutorKind, Mode, Period, SopKind, Weekday, step_target
from siyu.sops.editor.codec import block_ok, inline_ok, number_text, number_value, yaml_text, yaml_value
from siyu.sops.editor.condition_form import Node, node_of, node_value
from siyu.sops.yaml_writer import same

# the menus, from the SOP vocabulary; the usual timing first and the rare mini-program last
AT_FORMS = ("day", *(form for form in vocabulary.AT_FORMS if form != "day"))
EVERY = tuple(period.value for period in Period)
WEEKDAYS = tuple(day.value for day in Weekday)
EXECUTOR_KINDS = tuple(kind.value for kind in ExecutorKind)
ITEM_KINDS = (*(kind for kind in vocabulary.CONTENT_KINDS if kind != "miniprogram"), "miniprogram")
CHANNELS: dict[str, tuple[str, ...]] = {
    kind.value: tuple(channel.value for channel in channels) for kind, channels in vocabulary.CHANNELS.items()
}
DEFAULT_EXECUTOR = {kind.value: vocabulary.default_executor(kind).value for kind in SopKind}
AT_FIELDS = ("form", "delay", "day", "time", "every", "weekday", "monthday", "rrule", "on")  # `next` posts `time`
ITEM_FIELDS = ("value", *dict.fromkeys(name for names in vocabulary.CONTENT_FIELDS.values() for name in names))
_PLAIN_EXECUTORS = tuple(kind.value for kind in vocabulary.PLAIN_EXECUTORS)
_NAMED_EXECUTORS = tuple(kind.value for kind in vocabulary.NAMED_EXECUTORS)


@dataclass
class Item:
    """A content item: `value` for text, image, file and video; title/url for a link;
    title/appid/page for a mini-program."""

    kind: str = "text"
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass
class VariantForm:
    id: str = ""
    weight: str = ""
    own: bool = False  # carries its own content (else it sends the step's)
    content: list[Item] = field(default_factory=list)


@dataclass
class StepForm:
    """One step. `yaml` set means the form cannot show this step: it is edited as YAML text."""

    yaml: str | None = None
    id: str = ""
    at: dict[str, str] = field(default_factory=lambda: {"form": "day", "day": "0", "time": "10:00"})
    channel: str = ""
    executor_kind: str = ""
    executor_name: str = ""
    mode: str = Mode.remind.value
    mode_set: bool = False  # `mode` is written even when it is the default
    workdays: bool = False
    workdays_key: str = ""  # where workdays_only was written: "", "step" or "at"
    when: Node | None = None
    content: list[Item] = field(default_factory=list)
    variants: list[VariantForm] = field(default_factory=list)
    notes: str = ""

    def at_get(self, name: str) -> str:
        return self.at.get(name, "")


def step_target_of(kind: str, channel: str) -> TargetKind:
    """What a step of an SOP of this kind is about on this channel (an unknown kind counts as a
    customer SOP, an unknown channel as the kind's first)."""
    sop_kind = SopKind(kind if kind in CHANNELS else SopKind.customer.value)
    chosen = Channel(channel) if channel in Channel.__members__ else CHANNELS[sop_kind.value][0]
    return step_target(sop_kind, Channel(chosen))


def new_step(kind: str, number: int) -> StepForm:
    return StepForm(
        id=f"step-{number}",
        at={"form": "day", "day": "0", "time": "10:00"},
        channel=CHANNELS.get(kind, CHANNELS["customer"])[0],
        executor_kind=DEFAULT_EXECUTOR.get(kind, "owner"),
        mode=Mode.remind.value,
        mode_set=True,
        content=[Item("text", {"value": ""})],
    )


def step_of(raw: object, kind: str) -> StepForm:
    """The form of a step; a YAML step when the form cannot show it exactly."""
    step = _read_step(raw, kind)
    if step is not None and same(step_value(step), raw) and _step_fits(step):
        return step
    return StepForm(yaml=yaml_text(raw))


def _step_fits(step: StepForm) -> bool:
    """Every value survives its input (texts and notes are text areas, the rest one-line inputs)."""
    items = [*step.content, *(item for variant in step.variants for item in variant.content)]
    inline = [
        step.id,
        step.channel,
        step.executor_name,
        *step.at.values(),
        *(variant.id for variant in step.variants),
        *(variant.weight for variant in step.variants),
        *(value for item in items for name, value in item.fields.items() if item.kind != "text" or name != "value"),
    ]
    blocks = [step.notes, *(item.get("value") for item in items if item.kind == "text")]
    return all(map(inline_ok, inline)) and all(map(block_ok, blocks))


def _read_step(raw: object, kind: str) -> StepForm | None:
    if not isinstance(raw, Mapping):
        return None
    if any(key not in vocabulary.STEP_KEYS for key in raw) or "at" not in raw:
        return None
    step = StepForm(at={})
    for key in ("id", "channel", "notes"):
        if key in raw:
            if not isinstance(raw[key], str):
                return None
            setattr(step, key, raw[key])
    if "mode" in raw:
        if not isinstance(raw["mode"], str):
            return None
        step.mode, step.mode_set = raw["mode"], True
    if "executor" in raw and not _read_executor(raw["executor"], step):
        return None
    if "at" in raw and not _read_at(raw["at"], step):
        return None
    if "workdays_only" in raw:
        if not isinstance(raw["workdays_only"], bool) or step.workdays_key:
            return None
        step.workdays, step.workdays_key = raw["workdays_only"], "step"
    if "when" in raw:
        step.when = node_of(raw["when"], step_target_of(kind, step.channel))
    if "content" in raw:
        items = _read_items(raw["content"])
        if items is None:
            return None
        step.content = items
    if "variants" in raw:
        variants = _read_variants(raw["variants"])
        if variants is None:
            return None
        step.variants = variants
    return step


def _read_executor(value: object, step: StepForm) -> bool:
    if not isinstance(value, str):
        return False
    if value in _PLAIN_EXECUTORS:
        step.executor_kind = value
        return True
    prefix, colon, name = value.partition(":")
    if colon and prefix in _NAMED_EXECUTORS:
        step.executor_kind, step.executor_name = prefix, name
        return True
    return False


def _read_at(value: object, step: StepForm) -> bool:
    if not isinstance(value, Mapping):
        return False
    forms = [form for form in AT_FORMS if form in value]
    if len(forms) != 1:
        return False
    form = forms[0]
    at = {"form": form}
    for key, item in value.items():
        if key == "workdays_only" and isinstance(item, bool):
            step.workdays, step.workdays_key = item, "at"
        elif key in ("day", "monthday"):
            text = number_text(item)
            if text is None:
                return False
            at[key] = text
        elif key == "next" and isinstance(item, str):
            at["time"] = item
        elif key in ("delay", "time", "every", "weekday", "rrule", "on") and isinstance(item, str):
            at[key] = item
        else:
            return False
    step.at = at
    return True


def _read_items(value: object) -> list[Item] | None:
    if not isinstance(value, list):
        return None
    items: list[Item] = []
    for raw in value:
        if not isinstance(raw, Mapping) or len(raw) != 1:
            return None
        kind, spec = next(iter(raw.items()))
        if kind in vocabulary.CONTENT_KINDS and kind not in vocabulary.CONTENT_FIELDS and isinstance(spec, str):
            items.append(Item(kind, {"value": spec}))
        elif kind in vocabulary.CONTENT_FIELDS and isinstance(spec, Mapping):
            if not all(isinstance(v, str) for v in spec.values()):
                return None
            items.append(Item(kind, dict(spec)))
        else:
            return None
    return items


def _read_variants(value: object) -> list[VariantForm] | None:
    if not isinstance(value, list):
        return None
    variants: list[VariantForm] = []
    for raw in value:
        if not isinstance(raw, Mapping) or any(key not in ("id", "weight", "content") for key in raw):
            return None
        variant = VariantForm()
        if "id" in raw:
            if not isinstance(raw["id"], str):
                return None
            variant.id = raw["id"]
        if "weight" in raw:
            weight = number_text(raw["weight"])
            if weight is None:
                return None
            variant.weight = weight
        if "content" in raw:
            items = _read_items(raw["content"])
            if items is None:
                return None
            variant.own, variant.content = True, items
        variants.append(variant)
    return variants


def _at_value(step: StepForm) -> dict[str, Any]:
    at = step.at
    form = at.get("form", "day")
    value: dict[str, Any]
    if form == "delay":
        value = {"delay": at.get("delay", "")}
    elif form == "next":
        value = {"next": at.get("time", "")}
    elif form == "every":
        value = {"every": at.get("every", "")}
        if at.get("every") == Period.week.value:
            value["weekday"] = at.get("weekday", "")
        if at.get("every") == Period.month.value:
            value["monthday"] = number_value(at.get("monthday", ""))
        value["time"] = at.get("time", "")
    elif form == "rrule":
        value = {"rrule": at.get("rrule", "")}
    elif form == "on":
        value = {"on": at.get("on", "")}
    else:
        value = {"day": number_value(at.get("day", "")), "time": at.get("time", "")}
    if step.workdays_key == "at":
        value["workdays_only"] = step.workdays
    return value


def _items_value(items: list[Item]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item.kind in vocabulary.CONTENT_FIELDS:
            out.append({item.kind: {name: item.get(name) for name in vocabulary.CONTENT_FIELDS[item.kind]}})
        else:
            out.append({item.kind: item.get("value")})
    return out


def step_value(step: StepForm) -> Any:
    """The step as plain data (a YAML step: what its text reads as)."""
    if step.yaml is not None:
        return yaml_value(step.yaml)
    value: dict[str, Any] = {}
    if step.id:
        value["id"] = step.id
    if step.at:
        value["at"] = _at_value(step)
    if step.channel:
        value["channel"] = step.channel
    if step.executor_kind:
        value["executor"] = (
            f"{step.executor_kind}:{step.executor_name}"
            if step.executor_kind in _NAMED_EXECUTORS
            else step.executor_kind
        )
    if step.mode_set or step.mode != Mode.remind.value:
        value["mode"] = step.mode
    if step.workdays_key == "step" or (step.workdays and step.workdays_key != "at"):
        value["workdays_only"] = step.workdays
    if step.when is not None:
        value["when"] = node_value(step.when)
    if step.content:
        value["content"] = _items_value(step.content)
    if step.variants:
        variants: list[Any] = []
        for variant in step.variants:
            entry: dict[str, Any] = {}
            if variant.id:
                entry["id"] = variant.id
            if variant.weight:
                entry["weight"] = number_value(variant.weight)
            if variant.own:
                entry["content"] = _items_value(variant.content)
            variants.append(entry)
        value["variants"] = variants
    if step.notes:
        value["notes"] = step.notes
    return value
