"""Reasons are codes with parameters, rendered in the reader's language: every code has its text
in every locale, with the same placeholders, and renders from the parameters it is made with."""

from __future__ import annotations

import string

import pytest

from siyu.core.language import LOCALES
from siyu.core.reasons import TEXTS, Reason, ReasonCode, reason_columns, render_reason, stored_reason


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_has_every_locale_with_the_same_placeholders(code: ReasonCode) -> None:
    texts = TEXTS[code]
    assert sorted(texts) == sorted(LOCALES)
    assert all(text.strip() for text in texts.values())
    assert _fields(texts["zh-CN"]) == _fields(texts["en"])


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_renders_from_its_parameters_in_both_languages(code: ReasonCode) -> None:
    params = dict.fromkeys(_fields(TEXTS[code]["zh-CN"]), 3)
    chinese = render_reason(code.value, params, None, "zh-CN")
    english = render_reason(code.value, params, None, "en")
    assert chinese and english and chinese != english
    # not the fallback for a missing parameter, which shows the code
    assert not chinese.startswith(code.value) and not english.startswith(code.value)


def test_a_cap_deferral_reads_naturally_in_each_language() -> None:
    one = Reason.of(ReasonCode.daily_cap_deferred, limit=2, days=1)
    three = Reason.of(ReasonCode.weekly_cap_deferred, limit=5, days=3)
    assert one.text("zh-CN") == "每日上限 2 已满，顺延 1 天"
    assert one.text("en") == "daily cap 2 reached; deferred 1 day"
    assert three.text("en") == "weekly cap 5 reached; deferred 3 days"


def test_a_missing_value_names_the_placeholder() -> None:
    reason = Reason.of(ReasonCode.missing_value, name="customer.name", position=4)
    assert reason.text("zh-CN") == "话术变量缺失：{{customer.name}} 没有值（第 4 个字符）"
    assert reason.text("en") == "missing value: no value for {{customer.name}} (character 4)"


def test_the_locale_falls_back_to_chinese_and_accepts_regional_english() -> None:
    reason = Reason.of(ReasonCode.no_executor)
    assert reason.text("fr") == "没有执行人"
    assert reason.text("en-US") == "nobody can carry it out"


def test_a_persons_words_are_kept_as_they_are() -> None:
    assert reason_columns("客户在外地") == {"reason": "客户在外地", "reason_code": None, "reason_params": None}
    assert render_reason(None, None, "客户在外地", "en") == "客户在外地"
    assert render_reason(None, None, None, "en") is None


def test_a_reason_is_stored_as_its_code_and_parameters_and_read_back() -> None:
    reason = Reason.of(ReasonCode.when_false, condition='{"in_group": false}')
    columns = reason_columns(reason)
    assert columns == {
        "reason": None,
        "reason_code": "when_false",
        "reason_params": {"condition": '{"in_group": false}'},
    }
    assert stored_reason(columns["reason_code"], columns["reason_params"]) == reason
    assert stored_reason(None, None) is None


def test_a_code_this_version_does_not_know_shows_as_itself() -> None:
    assert render_reason("from_the_future", {"n": 2}, None, "zh-CN") == "from_the_future (n=2)"
    assert stored_reason("from_the_future", None) is None


def test_a_missing_parameter_shows_the_code_rather_than_failing() -> None:
    assert render_reason("daily_cap_deferred", {"limit": 2}, None, "en") == "daily_cap_deferred (limit=2)"


def test_reasons_key_dicts_by_value() -> None:
    grouped = {Reason.of(ReasonCode.late): 1}
    grouped[Reason.of(ReasonCode.late)] = 2
    assert grouped == {Reason.of(ReasonCode.late): 2}
