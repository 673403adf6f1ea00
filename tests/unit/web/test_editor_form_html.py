"""The editor's form as HTML posts back exactly what it shows: render the form panel for an SOP,
read the fields a browser would post, and the form they make writes the same definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from siyu.core.yamlsource import load_sops
from siyu.sops.editor.posted import form_from_fields
from siyu.sops.editor.sop_form import SopForm, blank_form, definition_of, form_of
from siyu.sops.yaml_writer import same
from siyu.web.console.editor import form_context
from siyu.web.i18n import translate
from siyu.web.templating import templates
from tests.support.html_form import fragment_fields
from tests.unit.sops.editor_strategies import definitions, json_values

EXAMPLES = Path(__file__).parents[3] / "examples" / "sops"


def rendered(form: SopForm) -> str:
    page = templates.env.get_template("editor/_form.html")
    return page.render(**form_context(form), oob=False, t=lambda key, **kw: translate("zh-CN", key, **kw))


def posted_back(definition: dict[str, Any]) -> dict[str, Any]:
    html = rendered(form_of(definition))
    assert "[editor." not in html  # a message key without its text
    return definition_of(form_from_fields(fragment_fields(html)))


@given(definitions())
def test_a_form_expressible_sop_posts_back_unchanged(definition: dict[str, Any]) -> None:
    assert same(posted_back(definition), definition)


@given(json_values)
def test_yaml_parts_post_back_unchanged(value: Any) -> None:
    definition = {"id": "x", "name": "n", "kind": "customer", "audience": value, "steps": [value], "other": value}
    assert same(posted_back(definition), definition)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_example_sops_post_back_unchanged(path: Path) -> None:
    for loaded in load_sops(path.read_text(encoding="utf-8"), path.name):
        assert same(posted_back(loaded.raw), loaded.raw)


@pytest.mark.parametrize("kind", ["customer", "group", "moments", "campaign"])
def test_a_blank_form_of_every_kind_has_its_builders(kind: str) -> None:
    html = rendered(blank_form(kind))
    assert "[editor." not in html
    fields = fragment_fields(html)
    roots = {
        "customer": ["audience", "exit"],
        "group": ["audience", "exit"],
        "moments": ["audience", "visible_to", "exit"],
    }
    assert [
        key.removesuffix(".type") for key in fields if key.endswith(".type") and "." not in key.removesuffix(".type")
    ] == roots.get(kind, ["audience", "groups", "exit"])
    assert (fields["steps.0.channel"], fields["steps.0.executor_kind"]) == {
        "customer": ("private", "owner"),
        "group": ("group", "group_owner"),
        "moments": ("moments", "self"),
        "campaign": ("private", "owner"),
    }[kind]
