"""Webhook signatures: the format, the replay window on both sides, rotation, and every refusal."""

from __future__ import annotations

import pytest

from siyu.channels.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    sign,
    verify,
)

SECRET = "whsec_0123456789abcdef"
OTHER = "whsec_fedcba9876543210"
BODY = '{"a":"暖柚"}'.encode()
NOW = 1_700_000_000


def check(
    *,
    secret: str = SECRET,
    timestamp: str | None = str(NOW),
    signature: str | None = None,
    body: bytes = BODY,
    now_s: int = NOW,
    window_s: int = 300,
) -> None:
    if signature is None:
        signature = sign(SECRET, NOW, BODY)
    verify(secret, timestamp_header=timestamp, signature_header=signature, body=body, now_s=now_s, window_s=window_s)


def reason(**kwargs: object) -> str:
    with pytest.raises(SignatureError) as caught:
        check(**kwargs)  # type: ignore[arg-type]
    return caught.value.reason


def test_header_names() -> None:
    assert (TIMESTAMP_HEADER, SIGNATURE_HEADER, IDEMPOTENCY_HEADER) == (
        "X-Siyu-Timestamp",
        "X-Siyu-Signature",
        "Idempotency-Key",
    )


def test_sign_matches_openssl() -> None:
    # printf '1700000000.{"a":"暖柚"}' | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'
    assert sign(SECRET, NOW, BODY) == "sha256=245b6363ee7d210e8baa232ec9d42c7a485c6f8e132c947e605fcf0047d04fbd"


def test_a_fresh_signature_verifies() -> None:
    check()


def test_the_timestamp_is_part_of_the_signature() -> None:
    assert sign(SECRET, NOW, BODY) != sign(SECRET, NOW + 1, BODY)
    assert "does not match" in reason(timestamp=str(NOW + 1))


def test_a_changed_body_is_refused() -> None:
    assert "does not match" in reason(body=BODY + b" ")


def test_another_secret_is_refused() -> None:
    assert reason(secret=OTHER) == f"{SIGNATURE_HEADER} does not match the body signed with the shared secret"


@pytest.mark.parametrize(
    ("timestamp", "signature", "missing"),
    [
        (None, "sha256=00", TIMESTAMP_HEADER),
        ("", "sha256=00", TIMESTAMP_HEADER),
        (str(NOW), "", SIGNATURE_HEADER),
    ],
)
def test_missing_headers(timestamp: str | None, signature: str, missing: str) -> None:
    with pytest.raises(SignatureError, match=f"missing header {missing}"):
        verify(SECRET, timestamp_header=timestamp, signature_header=signature or None, body=BODY, now_s=NOW)


@pytest.mark.parametrize("timestamp", ["soon", "1.7e9", "-5", "1_700_000_000", "0x10", "1700000000.5", "１７００"])
def test_timestamp_not_an_integer(timestamp: str) -> None:
    assert "is not an integer number of unix seconds" in reason(timestamp=timestamp)


def test_timestamp_with_surrounding_spaces_is_read() -> None:
    check(timestamp=f" {NOW} ")


def test_replay_window_edges_are_inside() -> None:
    check(now_s=NOW + 300)
    check(now_s=NOW - 300)


def test_too_old_says_by_how_much() -> None:
    assert reason(now_s=NOW + 301) == (
        f"{TIMESTAMP_HEADER} is 301 s old, outside the 300 s replay window (resend with a fresh timestamp)"
    )


def test_in_the_future_says_by_how_much() -> None:
    assert reason(now_s=NOW - 420) == (
        f"{TIMESTAMP_HEADER} is 420 s in the future, outside the 300 s window (check the sender's clock)"
    )


def test_window_is_a_parameter() -> None:
    check(now_s=NOW + 30, window_s=30)
    assert "outside the 29 s" in reason(now_s=NOW + 30, window_s=29)


def test_stale_request_is_refused_even_with_a_right_signature() -> None:
    old = NOW - 3600
    with pytest.raises(SignatureError, match="3600 s old"):
        verify(SECRET, timestamp_header=str(old), signature_header=sign(SECRET, old, BODY), body=BODY, now_s=NOW)


def test_rotation_any_of_several_signatures_matches() -> None:
    both = f"{sign(OTHER, NOW, BODY)}, {sign(SECRET, NOW, BODY)}"
    check(signature=both)
    check(secret=OTHER, signature=both)
    assert "does not match" in reason(signature=f"{sign(OTHER, NOW, BODY)},{sign('whsec_third_secret_x', NOW, BODY)}")


def test_other_schemes_are_skipped_but_one_sha256_is_required() -> None:
    check(signature=f"v2=abc, {sign(SECRET, NOW, BODY)}")
    assert f"{SIGNATURE_HEADER} has no sha256=<hex> signature" in reason(signature="v2=abc")


def test_hex_case_does_not_matter() -> None:
    check(signature=sign(SECRET, NOW, BODY).upper())


def test_garbage_signatures_are_a_mismatch_not_a_crash() -> None:
    assert "does not match" in reason(signature="sha256=ünïcode")
    assert "does not match" in reason(signature="sha256=")


def test_empty_secret_is_the_callers_error() -> None:
    with pytest.raises(ValueError, match="empty secret"):
        sign("", NOW, BODY)
    with pytest.raises(ValueError, match="empty secret"):
        check(secret="")
