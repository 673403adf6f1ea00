"""The SOP loader reads plain scalars as an operator means them, not as YAML 1.1 would."""

from __future__ import annotations

import pytest

from siyu.core.yamlsource import load_yaml


def value_of(text: str) -> object:
    data, _, _ = load_yaml(f"v: {text}\n", "f.yaml")
    assert isinstance(data, dict)
    return data["v"]


@pytest.mark.parametrize("word", ["on", "off", "yes", "no", "y", "n", "On", "YES", "No"])
def test_yaml_1_1_booleans_stay_text(word: str) -> None:
    assert value_of(word) == word


def test_on_as_a_key_stays_text() -> None:
    data, _, _ = load_yaml("at: {on: member_joined}\n", "f.yaml")
    assert data == {"at": {"on": "member_joined"}}


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_only_true_and_false_are_booleans(text: str, expected: bool) -> None:
    assert value_of(text) is expected


@pytest.mark.parametrize("text", ["10:30", "09:00", "1:30:00", "190:20:30"])
def test_sexagesimal_is_text(text: str) -> None:
    assert value_of(text) == text


@pytest.mark.parametrize("text", ["2026-06-01", "2026-06-01T00:00:00+08:00", "2026-06-01 10:00:00"])
def test_dates_and_timestamps_are_text(text: str) -> None:
    assert value_of(text) == text


@pytest.mark.parametrize(
    ("text", "expected"), [("0", 0), ("42", 42), ("-3", -3), ("+7", 7), ("1.5", 1.5), ("1e3", 1000.0)]
)
def test_numbers(text: str, expected: float) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["007", "0x1F", "0o17", "1_000", ".inf", ".nan", "30d", "10%"])
def test_other_number_looking_words_are_text(text: str) -> None:
    assert value_of(text) == text


@pytest.mark.parametrize("text", ["~", "null", "Null", ""])
def test_null(text: str) -> None:
    assert value_of(text) is None


def test_quoted_scalars_are_always_text() -> None:
    assert value_of('"true"') == "true"
    assert value_of("'42'") == "42"


def test_explicit_str_tag_keeps_text() -> None:
    assert value_of("!!str 42") == "42"


def test_keys_are_always_text() -> None:
    data, _, _ = load_yaml("1: a\ntrue: b\n", "f.yaml")
    assert data == {"1": "a", "true": "b"}


def test_aliases_are_expanded() -> None:
    data, _, _ = load_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert data == {"a": [1, 2], "b": [1, 2]}
