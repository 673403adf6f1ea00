"""Malformed YAML and structural faults are located as file:line(:column) with a clear message."""

from __future__ import annotations

import pytest

from siyu.core.errors import ValidationError
from siyu.core.yamlsource import load_sops, load_yaml


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_sops(text, "bad.yaml")
    return [str(p) for p in caught.value.problems]


def test_malformed_yaml_names_line_and_column() -> None:
    assert problems("id: a\nname: b: c\n") == ["bad.yaml:2:8: mapping values are not allowed here"]


def test_unclosed_flow_sequence_names_where_it_opened() -> None:
    assert problems("id: a\nsteps: [1, 2\n") == [
        "bad.yaml:3:1: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence at line 2, column 8)"
    ]


def test_tab_indentation() -> None:
    assert problems("id: a\nsteps:\n\t- x\n") == [
        "bad.yaml:3:1: found character '\\t' that cannot start any token (while scanning for the next token)"
    ]


def test_duplicate_key_is_an_error_at_the_second_one() -> None:
    assert problems("id: a\nname: x\nsteps:\n  - id: s\n    id: t\nname: y\n") == [
        "bad.yaml:5: steps[0].id: duplicate key id (first at line 4)",
        "bad.yaml:6: name: duplicate key name (first at line 2)",
    ]


def test_unsupported_tags() -> None:
    assert problems("id: a\nwhen: !!timestamp 2026-01-01\nx: !custom 1\n") == [
        "bad.yaml:2: when: unsupported tag !!timestamp",
        "bad.yaml:3: x: unsupported tag !custom",
    ]


def test_a_key_must_be_plain_text() -> None:
    assert problems("? [a, b]\n: 1\n") == ["bad.yaml:1: (top): a key must be plain text, not a list or a mapping"]


@pytest.mark.parametrize(
    ("text", "got"),
    [("", "an empty file"), ("# only a comment\n", "an empty file"), ("hello\n", "'hello'"), ("[]\n", "an empty list")],
)
def test_the_top_must_be_an_sop_or_a_list(text: str, got: str) -> None:
    assert problems(text) == [f"bad.yaml:1: (top): expected an SOP (a mapping) or a list of SOPs, got {got}"]


def test_every_list_item_must_be_a_mapping() -> None:
    assert problems("- id: a\n- 3\n- [x]\n") == [
        "bad.yaml:2: [1]: expected an SOP (a mapping with id, name, kind, …), got 3",
        "bad.yaml:3: [2]: expected an SOP (a mapping with id, name, kind, …), got a list",
    ]


def test_two_documents_are_refused() -> None:
    assert problems("id: a\n---\nid: b\n") == [
        "bad.yaml:2:1: but found another document (expected a single document in the stream at line 1, column 1)"
    ]


def test_alias_bombs_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    with pytest.raises(ValidationError, match="aliases expand too far"):
        load_yaml("\n".join(lines) + "\n", "bomb.yaml")


def test_a_control_character_is_a_located_problem_not_a_crash() -> None:
    with pytest.raises(ValidationError) as caught:
        load_yaml("id: a\x07b\n", "bell.yaml")
    assert caught.value.problems[0].where == "bell.yaml"
    assert "#x0007" in caught.value.problems[0].message


@pytest.mark.parametrize("levels", [65, 5000])
def test_deep_nesting_is_a_located_problem_not_a_crash(levels: int) -> None:
    text = "id: " + "[" * levels + "]" * levels + "\n"
    with pytest.raises(ValidationError) as caught:
        load_yaml(text, "deep.yaml")
    assert caught.value.problems[0].message == "nested more than 64 levels deep"


def test_sixty_four_levels_are_fine() -> None:
    text = "id: " + "[" * 63 + "]" * 63 + "\n"
    value, _, _ = load_yaml(text, "ok.yaml")
    assert value["id"] is not None
