"""The SOP vocabulary: what each kind of SOP allows and offers, defined once.

The parser (`core.sopparse`) checks files against these lists and names them in its messages;
the console's editor (`sops.editor`) builds its menus from them. The order of each tuple is the
order both show.
"""

from __future__ import annotations

from siyu.core.conditions.nodes import TargetKind
from siyu.core.model import Channel, ExecutorKind, SopKind, audience_target

CHANNELS: dict[SopKind, tuple[Channel, ...]] = {
    SopKind.customer: (Channel.private, Channel.sms, Channel.internal),
    SopKind.group: (Channel.group, Channel.internal),
    SopKind.moments: (Channel.moments,),
    SopKind.campaign: (Channel.private, Channel.sms, Channel.group, Channel.internal),
}

STEP_KEYS = ("id", "name", "at", "channel", "executor", "mode", "when", "content", "variants", "notes", "workdays_only")

# `at` forms and the keys each takes (besides workdays_only)
AT_FORMS: dict[str, tuple[str, ...]] = {
    "delay": ("delay",),
    "day": ("day", "time"),
    "next": ("next",),
    "every": ("every", "time", "weekday", "monthday"),
    "rrule": ("rrule",),
    "on": ("on",),
}

# content item kinds: those holding one text (a message, or an asset's name) and those with fields
CONTENT_KINDS = ("text", "image", "link", "miniprogram", "file", "video")
CONTENT_FIELDS: dict[str, tuple[str, ...]] = {
    "link": ("title", "url"),
    "miniprogram": ("title", "appid", "page"),
}
CHANNEL_CONTENT: dict[Channel, tuple[str, ...]] = {
    Channel.sms: ("text",),
    Channel.moments: ("text", "image", "video", "link"),
}

# executors: `role:<name>` and `staff:<id>` name someone, the others follow from the target
NAMED_EXECUTORS: dict[ExecutorKind, str] = {ExecutorKind.role: "<name>", ExecutorKind.staff: "<id>"}
PLAIN_EXECUTORS = tuple(kind for kind in ExecutorKind if kind not in NAMED_EXECUTORS)


def executor_form(kind: ExecutorKind) -> str:
    """How an executor of this kind is written: `owner`, `role:<name>`…"""
    placeholder = NAMED_EXECUTORS.get(kind)
    return f"{kind.value}:{placeholder}" if placeholder is not None else kind.value


def executors_for(kind: SopKind, target: TargetKind) -> tuple[ExecutorKind, ...]:
    """Who may carry out a step of an SOP of this kind about this target, the usual one first."""
    if kind is SopKind.moments:
        return (ExecutorKind.self_,)
    first = {
        TargetKind.customer: (ExecutorKind.owner,),
        TargetKind.group: (ExecutorKind.group_owner,),
        TargetKind.staff: (),
    }[target]
    return (*first, *NAMED_EXECUTORS)


def default_executor(kind: SopKind) -> ExecutorKind:
    """The executor a new step of this kind starts with: the usual one for the SOP's audience."""
    return executors_for(kind, audience_target(kind))[0]
