"""The editor's menus come from the SOP vocabulary in `core`: they offer exactly what the parser
accepts, in the order the console has always shown."""

from __future__ import annotations

from siyu.core import vocabulary
from siyu.core.model import ExecutorKind, SopKind
from siyu.sops.editor import step_form


def test_a_new_step_starts_with_the_default_executor_of_its_kind() -> None:
    assert step_form.DEFAULT_EXECUTOR == {
        "customer": "owner",
        "group": "group_owner",
        "moments": "self",
        "campaign": "owner",
    }
    for kind in SopKind:
        assert step_form.new_step(kind.value, 1).executor_kind == vocabulary.default_executor(kind).value


def test_the_editor_menus_offer_what_the_parser_accepts() -> None:
    assert set(step_form.AT_FORMS) == set(vocabulary.AT_FORMS)
    assert set(step_form.ITEM_KINDS) == set(vocabulary.CONTENT_KINDS)
    assert set(step_form.EXECUTOR_KINDS) == {kind.value for kind in ExecutorKind}
    assert {
        kind.value: tuple(channel.value for channel in channels) for kind, channels in vocabulary.CHANNELS.items()
    } == step_form.CHANNELS
    assert list(step_form.CHANNELS) == [kind.value for kind in SopKind]


def test_the_editor_menus_keep_their_order() -> None:
    assert step_form.AT_FORMS == ("day", "delay", "next", "every", "rrule", "on")
    assert step_form.ITEM_KINDS == ("text", "image", "link", "file", "video", "miniprogram")
    assert step_form.EXECUTOR_KINDS == ("owner", "group_owner", "self", "role", "staff")
