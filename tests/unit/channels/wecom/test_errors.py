"""WeCom errcodes sort into transient, token and permanent, each with a reason in Chinese and English."""

from __future__ import annotations

import pytest

from siyu.channels.wecom.errors import ErrorKind, classify, kind_of

PERMANENT = [40001, 40013, 40003, 40096, 84061, 60011, 60020, 48002, 81013, 40058, 44004, 41048, 45035]
TRANSIENT = [-1, 6000, 41063]
RATE_LIMITS = [45009, 45011, 45033]
TOKEN = [40014, 42001, 41001]


@pytest.mark.parametrize("errcode", PERMANENT)
def test_permanent_codes(errcode: int) -> None:
    error = classify(errcode, "from wecom")
    assert error.permanent
    assert error.code == f"wecom:{errcode}"
    assert error.retry_after_s is None
    assert not error.in_doubt
    assert "from wecom" in error.message


@pytest.mark.parametrize("errcode", TRANSIENT)
def test_transient_codes(errcode: int) -> None:
    error = classify(errcode, "busy")
    assert not error.permanent
    assert error.retry_after_s is None
    assert error.code == f"wecom:{errcode}"


@pytest.mark.parametrize("errcode", RATE_LIMITS)
def test_rate_limits_ask_for_a_pause_of_at_least_a_minute(errcode: int) -> None:
    error = classify(errcode, "api freq out of limit")
    assert not error.permanent
    assert error.retry_after_s is not None and error.retry_after_s >= 60


@pytest.mark.parametrize("errcode", TOKEN)
def test_token_codes_are_their_own_kind_and_transient_once_classified(errcode: int) -> None:
    assert kind_of(errcode) is ErrorKind.token
    assert not classify(errcode, "").permanent


def test_the_reason_reads_in_both_languages() -> None:
    message = classify(84061, "not external contact").message
    assert "84061" in message
    assert "不存在外部联系人的关系" in message
    assert "not this staff member's external contact" in message


def test_an_unknown_code_is_transient() -> None:
    error = classify(301002, "something new")
    assert kind_of(301002) is ErrorKind.transient
    assert not error.permanent
    assert error.code == "wecom:301002"
    assert "unknown" in error.message
    assert "something new" in error.message


def test_zero_is_not_an_error() -> None:
    with pytest.raises(ValueError, match="success"):
        classify(0, "ok")
