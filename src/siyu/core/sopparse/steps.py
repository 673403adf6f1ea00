"""One step of an SOP: its id, channel, timing, executor, mode, `when`, content and variants."""

from __future__ import annotations

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import (
    MEMBER_JOINED,
    Channel,
    Executor,
    ExecutorKind,
    Mode,
    OnEvent,
    SopKind,
    Step,
    TimeSpec,
    step_target,
)
from siyu.core.render import Scope, scope_for
from siyu.core.sopparse.content import ContentReader
from siyu.core.sopparse.reader import Path, describe, did_you_mean
from siyu.core.sopparse.timing import TimingReader
from siyu.core.vocabulary import (
    CHANNELS,
    NAMED_EXECUTORS,
    PLAIN_EXECUTORS,
    STEP_KEYS,
    executor_form,
    executors_for,
)

STEP_NAME_MAX = 100
_EXECUTOR_FORMS = [executor_form(kind) for kind in ExecutorKind]
EXECUTOR_FORMS = f"{', '.join(_EXECUTOR_FORMS[:-1])} or {_EXECUTOR_FORMS[-1]}"


class StepReader(TimingReader, ContentReader):
    """The steps of an SOP of a given kind."""

    def steps(self, value: object, path: Path, kind: SopKind) -> tuple[Step, ...]:
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a non-empty list of steps, got {describe(value)}")
            return ()
        ids: dict[str, int] = {}
        steps: list[Step] = []
        for index, item in enumerate(value):
            step = self.step(item, (*path, index), kind, ids)
            if step is not None:
                steps.append(step)
        return tuple(steps)

    def step(self, value: object, path: Path, kind: SopKind, ids: dict[str, int]) -> Step | None:
        raw = self.mapping(value, path, '{id: ask, at: {day: 0, time: "10:00"}, channel: private, …}')
        if raw is None:
            return None
        self.keys(raw, STEP_KEYS, path)
        step_id = self.slug(raw["id"], (*path, "id")) if self.require(raw, "id", path) else ""
        self.unique(step_id, ids, (*path, "id"), "steps", int(path[-1]))
        channel = self.channel(raw["channel"], (*path, "channel"), kind) if self.require(raw, "channel", path) else None
        at, at_workdays = self.at(raw["at"], (*path, "at"), kind) if self.require(raw, "at", path) else (None, None)
        workdays = self.boolean(raw["workdays_only"], (*path, "workdays_only")) if "workdays_only" in raw else None
        if workdays is not None and at_workdays is not None and workdays != at_workdays:
            self.fail((*path, "workdays_only"), "workdays_only is given twice (here and in at) with different values")
        mode = self.mode(raw["mode"], (*path, "mode"), channel) if "mode" in raw else Mode.remind
        target = step_target(kind, channel) if channel is not None else None
        executor = (
            self.executor(raw["executor"], (*path, "executor"), kind, target)
            if self.require(raw, "executor", path)
            else None
        )
        when = None
        if "when" in raw and target is not None:
            when = self.condition(raw["when"], target, (*path, "when"), allow_since_entry=True)
        scope = _scope(kind, channel, at) if channel is not None else None
        variants = self.variants(raw["variants"], (*path, "variants"), channel, scope) if "variants" in raw else ()
        if "content" in raw:
            content = self.content(raw["content"], (*path, "content"), channel, scope)
        else:
            content = ()
            if not variants or any(variant.content is None for variant in variants):
                self.fail(path, "missing required key: content")
        notes = self.text(raw["notes"], (*path, "notes")) if "notes" in raw else None
        name = self.text(raw["name"], (*path, "name"), limit=STEP_NAME_MAX) if "name" in raw else None
        if channel is None or at is None or executor is None:
            return None
        return Step(
            id=step_id,
            at=at,
            channel=channel,
            executor=executor,
            content=content,
            mode=mode,
            workdays_only=bool(workdays or at_workdays),
            when=when,
            variants=variants,
            notes=notes,
            name=name,
        )

    def channel(self, value: object, path: Path, kind: SopKind) -> Channel | None:
        allowed = CHANNELS[kind]
        if isinstance(value, str) and value in Channel.__members__:
            channel = Channel(value)
            if channel in allowed:
                return channel
            self.fail(path, f"a {kind.value} SOP cannot use channel {value} (use: {', '.join(allowed)})")
            return None
        self.fail(path, f"expected one of {', '.join(allowed)}, got {describe(value)}{did_you_mean(value, allowed)}")
        return None

    def mode(self, value: object, path: Path, channel: Channel | None) -> Mode:
        if not (isinstance(value, str) and value in Mode.__members__):
            self.fail(path, f"expected remind or auto, got {describe(value)}")
            return Mode.remind
        mode = Mode(value)
        if mode is Mode.auto and channel is Channel.internal:
            self.fail(path, "internal work is done by a person: mode auto is not possible on the internal channel")
        return mode

    def executor(self, value: object, path: Path, kind: SopKind, target: TargetKind | None) -> Executor | None:
        executor = _read_executor(value)
        if executor is None:
            self.fail(path, f"expected {EXECUTOR_FORMS}, got {describe(value)}")
            return None
        if target is None:
            return executor
        allowed = executors_for(kind, target)
        if executor.kind in allowed:
            return executor
        use = ", ".join(executor_form(k) for k in allowed)
        if executor.kind is ExecutorKind.owner:
            reason = "owner (the customer's owner) needs a step about a customer"
        elif executor.kind is ExecutorKind.group_owner:
            reason = "group_owner needs a step about a group"
        elif executor.kind is ExecutorKind.self_:
            reason = "self (the posting account) is only for moments SOPs"
        else:
            reason = "a moments post goes out from the account itself"
        self.fail(path, f"{reason}; in this {kind.value} SOP step use: {use}")
        return None


def _scope(kind: SopKind, channel: Channel, at: TimeSpec | None) -> Scope:
    target = step_target(kind, channel)
    member = target is TargetKind.group and isinstance(at, OnEvent) and at.event == MEMBER_JOINED
    return scope_for(target, member_event=member)


def _read_executor(value: object) -> Executor | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in PLAIN_EXECUTORS:
        return Executor(ExecutorKind(text))
    prefix, colon, name = text.partition(":")
    if colon and prefix in NAMED_EXECUTORS and name.strip():
        return Executor(ExecutorKind(prefix), name.strip())
    return None
